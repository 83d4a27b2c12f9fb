// Rule 3's last tie-break in the store, against DynamoDB Local: of copies of one event at one instant, the
// one whose canonical JSON sorts first stays, whether the copies differ in projection or only in text, however
// they are split into files, in whatever order and however concurrently those are merged.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventRecord } from '../../../functions/domain/events/event.js';
import { compareEvents } from '../../../functions/domain/sessions/order.js';
import { sourceTextKey } from '../../../functions/domain/store/copy-choice.js';
import { MINUTE, record } from '../../helpers/event-arbitraries.js';
import { integrationParams } from '../../helpers/integration-property.js';
import { permutations } from '../../helpers/permutations.js';
import { useLocalDynamoDb } from '../../helpers/use-local-dynamodb.js';
import { freshStore, storedEventsOf } from './store-harness.js';

const dynamo = useLocalDynamoDb();
const T0 = Date.UTC(2024, 0, 1, 9, 0, 0);

describe('copies of one event at one instant', () => {
  it('keep the copy whose text sorts first, whatever the split, order and concurrency', async () => {
    // `ip` comes first in the canonical JSON and no rule sees it: copies alike in projection differ in text.
    const copy = fc.record({
      id: fc.integer({ min: 0, max: 1 }),
      name: fc.constantFrom('Alpha', 'Zeta'),
      ip: fc.integer({ min: 1, max: 3 }),
      at: fc.constantFrom(0, 0, 0, 1),
      file: fc.integer({ min: 0, max: 2 }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(copy, { minLength: 1, maxLength: 10 }),
        fc.constantFrom(...permutations([0, 1, 2])),
        fc.boolean(),
        async (copies, order, concurrent) => {
          const store = await freshStore(dynamo.client);
          const texts = new Map<string, string>();
          const textOf = new Map<EventRecord, string>();
          const events = copies.map(({ id, name, ip, at, file }, index) => {
            const source = {
              object: `f${file}.ndjson`,
              version: 'e:1',
              file: `f${file}.ndjson`,
              record: index + 1,
            };
            const text = `{"context":{"ip":"${ip}"},"event":"${name}","messageId":"${id}","userId":"u"}`;
            texts.set(sourceTextKey(source), text);
            const event = record({ id: `m:${id}`, timestamp: T0 + at * MINUTE, userId: 'u', name, source });
            textOf.set(event, text);
            return event;
          });
          const files = order
            .map((file) => events.filter((_, index) => copies[index]?.file === file))
            .filter((file) => file.length > 0);
          // Every text is given, as the ingest gives those it has read: no merge needs more.
          const merge = (file: EventRecord[]) => store.writer.mergeUserEvents('u', file, texts);
          if (concurrent) await Promise.all(files.map(merge));
          else for (const file of files) await merge(file);

          // The batch: per id, the earliest copy, then the one whose text sorts first.
          const kept = new Map<string, EventRecord>();
          for (const event of events) {
            const best = kept.get(event.id);
            const earlier = best === undefined || event.timestamp < best.timestamp;
            const tie = best !== undefined && event.timestamp === best.timestamp;
            if (earlier || (tie && (textOf.get(event) as string) < (textOf.get(best) as string)))
              kept.set(event.id, event);
          }
          const expected = [...kept.values()]
            .sort(compareEvents)
            .map((event) => [event.name, event.timestamp]);
          const stored = await storedEventsOf(store, 'u');
          expect(stored.map((event) => [event.name, event.timestamp])).toEqual(expected);
        },
      ),
      {
        ...integrationParams(60),
        // Zeta at ip 3 stored, Zeta at ip 1 (alike, sorts first), then Alpha at ip 2, which sorts between them.
        examples: [
          [
            [
              { id: 0, name: 'Zeta', ip: 3, at: 0, file: 0 },
              { id: 0, name: 'Zeta', ip: 1, at: 0, file: 1 },
              { id: 0, name: 'Alpha', ip: 2, at: 0, file: 2 },
            ],
            [0, 1, 2],
            false,
          ],
        ],
      },
    );
  }, 120_000);
});
