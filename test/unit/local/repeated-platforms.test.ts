// A platform named twice in SESSION_GAP_MINUTES_BY_PLATFORM, or a source's field in SESSIONIZER_SOURCES:
// JSON.parse keeps the last value without a word, where `sessionize --gap-by-platform ios=5,ios=6` refuses.
import { describe, expect, it } from 'vitest';
import { repeatedKeys } from '../../../contract/repeated-keys.js';
import { loadLocalStackConfig } from '../../../local/stack-config.js';

describe('a platform named twice in SESSION_GAP_MINUTES_BY_PLATFORM', () => {
  it.each([
    ['{"ios":5,"ios":6}', 'ios'],
    // One name however it is escaped.
    ['{"ios":5,"\\u0069os":6}', 'ios'],
    ['{ "tv" : 90 , "android":5, "tv":1 }', 'tv'],
  ])('is refused, naming it (%s)', (value, platform) => {
    expect(() => loadLocalStackConfig({ SESSION_GAP_MINUTES_BY_PLATFORM: value })).toThrow(
      `invalid local stack configuration: SESSION_GAP_MINUTES_BY_PLATFORM: names ${JSON.stringify(platform)} twice (JSON would keep only the last gap): give each platform once`,
    );
  });

  it('is not confused with a name that is only alike, or a key inside a string', () => {
    const value = '{"ios":5,"IOS ":6,"a\\"ios":7,"tv":8}';
    expect(repeatedKeys(value)).toEqual([]);
    expect(() => loadLocalStackConfig({ SESSION_GAP_MINUTES_BY_PLATFORM: value })).toThrow(
      /'IOS ' must be lowercase/,
    );
  });

  it('finds repeated keys at any depth, once each', () => {
    expect(repeatedKeys('{"a":{"b":1,"b":2,"b":3},"c":[{"d":1},{"d":2}],"a":0}')).toEqual(['b', 'a']);
  });

  it('takes each platform once', () => {
    expect(
      loadLocalStackConfig({ SESSION_GAP_MINUTES_BY_PLATFORM: '{"ios":5,"android":6}' }).sessionRules,
    ).toMatchObject({ gapMinutesByPlatform: { ios: 5, android: 6 } });
  });
});

describe('a field named twice in a source of SESSIONIZER_SOURCES', () => {
  it('is refused, naming it, rather than the last prefix taken without a word', () => {
    const value = '[{"name":"in","prefix":"incoming/","prefix":"other/","format":"auto"}]';
    expect(() => loadLocalStackConfig({ SESSIONIZER_SOURCES: value })).toThrow(
      'invalid local stack configuration: SESSIONIZER_SOURCES: names "prefix" twice (JSON would keep only the last one): give each field of a source once',
    );
  });

  it('takes two sources with the same fields', () => {
    const value =
      '[{"name":"a","prefix":"a/","format":"auto"},{"name":"b","prefix":"b/","format":"segment"}]';
    expect(loadLocalStackConfig({ SESSIONIZER_SOURCES: value }).sources.map((source) => source.name)).toEqual(
      ['a', 'b'],
    );
  });
});
