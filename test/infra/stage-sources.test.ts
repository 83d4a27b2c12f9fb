// The sources a stage's config may name: what S3 notifications and IAM can hold, none inside another.
import { describe, expect, it } from 'vitest';
import { parseStageConfig, stageConfig } from '../../lib/config/stages.js';
import { issuesOf, withChanges } from './stage-config-edits.js';

describe('stage config sources', () => {
  const withSources = (sources: unknown) =>
    withChanges(stageConfig('dev'), (config) => {
      (config as { sources: unknown }).sources = sources;
    });
  const source = (name: string, prefix: string) => ({ name, prefix, format: 'segment' });

  it('accepts prefixes that are siblings, however alike their names', () => {
    const sources = [source('a', 'logs/'), source('b', 'logs-2/'), source('c', "exports/logs/v1.0_(it's)!/")];
    expect(parseStageConfig('dev', withSources(sources)).sources).toEqual(sources);
  });

  it.each([
    ['an empty prefix', [source('a', '')], /^sources\.0\.prefix: must not be empty/],
    [
      'a prefix without a trailing slash',
      [source('a', 'incoming')],
      /^sources\.0\.prefix: must end with '\/'/,
    ],
    ['an IAM wildcard in a prefix', [source('a', 'in*/')], /^sources\.0\.prefix: may hold only letters/],
    [
      'a space in a prefix (S3 would match it only as +)',
      [source('a', 'my files/')],
      /^sources\.0\.prefix: may hold only letters, digits, '\/' and ! - _ \. ' \( \): S3 notifications match other characters only URL-encoded/,
    ],
    ['a + in a prefix', [source('a', 'a+b/')], /^sources\.0\.prefix: may hold only letters/],
    ['a letter beyond ASCII in a prefix', [source('a', 'é/')], /^sources\.0\.prefix: may hold only letters/],
    ['no source at all', [], /^sources: needs at least one source$/],
    ['an unknown format', [{ name: 'a', prefix: 'a/', format: 'csv' }], /^sources\.0\.format: /],
    [
      'two sources with one name',
      [source('a', 'x/'), source('a', 'y/')],
      /^sources\.1\.name: 'a' is used twice$/,
    ],
  ])('refuses %s', (_what, sources, message) => {
    expect(issuesOf(withSources(sources))).toEqual([expect.stringMatching(message)]);
  });

  // S3's key limit is 1,024 bytes of UTF-8, not 1,024 characters: 600 'é' are 600 code units and 1,200 bytes.
  it('counts a prefix in UTF-8 bytes, the unit of the S3 key limit', () => {
    const wide = `${'é'.repeat(600)}/`;
    expect(issuesOf(withSources([source('a', wide)]))).toEqual([
      'sources.0.prefix: must be at most 1024 bytes of UTF-8 (the S3 key limit); it is 1201',
      expect.stringMatching(/^sources\.0\.prefix: may hold only letters/),
    ]);
    expect(issuesOf(withSources([source('a', `${'a'.repeat(1023)}/`)]))).toEqual([]);
    expect(issuesOf(withSources([source('a', `${'a'.repeat(1024)}/`)]))).toEqual([
      'sources.0.prefix: must be at most 1024 bytes of UTF-8 (the S3 key limit); it is 1025',
    ]);
  });

  it.each([
    ['a prefix inside an earlier one', source('all', 'logs/'), source('segment', 'logs/segment/')],
    ['a prefix around a later one', source('segment', 'logs/segment/'), source('all', 'logs/')],
    ['the same prefix twice', source('a', 'logs/'), source('b', 'logs/')],
  ])('refuses %s, naming the other source', (_what, first, second) => {
    expect(issuesOf(withSources([first, second]))).toEqual([
      `sources.1.prefix: '${second.prefix}' overlaps the prefix '${first.prefix}' of source '${first.name}'; source prefixes must not contain one another`,
    ]);
  });

  it.each([
    ['the rejection prefix itself', 'rejected/'],
    ['a folder inside it', 'rejected/incoming/'],
  ])('refuses %s as a source', (_what, prefix) => {
    expect(issuesOf(withSources([source('a', prefix)]))).toEqual([
      expect.stringMatching(/^sources\.0\.prefix: '.*' overlaps 'rejected\/', where the ingest writes/),
    ]);
  });

  it('refuses sources and rules too large for the ingest environment', () => {
    const platforms = Object.fromEntries(
      Array.from({ length: 40 }, (_, i) => [`platform-${'x'.repeat(80)}-${i}`, 5]),
    );
    const input = withChanges(stageConfig('dev'), (config) => {
      config.sessionRules.gapMinutesByPlatform = platforms;
    });
    expect(issuesOf(input)).toEqual([
      expect.stringMatching(
        /^sessionRules: sources take \d+ bytes as JSON and sessionRules \d+, \d+ in all, over the 3072 the ingest environment can hold .*: name fewer platforms in gapMinutesByPlatform/,
      ),
    ]);
  });

  it('names the sources when they take most of the ingest environment', () => {
    // Always said of sessionRules before, though the rules here are 90 bytes and the sources over 3,000.
    const sources = Array.from({ length: 30 }, (_, i) =>
      source(`source-${i}`, `exports/${'y'.repeat(60)}/${i}/`),
    );
    const [issue, ...more] = issuesOf(withSources(sources));
    expect(more).toEqual([]);
    expect(issue).toMatch(
      /^sources: sources take \d{4} bytes as JSON and sessionRules \d{2,3}, \d{4} in all, over the 3072 the ingest environment can hold \(Lambda allows 4 KB in all\): use fewer sources, or shorter names and prefixes$/,
    );
  });
});
