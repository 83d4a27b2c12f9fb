import { describe, expect, it } from 'vitest';
import { campaignFromUrl } from '../../../../functions/domain/events/campaign.js';
import { parseFormUrlencoded } from '../../../../functions/domain/events/form-urlencoded.js';

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

  it("keeps a % that is no escape and the characters beside it (Node's URLSearchParams turned é into U+FFFD)", () => {
    expect(campaignFromUrl('https://shop.example/?utm_campaign=soldes+50%+café')).toEqual(
      campaign({ name: 'soldes 50% café' }),
    );
    expect(campaignFromUrl('/?utm_source=%C3café&utm_medium=%zz%41')).toEqual(
      campaign({ source: '\ufffdcafé', medium: '%zzA' }),
    );
  });

  it('reads a second ? as part of the first name, as form-urlencoded decoding does', () => {
    expect(campaignFromUrl('https://shop.example/??utm_source=news&utm_campaign=spring')).toEqual(
      campaign({ name: 'spring' }),
    );
    expect(campaignFromUrl('/??utm_campaign=A&utm_campaign=B')).toEqual(campaign({ name: 'B' }));
  });

  it('reads names without = as empty values, and skips empty pairs', () => {
    expect(campaignFromUrl('/?utm_source&&utm_medium=m&')).toEqual(campaign({ source: '', medium: 'm' }));
    expect(campaignFromUrl('/?utm_source=a=b')).toEqual(campaign({ source: 'a=b' }));
  });

  it('reads a lone surrogate as U+FFFD, escaped or not', () => {
    expect(campaignFromUrl('/?utm_source=\ud800x&utm_medium=%ED%A0%80')).toEqual(
      campaign({ source: '\ufffdx', medium: '\ufffd\ufffd\ufffd' }),
    );
  });

  it('decodes as the WHATWG parser does wherever Node agrees with it', () => {
    // Node's URLSearchParams is right on text with no stray %: random queries of such text agree with it.
    const alphabet = [
      'a',
      'u',
      't',
      'm',
      '_',
      '=',
      '&',
      '+',
      '%20',
      '%41',
      '%C3%A9',
      'é',
      '😀',
      ' ',
      '?',
      '%2B',
    ];
    let seed = 7;
    const next = () => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed;
    };
    for (let round = 0; round < 2000; round++) {
      let query = '';
      const length = next() % 30;
      for (let i = 0; i < length; i++) query += alphabet[next() % alphabet.length];
      if (query.startsWith('?')) query = `x${query}`;
      expect(parseFormUrlencoded(query), query).toEqual([...new URLSearchParams(query)]);
    }
  });

  it('cuts long values for display but reads the full url', () => {
    const long = 'a'.repeat(2000);
    const result = campaignFromUrl(`/?utm_content=${long}&utm_source=s`);
    expect(result?.content).toBe('a'.repeat(1024));
    expect(result?.source).toBe('s');
  });
});
