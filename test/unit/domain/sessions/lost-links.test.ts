import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventRecord } from '../../../../functions/domain/events/event.js';
import { isLink } from '../../../../functions/domain/sessions/stitching.js';
import { collectEvents } from '../../../helpers/collected-copies.js';
import { record } from '../../../helpers/event-arbitraries.js';

const T0 = Date.UTC(2024, 0, 1, 9);
const noLookup = async () => new Map<string, string>();

/** Copies of one event `m:x` of user `u`. */
const copy = (seconds: number, anonymousId: string | null, type: 'track' | 'alias' = 'track') =>
  record({ id: 'm:x', userId: 'u', anonymousId, type, timestamp: T0 + seconds * 1000 });

/** A column event as a plain object (its id is a getter). */
const plain = (event: EventRecord): EventRecord => ({ ...event, id: event.id });

/** What a store would be handed for each user, as the ingest does: kept events, then the lost links. */
async function handed(stitching: boolean, events: readonly EventRecord[]) {
  const collector = collectEvents(stitching, events);
  const byUser = new Map<string, { kept: EventRecord[]; lost: EventRecord[] }>();
  const visit = (
    user: string,
    owned: { events(): EventRecord[]; parkable(): { events(): EventRecord[] } },
  ) => {
    byUser.set(user, { kept: owned.events().map(plain), lost: owned.parkable().events().map(plain) });
  };
  if (stitching) await collector.forEachOwner(noLookup, (owner, owned) => visit(owner.user, owned));
  else await collector.forEachUser(noLookup, visit);
  return byUser;
}

/** Each anonymousId's earliest link timestamp among `events`. */
function earliestLinks(events: readonly EventRecord[]): Record<string, number> {
  const links: Record<string, number> = {};
  for (const event of events) {
    if (!isLink(event)) continue;
    const anonymousId = event.anonymousId as string;
    links[anonymousId] = Math.min(links[anonymousId] ?? Number.POSITIVE_INFINITY, event.timestamp);
  }
  return links;
}

describe('copies that lose rule 3 but a store keeps (handed to it beside the kept events)', () => {
  it("hands over a user's copy sent from another device", async () => {
    const users = await handed(false, [copy(0, 'dev-a'), copy(1, 'dev-b')]);
    expect(users.get('u')).toEqual({ kept: [copy(0, 'dev-a')], lost: [copy(1, 'dev-b')] });
  });

  it('hands over a link that lost to an alias, which never links', async () => {
    const users = await handed(false, [copy(1, 'dev-a'), copy(0, 'dev-a', 'alias')]);
    expect(users.get('u')).toEqual({ kept: [copy(0, 'dev-a', 'alias')], lost: [copy(1, 'dev-a')] });
  });

  it('hands over nothing for copies the kept one stands for, or without an anonymousId', async () => {
    const users = await handed(false, [copy(0, 'dev-a'), copy(0, 'dev-a'), copy(5, 'dev-a'), copy(3, null)]);
    expect(users.get('u')).toEqual({ kept: [copy(0, 'dev-a')], lost: [] });
  });

  it('hands over a copy that lost to one of another owner, which only the user id joins to it', async () => {
    // Without stitching, events without a userId are their anonymousId's: here `u`, the user's id too.
    const anonymous = record({ id: 'm:x', userId: null, anonymousId: 'u', timestamp: T0 });
    const users = await handed(false, [copy(60, 'dev-a'), anonymous]);
    expect(users.get('u')).toEqual({ kept: [anonymous], lost: [copy(60, 'dev-a')] });
    const own = record({ id: 'm:x', userId: 'u', anonymousId: null, timestamp: T0 + 60_000 });
    expect((await handed(false, [own, anonymous])).get('u')).toEqual({ kept: [anonymous], lost: [own] });
    expect((await handed(false, [anonymous, copy(-60, null)])).get('u')).toEqual({
      kept: [copy(-60, null)],
      lost: [anonymous],
    });
  });

  it('hands over every link copy at the earliest instant of its device, whichever the best stood for', async () => {
    // Rule 8 weighs links of one event at one instant by text: a store that is handed one of two such copies
    // (the first read) may weigh a rival link of another user against the one whose text sorts last.
    for (const copies of [
      [copy(1, 'dev-a'), copy(1, 'dev-a'), copy(0, 'dev-b')],
      [copy(1, 'dev-a'), copy(0, 'dev-b'), copy(1, 'dev-a')],
      [copy(0, 'dev-b'), copy(1, 'dev-a'), copy(1, 'dev-a'), copy(2, 'dev-a')],
    ]) {
      const users = await handed(false, copies);
      expect(users.get('u')).toEqual({
        kept: [copy(0, 'dev-b')],
        lost: [copy(1, 'dev-a'), copy(1, 'dev-a')],
      });
    }
  });

  it('hands them to the user owner when the store stitches itself', async () => {
    const users = await handed(true, [copy(2, 'dev-b'), copy(0, 'dev-a', 'alias')]);
    expect(users.get('u')).toEqual({ kept: [copy(0, 'dev-a', 'alias')], lost: [copy(2, 'dev-b')] });
  });

  it('keeps, whatever the order and copies, the earliest link of every anonymousId among kept and lost', async () => {
    const copyArbitrary = fc.record({
      seconds: fc.integer({ min: 0, max: 4 }),
      anonymousId: fc.constantFrom(null, 'dev-a', 'dev-b', 'dev-c'),
      type: fc.constantFrom<'track' | 'alias'>('track', 'alias'),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(copyArbitrary, { minLength: 1, maxLength: 12 }),
        fc.boolean(),
        async (drafts, stitching) => {
          const copies = drafts.map(({ seconds, anonymousId, type }) => copy(seconds, anonymousId, type));
          const { kept, lost } = (await handed(stitching, copies)).get('u') as {
            kept: EventRecord[];
            lost: EventRecord[];
          };
          expect(kept).toHaveLength(1);
          expect(earliestLinks([...kept, ...lost])).toEqual(earliestLinks(copies));
          // The lost copies of one anonymousId are at one instant, and none is one the kept copy stands for.
          for (const event of lost)
            expect(earliestLinks(lost.filter((other) => other.anonymousId === event.anonymousId))).toEqual({
              [event.anonymousId as string]: event.timestamp,
            });
          const winner = kept[0] as EventRecord;
          if (isLink(winner))
            expect(lost.map((event) => event.anonymousId)).not.toContain(winner.anonymousId);
        },
      ),
      { numRuns: 500 },
    );
  });
});
