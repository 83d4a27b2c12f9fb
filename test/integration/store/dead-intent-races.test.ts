// A merge or a link offer that cleans another writer's dead intent reads a head a concurrent move may have
// changed: what it decided from the head before cleaning must be decided again (found by a randomized
// audit mixing crashes, stitching and time passing).
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import type { StoredLink } from '../../../functions/adapters/dynamodb/head.js';
import { DynamoDbStitchingWriter } from '../../../functions/adapters/dynamodb/stitching-writer.js';
import type { EventRecord } from '../../../functions/domain/events/event.js';
import { record } from '../../helpers/event-arbitraries.js';
import { useLocalDynamoDb } from '../../helpers/use-local-dynamodb.js';
import { Crash, crashingClient, hookedClient } from './crashing-client.js';
import { stitchedReference } from './stitching-harness.js';
import { freshStore, type StoreUnderTest, storedSessions, writerOn } from './store-harness.js';

const dynamo = useLocalDynamoDb();

const at = (iso: string) => Date.parse(iso);
const anonymousVisit = (id: string, iso: string) =>
  record({ id, timestamp: at(iso), userId: null, anonymousId: 'kiosk' });
const linkOf = (login: EventRecord): StoredLink => ({
  userId: login.userId as string,
  timestamp: login.timestamp,
  eventId: login.id,
  canonical: '',
});

const stitcherOn = (store: StoreUnderTest, client: DynamoDBClient) =>
  new DynamoDbStitchingWriter(writerOn(store, client));

/**
 * A store whose kiosk has visits and, in its head, a dead intent (a staged merge died after registering it,
 * then committed when delivered again), seen twenty minutes later, once that intent's deadline and margin
 * have passed. `racing(race)` is a writer that runs `race` when it first removes a dead intent: when it has
 * decided from the head it read.
 */
async function kioskWithDeadIntent(
  run: (kiosk: {
    store: StoreUnderTest;
    stitcher: DynamoDbStitchingWriter;
    stored: EventRecord[];
    racing: (race: () => Promise<void>) => DynamoDbStitchingWriter;
  }) => Promise<void>,
): Promise<void> {
  const store = await freshStore(dynamo.client, { identityStitching: true });
  const stitcher = new DynamoDbStitchingWriter(store.writer);
  const visit = anonymousVisit('m:v1', '2024-01-31T10:00:00Z');
  await stitcher.mergeAnonymousEvents('kiosk', [visit]);
  const earlier = anonymousVisit('m:v0', '2024-01-30T10:00:00Z');
  const dying = stitcherOn(store, crashingClient(dynamo.endpoint, 1));
  await expect(dying.mergeAnonymousEvents('kiosk', [earlier])).rejects.toThrow(Crash);
  await stitcher.mergeAnonymousEvents('kiosk', [earlier]);

  const realNow = Date.now.bind(Date);
  const clock = vi.spyOn(Date, 'now').mockImplementation(() => realNow() + 20 * 60_000);
  const racing = (race: () => Promise<void>) => {
    let raced = false;
    return stitcherOn(
      store,
      hookedClient(dynamo.endpoint, async (command, input, send) => {
        if (
          !raced &&
          command === 'UpdateItemCommand' &&
          String(input.UpdateExpression).startsWith('REMOVE #in.')
        ) {
          raced = true;
          await race();
        }
        return send();
      }),
    );
  };
  try {
    await run({ store, stitcher, stored: [visit, earlier], racing });
  } finally {
    clock.mockRestore();
  }
}

const login = (id: string, userId: string, iso: string) =>
  record({ id, timestamp: at(iso), userId, anonymousId: 'kiosk' });

describe('a dead intent cleaned while a link moves the anonymousId', () => {
  it('sends an anonymous merge to the user its events moved to, not back to the anonymousId', async () => {
    await kioskWithDeadIntent(async ({ store, stitcher, stored, racing }) => {
      const uLogin = login('m:login', 'u', '2024-01-31T10:10:00Z');
      const more = anonymousVisit('m:v2', '2024-01-31T10:05:00Z');

      await racing(async () => {
        await store.writer.mergeUserEvents('u', [uLogin]);
        await stitcher.offerLink('kiosk', linkOf(uLogin));
      }).mergeAnonymousEvents('kiosk', [more]);

      expect(await storedSessions(store, ['kiosk', 'u'])).toEqual(
        stitchedReference([...stored, uLogin, more], store.rules),
      );
    });
  });

  it('judges a link against the head it commits on: a later link offered meanwhile stays out', async () => {
    await kioskWithDeadIntent(async ({ store, stitcher, stored, racing }) => {
      // w logs in on the kiosk at 10:30, u at 10:10: u's is the earliest link (rule 8).
      const wLogin = login('m:w', 'w', '2024-01-31T10:30:00Z');
      const uLogin = login('m:u', 'u', '2024-01-31T10:10:00Z');
      await store.writer.mergeUserEvents('w', [wLogin]);
      await store.writer.mergeUserEvents('u', [uLogin]);

      await racing(() => stitcher.offerLink('kiosk', linkOf(uLogin)).then(() => undefined)).offerLink(
        'kiosk',
        linkOf(wLogin),
      );

      expect((await store.reader.getUserSummary('kiosk'))?.stitchedTo).toBe('u');
      expect(await storedSessions(store, ['kiosk', 'u', 'w'])).toEqual(
        stitchedReference([...stored, wLogin, uLogin], store.rules),
      );
    });
  });
});
