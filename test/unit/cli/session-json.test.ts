import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonText } from '../../../cli/output/json-text.js';
import { SessionJsonWriter } from '../../../cli/output/session-json.js';
import type { SessionSummary } from '../../../functions/domain/sessions/summary.js';
import { toSessionView } from '../../../functions/domain/views/session-view.js';

// Texts that JSON.stringify or the C1 escape change: controls, DEL and C1, quotes, lone surrogates.
const text = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.string({
    unit: fc.constantFrom('a', '"', '\\', '\u0000', '\n', '\u007f', '\u0085', '\u009f', '\ud800', 'é'),
  }),
  fc.string({ unit: 'binary', maxLength: 4 }),
);
const sent = fc.oneof(
  text,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(text, { maxLength: 2 }),
);
const page = fc.record({ url: sent, path: sent, title: sent, referrer: sent });
const campaign = fc.record({ source: sent, medium: sent, name: sent, term: sent, content: sent });
const device = fc.record({ type: fc.option(text), os: fc.option(text), browser: fc.option(text) });

describe('SessionJsonWriter', () => {
  it('writes every session as jsonText writes its view, whatever repeats between sessions and the cache holds', () => {
    fc.assert(
      fc.property(
        // A few of each, so that sessions share users, pages, names and anonymousIds as a batch's do.
        fc.record({
          users: fc.array(text, { minLength: 1, maxLength: 3 }),
          pages: fc.array(fc.option(page), { minLength: 1, maxLength: 3 }),
          campaigns: fc.array(fc.option(campaign), { minLength: 1, maxLength: 2 }),
          devices: fc.array(fc.option(device), { minLength: 1, maxLength: 2 }),
          anonymousIds: fc.array(fc.array(text, { maxLength: 2 }), { minLength: 1, maxLength: 3 }),
          names: fc.array(text, { minLength: 1, maxLength: 3 }),
        }),
        fc.array(fc.array(fc.nat(), { minLength: 8, maxLength: 8 }), { minLength: 1, maxLength: 12 }),
        // Whole milliseconds, as every batch's are (the times' and durations' fast texts), and fractions.
        fc.oneof(
          fc.integer({ min: 0, max: 253_402_300_799_999 }),
          fc.double({ min: 0, max: 1e13, noNaN: true }),
        ),
        fc.integer({ min: 1, max: 3 }),
        (pools, picks, startedAt, capacity) => {
          const pick = <T>(pool: readonly T[], index: number): T => pool[index % pool.length] as T;
          const writer = new SessionJsonWriter(capacity);
          for (const [user, entry, exit, campaignAt, deviceAt, ids, first, last] of picks as number[][]) {
            const summary: SessionSummary = {
              userId: pick(pools.users, user as number),
              // A session id is plain text; one that is not is escaped all the same.
              sessionId: (ids as number) % 3 === 0 ? pick(pools.names, entry as number) : `s${entry}`,
              sessionNumber: (first as number) + 1,
              startedAt,
              endedAt: startedAt + (last as number) * 0.5,
              eventCount: (exit as number) + 1,
              pageViews: entry as number,
              bounce: (ids as number) % 2 === 0,
              entryPage: pick(pools.pages, entry as number),
              exitPage: pick(pools.pages, exit as number),
              campaign: pick(pools.campaigns, campaignAt as number),
              anonymousIds: [...pick(pools.anonymousIds, ids as number)],
              device: pick(pools.devices, deviceAt as number),
              firstEvent: pick(pools.names, first as number),
              lastEvent: pick(pools.names, last as number),
            };
            expect(writer.text(summary)).toBe(jsonText(toSessionView(summary)));
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('leaves no DEL or C1 character raw', () => {
    const writer = new SessionJsonWriter();
    const summary: SessionSummary = {
      userId: 'u\u009b',
      sessionId: 's',
      sessionNumber: 1,
      startedAt: 0,
      endedAt: 0,
      eventCount: 1,
      pageViews: 1,
      bounce: true,
      entryPage: { url: '\u007f', path: '/', title: null, referrer: '' },
      exitPage: null,
      campaign: null,
      anonymousIds: ['a\u0085'],
      device: null,
      firstEvent: 'e\u0090',
      lastEvent: 'e\u0090',
    };
    const json = writer.text(summary);
    expect(json).not.toMatch(/[\u007f-\u009f]/);
    expect(JSON.parse(json)).toEqual(toSessionView(summary));
  });
});
