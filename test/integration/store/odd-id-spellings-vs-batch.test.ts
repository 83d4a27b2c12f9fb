// Rules 1 to 3 and 6 for ids that could meet in the store's keys or its dedupe, each spelt in the export with
// escapes or without (`"\u0061"` is `a`, `"\uD83D\uDE00"` is the character written raw): trimmed, numbers and
// their texts, case, NFC and NFD, a lone surrogate and the U+FFFD UTF-8 would make of it, `#` and NUL, ids
// spelt like a `~b64.` form or an event id, and messageIds alike in the same ways, each shared by several
// users. Through the ingest in chunks of a few events, files delivered at once and twice, with and without
// stitching, the store must hold what the CLI's one batch computes: no user's events in another's sessions,
// none merged across users, none lost.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toSessionView } from '../../../functions/domain/views/session-view.js';
import { integrationParams } from '../../helpers/integration-property.js';
import { useLocalDynamoDb } from '../../helpers/use-local-dynamodb.js';
import { freshStore, storedSessions } from './store-harness.js';
import { batch, deliverAll, everyoneOf, type Scenario, storeWriter } from './store-vs-batch-harness.js';

const dynamo = useLocalDynamoDb();

const IDS: (string | number)[] = [
  'a',
  'A',
  ' a',
  'a\u00a0',
  '\u00e9',
  'e\u0301',
  'x\ud800',
  'x\udc00',
  'x\ufffd',
  '\ud83d\ude00',
  'a#x',
  'a\u0000',
  '42',
  42,
  '1e+21',
  1e21,
  '~b64.YQ',
  'm:1',
];
const MESSAGE_IDS: (string | number | null)[] = [null, '', ' m1', 'm1', 'M1', 1, '1', 'x\ud800', 'x\ufffd'];
const T0 = Date.UTC(2024, 0, 1, 9, 0, 0);

/**
 * A text as a JSON string, each character written raw or as `\u` escapes of either case, as `spelling`'s bits
 * say; a lone surrogate always escaped (raw, it is no UTF-8).
 */
function spelt(text: string, spelling: number): string {
  let out = '"';
  let index = 0;
  for (const character of text) {
    const lone = character.length === 1 && /[\ud800-\udfff]/.test(character);
    if (lone || (spelling >> (index++ % 16)) & 1) {
      for (let unit = 0; unit < character.length; unit++) {
        const hex = character.charCodeAt(unit).toString(16).padStart(4, '0');
        out += `\\u${(spelling >> 20) & 1 ? hex.toUpperCase() : hex}`;
      }
    } else out += JSON.stringify(character).slice(1, -1);
  }
  return `${out}"`;
}

const jsonValue = (value: string | number, spelling: number) =>
  typeof value === 'string' ? spelt(value, spelling) : JSON.stringify(value);

const lineArb = fc
  .record({
    type: fc.constantFrom('track', 'track', 'identify', 'page', 'alias'),
    userId: fc.option(fc.constantFrom(...IDS), { nil: undefined, freq: 4 }),
    anonymousId: fc.option(fc.constantFrom(...IDS), { nil: undefined, freq: 2 }),
    messageId: fc.constantFrom(...MESSAGE_IDS),
    minutes: fc.integer({ min: 0, max: 8 }).map((step) => step * 20),
    prop: fc.constantFrom('{"p":1}', '{"p":1.0}', '{"b":1,"a":2}', '{"a":2,"b":1}'),
    spelling: fc.integer({ min: 0, max: (1 << 21) - 1 }),
  })
  .map(({ type, userId, anonymousId, messageId, minutes, prop, spelling }) => {
    const members = [
      `"type":"${type}"`,
      `"timestamp":"${new Date(T0 + minutes * 60_000).toISOString()}"`,
      `"properties":${prop}`,
    ];
    if (userId !== undefined) members.push(`"userId":${jsonValue(userId, spelling)}`);
    if (anonymousId !== undefined || userId === undefined)
      members.push(`"anonymousId":${jsonValue(anonymousId ?? 'a', spelling >> 3)}`);
    if (messageId !== null) members.push(`"messageId":${jsonValue(messageId, spelling >> 7)}`);
    return `{${members.join(',')}}`;
  });

const scenarioArb: fc.Arbitrary<Scenario> = fc
  .array(fc.tuple(lineArb, fc.integer({ min: 0, max: 2 })), { minLength: 1, maxLength: 30 })
  .chain((placed) =>
    fc
      .record({
        concurrent: fc.boolean(),
        chunkEvents: fc.constantFrom(1, 2, 5, 1_000_000),
        again: fc.integer({ min: 0, max: 2 }),
      })
      .map(({ concurrent, chunkEvents, again }) => {
        const files: string[][] = [[], [], []];
        for (const [line, file] of placed) files[file]?.push(line);
        return {
          lines: placed.map(([line]) => line),
          files,
          order: [2, 0, 1, again],
          concurrent,
          chunkEvents,
        };
      }),
  );

describe('ids spelt every way against the batch', () => {
  it('each keep to their own events, every one of them, as one batch over the files computes', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, fc.boolean(), async (scenario, identityStitching) => {
        const rules = { gapMinutes: 30, gapMinutesByPlatform: {}, identityStitching };
        const store = await freshStore(dynamo.client, rules);
        await deliverAll(store, storeWriter(store), new Map(), scenario);
        const expected = (await batch(scenario, rules)).map(toSessionView);
        const stored = (await storedSessions(store, everyoneOf(scenario))).map(toSessionView);
        expect(stored).toEqual(expected);
      }),
      integrationParams(25),
    );
  }, 600_000);
});
