// The links a head keeps are bounded (a messageId has no length limit); the order between them must stay one
// order, so that the earliest link wins whatever the order of the offers (rule 6).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StoredLink } from '../../../functions/adapters/dynamodb/head-codec.js';
import {
  boundedLink,
  isEarlierLink,
  LINK_TEXT_LIMIT,
} from '../../../functions/adapters/dynamodb/link-order.js';

const link = (fields: Partial<StoredLink>): StoredLink => ({
  userId: 'alice',
  timestamp: 0,
  eventId: 'm:1',
  canonical: '',
  ...fields,
});

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
          const shuffled = offers
            .map((item) => ({ item, key: seeds.next().value as number }))
            .sort((a, b) => a.key - b.key)
            .map(({ item }) => item);
          expect(winner(shuffled)?.userId).toBe(winner(offers)?.userId);
        },
      ),
      { numRuns: 500 },
    );
  });
});
