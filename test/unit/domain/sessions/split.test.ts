import { describe, expect, it } from 'vitest';
import type { EventRecord } from '../../../../functions/domain/events/event.js';
import {
  compileRules,
  DEFAULT_SESSION_RULES,
  type SessionRules,
} from '../../../../functions/domain/rules/session-rules.js';
import { formatTimestamp } from '../../../../functions/domain/rules/timestamp.js';
import type { Session } from '../../../../functions/domain/sessions/session.js';
import { sessionBounds, splitSessions } from '../../../../functions/domain/sessions/split.js';
import { record } from '../../../helpers/event-arbitraries.js';

const at = (time: string) => Date.parse(`2024-01-01T${time}Z`);

/** One user's events at the given times (`HH:MM:SS.mmm` on 2024-01-01), in order, with optional platforms. */
function events(...times: (string | [string, string])[]): EventRecord[] {
  return times.map((entry, index) => {
    const [time, platform] = typeof entry === 'string' ? [entry, null] : entry;
    return record({ id: `m:${String(index).padStart(3, '0')}`, timestamp: at(time), platform, userId: 'u' });
  });
}

const split = (list: EventRecord[], rules: Partial<SessionRules> = {}) =>
  splitSessions('u', list, compileRules({ ...DEFAULT_SESSION_RULES, ...rules }));

/** Each session as `start–end`, times only. */
const spans = (sessions: Session[]) =>
  sessions.map(
    (session) =>
      `${formatTimestamp(session.startedAt).slice(11, 23)}–${formatTimestamp(session.endedAt).slice(11, 23)}`,
  );

describe('splitSessions', () => {
  it('starts a new session only when the time since the previous event is strictly greater than the gap', () => {
    const sessions = split(events('09:00:00.000', '09:30:00.000', '10:00:00.001'));
    expect(spans(sessions)).toEqual(['09:00:00.000–09:30:00.000', '10:00:00.001–10:00:00.001']);
  });

  it('keeps events at one instant together under a gap of 0, and starts anew 1 ms later', () => {
    const list = events('09:00:00.000', '09:00:00.000', '09:00:00.001', '09:00:00.001', '09:00:00.002');
    expect(spans(split(list, { gapMinutes: 0 }))).toEqual([
      '09:00:00.000–09:00:00.000',
      '09:00:00.001–09:00:00.001',
      '09:00:00.002–09:00:00.002',
    ]);
    expect(split(list, { gapMinutes: 0 }).map((session) => session.events.length)).toEqual([2, 2, 1]);
    // A cap of 0 cuts the same way whatever the gap.
    expect(spans(split(list, { maxSessionMinutes: 0 }))).toEqual(spans(split(list, { gapMinutes: 0 })));
    // What rounds to 0 ms is 0.
    expect(spans(split(list, { gapMinutes: 1e-9 }))).toEqual(spans(split(list, { gapMinutes: 0 })));
  });

  it('describes each session: user, id from its start, first and last event, its events in order', () => {
    const list = events('09:00', '09:10', '11:00');
    const [first, second] = split(list);
    expect(first).toEqual({
      userId: 'u',
      sessionId: '20240101T090000000Z',
      startedAt: at('09:00'),
      endedAt: at('09:10'),
      events: list.slice(0, 2),
      continuesChain: false,
    });
    expect(second?.events).toEqual(list.slice(2));
  });

  it('keeps events at the same instant in one session', () => {
    expect(split(events('09:00', '09:00', '09:00')).map((session) => session.events.length)).toEqual([3]);
  });

  it('uses fractional minutes rounded to the millisecond', () => {
    const list = events('09:00:00.000', '09:02:30.000', '09:05:00.001');
    expect(spans(split(list, { gapMinutes: 2.5 }))).toEqual([
      '09:00:00.000–09:02:30.000',
      '09:05:00.001–09:05:00.001',
    ]);
  });

  it("uses the gap of the event's own platform, never the previous event's (docs/rules.md example)", () => {
    const list = events(
      ['09:00', 'web'],
      ['09:20', 'web'],
      ['09:27', 'ios'],
      ['09:31', 'ios'],
      ['09:50', 'web'],
      ['10:00', 'ios'],
      ['10:05', 'ios'],
      ['10:10:00.001', 'android'],
      ['10:15:00.002', 'ios'],
    );
    expect(spans(split(list, { gapMinutesByPlatform: { ios: 5 } }))).toEqual([
      '09:00:00.000–09:20:00.000',
      '09:27:00.000–09:50:00.000',
      '10:00:00.000–10:10:00.001',
      '10:15:00.002–10:15:00.002',
    ]);
  });

  it('uses a platform gap longer than the default for that platform only', () => {
    const list = events(['09:00', 'tv'], ['09:50', 'tv'], ['10:40', 'web']);
    expect(spans(split(list, { gapMinutesByPlatform: { tv: 60 } }))).toEqual([
      '09:00:00.000–09:50:00.000',
      '10:40:00.000–10:40:00.000',
    ]);
  });

  it('caps a session: an event exactly the cap after the start joins, one millisecond later starts anew', () => {
    const list = events('09:00:00.000', '09:30:00.000', '10:00:00.000', '10:30:00.000', '10:30:00.001');
    const sessions = split(list, { maxSessionMinutes: 60 });
    expect(spans(sessions)).toEqual(['09:00:00.000–10:00:00.000', '10:30:00.000–10:30:00.001']);
    expect(sessions.map((session) => session.continuesChain)).toEqual([false, true]);
  });

  it('counts the splits of a capped chain from its first event, so an earlier event moves every split', () => {
    const times = ['10:00', '10:20', '10:40', '11:00', '11:20', '11:40', '12:00', '12:20', '12:40', '13:00'];
    expect(spans(split(events(...times), { maxSessionMinutes: 60 }))).toEqual([
      '10:00:00.000–11:00:00.000',
      '11:20:00.000–12:20:00.000',
      '12:40:00.000–13:00:00.000',
    ]);
    expect(spans(split(events('09:50', ...times), { maxSessionMinutes: 60 }))).toEqual([
      '09:50:00.000–10:40:00.000',
      '11:00:00.000–12:00:00.000',
      '12:20:00.000–13:00:00.000',
    ]);
  });

  it('marks a session that only the cap split from the previous one as continuing a chain', () => {
    const sessions = split(events('09:00', '09:40', '10:10', '12:00', '12:40', '13:20'), {
      maxSessionMinutes: 60,
      gapMinutes: 45,
    });
    expect(spans(sessions)).toEqual([
      '09:00:00.000–09:40:00.000',
      '10:10:00.000–10:10:00.000',
      '12:00:00.000–12:40:00.000',
      '13:20:00.000–13:20:00.000',
    ]);
    expect(sessions.map((session) => session.continuesChain)).toEqual([false, true, false, true]);
  });

  it('turns a bot firing every minute for three days into 24-hour sessions back to back', () => {
    const start = at('00:00');
    const bot = Array.from({ length: 3 * 1440 }, (_, minute) =>
      record({
        id: `m:${String(minute).padStart(5, '0')}`,
        timestamp: start + minute * 60_000,
        userId: 'bot',
      }),
    );
    const sessions = split(bot, { maxSessionMinutes: 1440 });
    expect(sessions.map((session) => session.events.length)).toEqual([1441, 1441, 1438]);
    expect(sessions.map((session) => session.endedAt - session.startedAt)).toEqual([
      86_400_000, 86_400_000, 86_220_000,
    ]);
  });

  it("reads no event's platform when no platform has a gap of its own, and each event's when one has", () => {
    const times = [at('09:00'), at('09:20'), at('10:00'), at('10:04')];
    let platformsRead = 0;
    const ordered = {
      length: times.length,
      timestamp: (position: number) => times[position] as number,
      platform: () => {
        platformsRead++;
        return 'ios';
      },
    };
    const bounds = (rules: Partial<SessionRules>) =>
      sessionBounds(ordered, compileRules({ ...DEFAULT_SESSION_RULES, ...rules })).map(({ start, end }) => [
        start,
        end,
      ]);
    expect(bounds({})).toEqual([
      [0, 2],
      [2, 4],
    ]);
    expect(platformsRead).toBe(0);
    expect(bounds({ gapMinutesByPlatform: { ios: 5 } })).toEqual([
      [0, 1],
      [1, 2],
      [2, 4],
    ]);
    expect(platformsRead).toBe(3);
  });

  it('gives no sessions for no events', () => {
    expect(split([])).toEqual([]);
  });
});
