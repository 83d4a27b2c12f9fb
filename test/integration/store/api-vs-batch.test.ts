// The lookup API over what the ingest stored, against the CLI's one batch over the same files: every user's
// summary (with rule 8's links), every page of their sessions in both orders, every page of each session's
// events, under random rules and deliveries.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toSessionView } from '../../../functions/domain/views/session-view.js';
import { integrationParams } from '../../helpers/integration-property.js';
import { useLocalDynamoDb } from '../../helpers/use-local-dynamodb.js';
import { decodedUserPath, gatewayEvent, send } from '../../unit/api/api-event.js';
import { eventsAll, listAll } from './api-pages.js';
import { type BatchSession, batchLinks, batchWithEvents } from './batch-with-events.js';
import { freshStore, lookupApiOn } from './store-harness.js';
import { deliverAll, everyoneOf, rulesArb, scenarioArb, storeWriter } from './store-vs-batch-harness.js';

const dynamo = useLocalDynamoDb();
describe('the lookup API against the batch', () => {
  it('serves what one batch over every file delivered computes', async () => {
    await fc.assert(
      fc.asyncProperty(
        rulesArb,
        scenarioArb(40),
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom('asc' as const, 'desc' as const),
        async (rules, scenario, limit, order) => {
          const store = await freshStore(dynamo.client, rules);
          const writer = storeWriter(store);
          const bucket = new Map<string, Uint8Array>();
          await deliverAll(store, writer, bucket, scenario);
          const expected = await batchWithEvents(scenario, rules);
          const byUser = new Map<string, BatchSession[]>();
          for (const session of expected) {
            const list = byUser.get(session.summary.userId) ?? [];
            list.push(session);
            byUser.set(session.summary.userId, list);
          }
          const links = rules.identityStitching ? await batchLinks(scenario) : new Map<string, string>();
          const handler = lookupApiOn(store);
          for (const user of everyoneOf(scenario)) {
            const summary = await send(handler, gatewayEvent('GET', decodedUserPath(user)));
            const linked = links.get(user);
            const stitchedTo = linked === undefined || linked === user ? null : linked;
            // Rule 8's sample: the first 20 in UTF-16 order, which a default sort gives.
            const stitchedHere = [...links]
              .filter(([anonymousId, owner]) => owner === user && anonymousId !== user)
              .map(([anonymousId]) => anonymousId)
              .sort();
            if (summary.status === 200) {
              expect(summary.body, user).toMatchObject({
                stitchedTo,
                anonymousIds: { count: stitchedHere.length, items: stitchedHere.slice(0, 20) },
              });
            } else if (summary.status === 307) {
              expect((summary.body as { error: { userId: string } }).error.userId).toBe(stitchedTo);
            } else {
              expect(stitchedTo, `${user}: ${summary.status}`).toBeNull();
            }
            const mine = byUser.get(user) ?? [];
            const listed = await listAll(handler, user, limit, order);
            if (mine.length === 0) {
              // Stitched away (307) or never a user of its own (404).
              expect([307, 404], `${user}: ${JSON.stringify(summary.body)}`).toContain(summary.status);
              expect(listed.status).toBe(summary.status);
              continue;
            }
            expect(summary.status).toBe(200);
            expect(summary.body).toMatchObject({
              userId: user,
              sessionCount: mine.length,
              eventCount: mine.reduce((sum, session) => sum + session.events.length, 0),
              firstSeenAt: new Date(mine[0]?.summary.startedAt ?? 0).toISOString(),
              lastSeenAt: new Date(Math.max(...mine.map((session) => session.summary.endedAt))).toISOString(),
            });
            const views = mine.map((session) => toSessionView(session.summary));
            expect(listed).toEqual({ status: 200, sessions: order === 'asc' ? views : views.reverse() });
            for (const session of mine) {
              expect(await eventsAll(handler, user, session.summary.sessionId, limit)).toEqual({
                status: 200,
                view: toSessionView(session.summary),
                events: session.events.map((event) => ({
                  ...event,
                  timestamp: new Date(event.timestamp).toISOString(),
                })),
              });
            }
          }
        },
      ),
      integrationParams(40),
    );
  }, 600_000);
});
