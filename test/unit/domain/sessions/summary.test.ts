import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileRules, DEFAULT_SESSION_RULES } from '../../../../functions/domain/rules/session-rules.js';
import { sessionBounds, splitSessions } from '../../../../functions/domain/sessions/split.js';
import { summarizeSession, summarizeWindow } from '../../../../functions/domain/sessions/summary.js';
import { collectEvents } from '../../../helpers/collected-copies.js';
import { eventRecordsArbitrary, record } from '../../../helpers/event-arbitraries.js';

describe('summarizeSession', () => {
  it('keeps what the store and views need: user, id, number, bounds, count and attributes', () => {
    const t0 = Date.UTC(2024, 0, 1, 9);
    const events = [
      record({ id: 'm:1', timestamp: t0, userId: 'u', anonymousId: 'a-1', type: 'page', name: 'Home' }),
      record({ id: 'm:2', timestamp: t0 + 60_000, userId: 'u', name: 'Clicked' }),
    ];
    const [session] = splitSessions('u', events, compileRules(DEFAULT_SESSION_RULES));
    expect(summarizeSession(session as NonNullable<typeof session>, 3)).toEqual({
      userId: 'u',
      sessionId: '20240101T090000000Z',
      sessionNumber: 3,
      startedAt: t0,
      endedAt: t0 + 60_000,
      eventCount: 2,
      pageViews: 1,
      entryPage: null,
      exitPage: null,
      campaign: null,
      anonymousIds: ['a-1'],
      bounce: false,
      device: null,
      firstEvent: 'Home',
      lastEvent: 'Clicked',
    });
  });

  it('summarizes alike from objects and from events read in place in the columns', async () => {
    await fc.assert(
      fc.asyncProperty(
        eventRecordsArbitrary({ maxEvents: 40 }),
        fc.record({ maxSessionMinutes: fc.option(fc.constantFrom(20, 90), { nil: undefined }) }),
        async (events, options) => {
          const rules = compileRules({
            ...DEFAULT_SESSION_RULES,
            ...options,
            gapMinutesByPlatform: { ios: 5 },
          });
          const collector = collectEvents(false, events);
          await collector.forEachUser(
            async () => new Map(),
            (user, ordered) => {
              const fromWindows = sessionBounds(ordered, rules).map((bounds, index) =>
                summarizeWindow(user, ordered.window(bounds.start, bounds.end), index + 1),
              );
              const fromObjects = splitSessions(user, ordered.events(), rules).map((session, index) =>
                summarizeSession(session, index + 1),
              );
              expect(fromWindows).toEqual(fromObjects);
            },
          );
        },
      ),
      { numRuns: 200 },
    );
  });
});
