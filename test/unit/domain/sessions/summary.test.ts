import { describe, expect, it } from 'vitest';
import { compileRules, DEFAULT_SESSION_RULES } from '../../../../functions/domain/rules/session-rules.js';
import { splitSessions } from '../../../../functions/domain/sessions/split.js';
import { summarizeSession } from '../../../../functions/domain/sessions/summary.js';
import { record } from '../../../helpers/event-arbitraries.js';

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
});
