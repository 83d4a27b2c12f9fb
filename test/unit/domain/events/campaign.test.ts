import { describe, expect, it } from 'vitest';
import { campaignFromUrl } from '../../../../functions/domain/events/campaign.js';

const campaign = (members: Partial<Record<'source' | 'medium' | 'name' | 'term' | 'content', string>>) => ({
  source: null,
  medium: null,
  name: null,
  term: null,
  content: null,
  ...members,
});

describe('campaignFromUrl', () => {
  it('reads the five utm_* parameters, utm_campaign as name (docs/rules.md example)', () => {
    expect(
      campaignFromUrl('https://shop.example/?utm_source=newsletter&utm_medium=email&utm_campaign=spring'),
    ).toEqual(campaign({ source: 'newsletter', medium: 'email', name: 'spring' }));
    expect(campaignFromUrl('/?utm_term=t&utm_content=c')).toEqual(campaign({ term: 't', content: 'c' }));
  });

  it('reads the query between ? and #, not the fragment', () => {
    expect(campaignFromUrl('https://x.example/?utm_source=a#utm_medium=b')).toEqual(
      campaign({ source: 'a' }),
    );
    expect(campaignFromUrl('https://x.example/?utm_source=a#frag?utm_medium=b')).toEqual(
      campaign({ source: 'a' }),
    );
  });

  it('finds no query when the fragment comes before the ?', () => {
    expect(campaignFromUrl('https://x.example/#section?utm_source=a')).toBeNull();
  });

  it('takes the first of a repeated parameter', () => {
    expect(campaignFromUrl('/?utm_source=first&utm_source=second')).toEqual(campaign({ source: 'first' }));
    expect(campaignFromUrl('/?utm_source=&utm_source=second&utm_medium=m')).toEqual(
      campaign({ source: '', medium: 'm' }),
    );
  });

  it('decodes form-urlencoded values: + and %20 are spaces, %-escapes are decoded', () => {
    expect(
      campaignFromUrl('/?utm_source=spring+sale&utm_medium=e%20mail&utm_campaign=%C3%A9t%C3%A9'),
    ).toEqual(campaign({ source: 'spring sale', medium: 'e mail', name: 'été' }));
  });

  it('decodes %-escapes in parameter names as well', () => {
    expect(campaignFromUrl('/?utm%5Fsource=news')).toEqual(campaign({ source: 'news' }));
    expect(campaignFromUrl('/?%75tm_medium=email')).toEqual(campaign({ medium: 'email' }));
  });

  it('is null unless one parameter is non-empty', () => {
    expect(campaignFromUrl('/?utm_source=&utm_medium=')).toBeNull();
    expect(campaignFromUrl('/?ref=utm_source')).toBeNull();
    expect(campaignFromUrl('https://x.example/utm_source=a')).toBeNull();
    expect(campaignFromUrl('')).toBeNull();
  });

  it('reads a malformed url without failing, as form-urlencoded decoding does', () => {
    expect(campaignFromUrl('::not a url?utm_source=%E0%A4%A&utm_medium=%%')).toEqual(
      campaign({ source: '\ufffd%A', medium: '%%' }),
    );
  });

  it('cuts long values for display but reads the full url', () => {
    const long = 'a'.repeat(2000);
    const result = campaignFromUrl(`/?utm_content=${long}&utm_source=s`);
    expect(result?.content).toBe('a'.repeat(1024));
    expect(result?.source).toBe('s');
  });
});
