// Rule 8 breaks a tie between links of one event id and instant by canonical JSON over every copy. A device's
// copies of one user's event that tie so (texts differing in another member) against a rival user's link of that
// id and instant: the store must weigh the rival against the copy whose text sorts first, not the one read
// first, whether it stitches as it ingests or a rebuild turns stitching on later (the copies then lost rule 3
// and were kept beside the winner: LostLinks, chooseCopies).
import { describe, expect, it } from 'vitest';
import { DynamoDbSessionWriter } from '../../../functions/adapters/dynamodb/session-writer.js';
import { compileRules } from '../../../functions/domain/rules/session-rules.js';
import { toSessionView } from '../../../functions/domain/views/session-view.js';
import { useLocalDynamoDb } from '../../helpers/use-local-dynamodb.js';
import { modelSessions } from '../../unit/domain/sessions/spec-model.js';
import { bytesOf } from '../../unit/reading/archives.js';
import { rebuildReadingCopies, recordRules } from './rebuild-harness.js';
import { freshStore, type StoreUnderTest, storedSessions } from './store-harness.js';
import { ingestBytes } from './store-vs-batch-harness.js';

const dynamo = useLocalDynamoDb();
type Sent = Record<string, unknown>;
const browserOf = () => null;
const OFF = { gapMinutes: 30, gapMinutesByPlatform: {}, identityStitching: false };
const ON = { ...OFF, identityStitching: true };
const at = (minute: number) => new Date(Date.UTC(2024, 4, 6, 9, minute)).toISOString();

/** A copy of `m`; `p` orders the texts of copies alike in all else (`"p":1,` < `"p":1.5` < `"p":2`). */
const copy = (userId: string, anonymousId: string, minute: number, p: number, type = 'track'): Sent => ({
  type,
  event: 'E',
  userId,
  anonymousId,
  messageId: 'm',
  timestamp: at(minute),
  p,
});

/** The sessions stored after ingesting `files` under `rules`, then rebuilding to stitching on when `rebuild`. */
async function storedAfter(files: readonly Sent[][], rules: typeof OFF, rebuild: boolean) {
  let store = await freshStore(dynamo.client, rules);
  await recordRules(store);
  const bucket = new Map<string, Uint8Array>();
  const writer = (s: StoreUnderTest) =>
    new DynamoDbSessionWriter({ transport: s.transport, rules: s.rules, pageLimitBytes: 600 });
  for (const [index, lines] of files.entries()) {
    const content = bytesOf(`${lines.map((line) => JSON.stringify(line)).join('\n')}\n`);
    await ingestBytes(store, writer(store), bucket, `incoming/f${index}.ndjson`, content, 1000, {
      browserOf,
    });
  }
  if (rebuild)
    store = await rebuildReadingCopies(store, compileRules(ON), bucket, { endpoint: dynamo.endpoint });
  const sessions = await storedSessions(store, ['U', 'V', 'a', 'b']);
  return sessions.map(toSessionView).map(({ sessionId: _, ...rest }) => rest);
}

// U's copies from device a tie at 09:01; V's copy from a ties with them. The text that sorts first is U's
// p 1, so a (and its anonymous event at 09:03) is U's; weighed by U's p 2 instead, it went to V.
const ties = [copy('U', 'a', 1, 2), copy('U', 'a', 1, 1)];
const rival = [copy('V', 'a', 1, 1.5), { type: 'track', event: 'X', anonymousId: 'a', timestamp: at(3) }];

describe("a device's tied link copies, stitching on", () => {
  it('are weighed against a rival link of another file by the text that sorts first, in any order', async () => {
    for (const files of [
      [ties, rival],
      [rival, ties],
      [[...ties].reverse(), rival],
    ])
      expect(await storedAfter(files, ON, false)).toEqual(modelSessions(files.flat(), ON, browserOf));
  }, 180_000);
});

describe("a device's tied link copies that lose rule 3, then stitching turned on", () => {
  it.each([
    ['an earlier copy from another device', copy('U', 'b', 0, 0)],
    ['an earlier alias, which never links', copy('U', 'a', 0, 0, 'alias')],
  ])(
    'they lose to %s',
    async (_, winner) => {
      for (const own of [[winner, ...ties], [...ties].reverse().concat(winner)]) {
        const files = [own, rival];
        expect(await storedAfter(files, OFF, true)).toEqual(modelSessions(files.flat(), ON, browserOf));
      }
    },
    180_000,
  );
});
