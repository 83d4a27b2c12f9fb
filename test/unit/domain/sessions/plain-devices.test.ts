import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createBrowserOf } from '../../../../functions/domain/events/browser.js';
import { collect, columnsOf, expectSameColumns, OPTIONS } from './plain-compare.js';

/**
 * Plain Segment events with device texts (context.device.type, context.os.name, context.userAgent): the
 * columns make their device and platform from the bytes (sessions/device-spans.ts), held here to what
 * normalizeEvent gives the same records.
 */

const T = '2024-01-01T09:00:00.000Z';
const line = (members: Record<string, unknown>) => JSON.stringify(members);
const base = { type: 'track', event: 'Clicked', userId: 'u1', anonymousId: 'a1', timestamp: T };
const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1';
const CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';

const withDevice = (messageId: string, context: Record<string, unknown>, type = 'track') =>
  line({ ...base, type, name: 'Home', properties: { url: 'https://x.test/' }, messageId, context });

const deviceLines = [
  withDevice('d1', { userAgent: IPHONE }),
  withDevice('d2', { userAgent: CHROME, ip: '10.0.0.1', locale: 'fr-FR' }, 'page'),
  withDevice('d3', { device: { type: 'iOS' }, os: { name: 'iOS' } }),
  withDevice('d4', { device: { type: 'IOS', model: 'x' }, userAgent: IPHONE }, 'page'),
  withDevice('d5', { device: { type: '' }, os: { name: null }, userAgent: '' }),
  withDevice('d6', { os: { name: 'Android' } }),
  withDevice('d7', { device: null, userAgent: 'not an agent at all' }),
  withDevice('d8', { device: { type: 'Tablet' }, userAgent: 'x'.repeat(1024) }),
  withDevice('d9', { device: { type: 'T'.repeat(1024) } }),
  withDevice('d10', { userAgent: IPHONE }, 'screen'),
  // A copy of the first, and the same texts again: the same device and platform.
  withDevice('d1', { userAgent: IPHONE }),
  withDevice('d11', { device: { type: 'iOS' }, os: { name: 'iOS' } }),
  // Without a userId (owned by the anonymousId), whose device changes, then comes back.
  line({ ...base, userId: null, messageId: 'd12', context: { userAgent: CHROME } }),
  line({ ...base, userId: null, messageId: 'd13', context: { userAgent: IPHONE } }),
  line({ ...base, userId: null, messageId: 'd14', context: { userAgent: CHROME } }),
];

describe('plain Segment events with a device', () => {
  it('are taken without objects, with the device and platform the usual way gives', async () => {
    expect(await expectSameColumns(deviceLines)).toBe(deviceLines.length);
    expect(await expectSameColumns(deviceLines, { ...OPTIONS, browserOf: createBrowserOf() })).toBe(
      deviceLines.length,
    );
  });

  it('give the usual way the same indexes, whichever way each event of a file went', async () => {
    const usual = await collect(deviceLines, () => false);
    for (const every of [2, 3, 5]) {
      const mixed = await collect(deviceLines, (record) => record % every !== 0);
      expect(columnsOf(mixed)).toEqual(columnsOf(usual));
    }
  });

  it('leave device members that are no plain text to the usual way', async () => {
    const declined = [
      withDevice('e1', { device: { type: 7 } }),
      withDevice('e2', { os: { name: { a: 1 } } }),
      withDevice('e3', { userAgent: 'Mozilla/5.0 \u00e9' }),
      withDevice('e4', { userAgent: 'x'.repeat(1025) }),
      withDevice('e5', { device: { type: 'T'.repeat(1025) } }),
      '{"type":"track","userId":"u1","timestamp":"2024-01-01T09:00:00Z","messageId":"e6","context":{"userAgent":"a\\u0062"}}',
    ];
    expect(await expectSameColumns(declined)).toBe(0);
    expect(await expectSameColumns([...deviceLines, ...declined])).toBe(deviceLines.length);
  });

  it('hold to the usual way on generated device members, escapes, non-texts and duplicates included', async () => {
    const text = fc.oneof(
      fc.constantFrom(
        '',
        ' ',
        'iOS',
        'IOS',
        'ios ',
        'Android',
        IPHONE,
        CHROME,
        'x'.repeat(1024),
        'y'.repeat(1025),
      ),
      fc.string({ maxLength: 6 }),
      fc.string({ unit: 'grapheme', maxLength: 4 }),
    );
    const value = fc.oneof(
      { weight: 5, arbitrary: text.map((s) => JSON.stringify(s)) },
      {
        weight: 1,
        arbitrary: text.map((s) =>
          JSON.stringify(s).replace(/[a-z]/, (c) => `\\u00${c.charCodeAt(0).toString(16)}`),
        ),
      },
      { weight: 1, arbitrary: fc.constantFrom('null', '0', '1e400', 'true', '{}', '[]', '{"type":"x"}') },
    );
    const member = (key: string) =>
      fc.option(
        value.map((v) => `"${key}":${v}`),
        { nil: undefined },
      );
    const context = fc
      .tuple(
        member('type').map((m) => (m === undefined ? undefined : `"device":{${m}}`)),
        member('name').map((m) => (m === undefined ? undefined : `"os":{${m}}`)),
        member('userAgent'),
        fc.constantFrom(undefined, '"device":null', '"os":"iOS"', '"page":{"url":"https://x.test/"}'),
      )
      .map((members) => `"context":{${members.filter(Boolean).join(',')}}`);
    const record = fc
      .tuple(
        fc.constantFrom('track', 'page', 'screen', 'identify'),
        fc.array(context, { minLength: 1, maxLength: 2 }),
        fc.nat(3),
      )
      .map(
        ([type, contexts, id]) =>
          `{${[`"type":"${type}"`, '"userId":"u"', `"messageId":"m${id}"`, `"timestamp":"${T}"`, ...contexts].join(',')}}`,
      );
    await fc.assert(
      fc.asyncProperty(fc.array(record, { minLength: 1, maxLength: 8 }), async (lines) => {
        await expectSameColumns(lines);
      }),
      { numRuns: 300 },
    );
  });
});
