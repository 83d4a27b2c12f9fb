// The links a head keeps are bounded (a messageId has no length limit); the order between them must stay one
// order, so that the earliest link wins whatever the order of the offers (rule 6).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StoredLink } from '../../../functions/adapters/dynamodb/head.js';
import {
  boundedLink,
  isEarlierLink,
  LINK_TEXT_LIMIT,
  linkWithText,
} from '../../../functions/adapters/dynamodb/link-order.js';
import type { EventSource } from '../../../functions/domain/events/event.js';
import { compareText } from '../../../functions/domain/sessions/order.js';
import { compareLinks } from '../../../functions/domain/sessions/stitching.js';
import { sourceTextKey } from '../../../functions/domain/store/copy-choice.js';

const link = (fields: Partial<StoredLink>): StoredLink => ({
  userId: 'alice',
  timestamp: 0,
  eventId: 'm:1',
  canonical: '',
  ...fields,
});

/** `items` in the order of the keys `seeds` draws: a shuffle fast-check can shrink. */
function shuffled<T>(items: readonly T[], seeds: fc.Stream<number>): T[] {
  return items
    .map((item) => ({ item, key: seeds.next().value as number }))
    .sort((a, b) => a.key - b.key)
    .map(({ item }) => item);
}

/** The link an anonymousId ends with after these offers, in this order, as the stitching writer judges them. */
function winner(offers: readonly StoredLink[]): StoredLink | undefined {
  let stored: StoredLink | undefined;
  for (const offer of offers.map(boundedLink)) if (isEarlierLink(offer, stored)) stored = offer;
  return stored;
}

describe('boundedLink', () => {
  it('cuts an event id and a canonical JSON past the limit to it', () => {
    const long = `m:${'x'.repeat(LINK_TEXT_LIMIT)}`;
    const text = `{"a":"${'y'.repeat(LINK_TEXT_LIMIT)}"}`;
    const bounded = boundedLink(link({ eventId: long, canonical: text }));
    expect(bounded.eventId).toBe(long.slice(0, LINK_TEXT_LIMIT));
    expect(bounded.canonical).toBe(text.slice(0, LINK_TEXT_LIMIT));
    const short = link({ canonical: '{"type":"identify"}' });
    expect(boundedLink(short)).toEqual(short);
  });

  it('keeps one winner whatever the order of the offers, long ids sharing their start included', () => {
    const prefix = 'm:'.padEnd(LINK_TEXT_LIMIT, 'p');
    // The ingest gives every link its text, which holds its userId: long ones are cut before it.
    const offer = fc
      .record({
        userId: fc.constantFrom('alice', 'bob', 'carol'),
        timestamp: fc.integer({ min: 0, max: 2 }),
        eventId: fc.constantFrom('m:1', 'm:2', `${prefix}a`, `${prefix}b`, prefix),
        text: fc.constantFrom('a', 'b', `${prefix}a`, `${prefix}b`),
      })
      .map(({ text, ...fields }) => ({
        ...fields,
        canonical: `{"t":"${text}","userId":"${fields.userId}"}`,
      }));
    fc.assert(
      fc.property(
        fc.array(offer, { minLength: 1, maxLength: 8 }),
        fc.infiniteStream(fc.nat()),
        (offers, seeds) => {
          expect(winner(shuffled(offers, seeds))?.userId).toBe(winner(offers)?.userId);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("isEarlierLink, rule 8's order", () => {
  it('takes the earlier link, then at one instant the smaller event id, before any text', () => {
    const bob = link({ userId: 'bob', timestamp: 5, eventId: 'm:1', canonical: '{"t":"z"}' });
    const alice = link({ userId: 'alice', timestamp: 5, eventId: 'm:2', canonical: '{"t":"a"}' });
    expect(winner([alice, bob])?.userId).toBe('bob');
    expect(winner([bob, alice])?.userId).toBe('bob');
    const earlier = link({ userId: 'carol', timestamp: 4, eventId: 'm:9', canonical: '{"t":"z"}' });
    expect(winner([bob, earlier, alice])?.userId).toBe('carol');
  });
});

describe('isEarlierLink, links kept without their texts', () => {
  const source = (record: number) => ({
    object: 'incoming/a.ndjson',
    version: 'e:1',
    file: 'incoming/a.ndjson',
    record,
  });

  it('weighs a tie by the texts where both links were read, naming those it lacks', () => {
    const stored = link({ userId: 'u1', source: source(1) });
    const candidate = link({ userId: 'u2', source: source(2) });
    const unread = new Map();
    // Without the texts: by userId meanwhile, and both named for the caller to read.
    expect(isEarlierLink(candidate, stored, new Map(), unread)).toBe(false);
    expect([...unread.values()]).toEqual([source(2), source(1)]);
    const texts = new Map([
      [sourceTextKey(source(1)), '{"plan":"b"}'],
      [sourceTextKey(source(2)), '{"plan":"a"}'],
    ]);
    expect(isEarlierLink(candidate, stored, texts)).toBe(true);
    expect(linkWithText(candidate, texts)).toEqual({ ...candidate, canonical: '{"plan":"a"}' });
  });

  it('reads nothing for the same copy offered again, nor when one link has no text to be had', () => {
    const unread = new Map();
    const again = link({ userId: 'u1', source: source(1) });
    expect(isEarlierLink(again, again, new Map(), unread)).toBe(false);
    // A link stored before links kept their source (or by a rebuild): the userId, as before.
    expect(
      isEarlierLink(link({ userId: 'u0', source: source(2) }), link({ userId: 'u1' }), new Map(), unread),
    ).toBe(true);
    expect(unread.size).toBe(0);
  });

  it('keeps the link whose text sorts first whatever the order of the offers, texts kept or read', () => {
    const offer = fc.record({
      userId: fc.constantFrom('u1', 'u2', 'u3'),
      timestamp: fc.integer({ min: 0, max: 1 }),
      eventId: fc.constantFrom('m:1', 'm:2'),
      text: fc.constantFrom('a', 'b', 'c'),
      textKept: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.array(offer, { minLength: 1, maxLength: 7 }),
        fc.infiniteStream(fc.nat()),
        (drawn, seeds) => {
          const offers = drawn.map(({ text, textKept, ...fields }, index) => {
            const canonical = `{"t":"${text}","userId":"${fields.userId}"}`;
            return {
              link: link({ ...fields, canonical: textKept ? canonical : '', source: source(index + 1) }),
              canonical,
            };
          });
          const texts = new Map(
            offers.map(({ link: offered, canonical }) => [
              sourceTextKey(offered.source as EventSource),
              canonical,
            ]),
          );
          const judged = (order: typeof offers) => {
            let stored: StoredLink | undefined;
            for (const { link: offered } of order) {
              if (isEarlierLink(offered, stored, texts)) stored = linkWithText(offered, texts);
            }
            return stored?.userId;
          };
          const first = [...offers].sort(
            (a, b) =>
              compareLinks(
                { timestamp: a.link.timestamp, id: a.link.eventId },
                { timestamp: b.link.timestamp, id: b.link.eventId },
              ) || compareText(a.canonical, b.canonical),
          )[0];
          expect(judged(shuffled(offers, seeds))).toBe(first?.link.userId);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
