import { describe, expect, it } from 'vitest';
import { createReportAggregator } from '../../../cli/report/aggregator.js';
import { sessionView, syntheticSessions } from './sessions.js';

const T0 = Date.UTC(2024, 0, 1, 9);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('createReportAggregator', () => {
  it('counts sessions, users, events, page views and bounces', () => {
    const report = createReportAggregator();
    report.add(sessionView('a', T0, { minutes: 0 }));
    report.add(sessionView('a', T0 + DAY, { eventCount: 5, pageViews: 3 }));
    report.add(sessionView('b', T0 + 2 * DAY, { minutes: 30 }));

    const data = report.finish();

    expect(data).toMatchObject({
      sessionCount: 3,
      userCount: 2,
      eventCount: 1 + 5 + 4,
      pageViewCount: 0 + 3 + 3,
      bounceCount: 1,
      firstStartedAt: '2024-01-01T09:00:00.000Z',
      lastEndedAt: '2024-01-03T09:30:00.000Z',
    });
  });

  it('puts sessions into length and event-count bins', () => {
    const report = createReportAggregator();
    for (const minutes of [0, 0, 0.1, 4, 45, 400])
      report.add(sessionView('a', T0 + minutes * DAY, { minutes }));

    const data = report.finish();

    const lengths = Object.fromEntries(data.durationHistogram.map((bin) => [bin.label, bin.count]));
    expect(lengths).toMatchObject({ '0 s': 2, '< 10 s': 1, '2–5 min': 1, '30–60 min': 1, '≥ 6 h': 1 });
    expect(data.durationHistogram.reduce((sum, bin) => sum + bin.count, 0)).toBe(6);
    const events = Object.fromEntries(data.eventCountHistogram.map((bin) => [bin.label, bin.count]));
    expect(events).toMatchObject({ '1': 2, '3–4': 4 });
  });

  it('counts the sessions of a daily export per UTC hour', () => {
    const report = createReportAggregator();
    report.add(sessionView('a', Date.UTC(2024, 0, 2, 8, 5)));
    report.add(sessionView('a', Date.UTC(2024, 0, 2, 10, 30)));
    report.add(sessionView('b', Date.UTC(2024, 0, 2, 8, 59)));

    expect(report.finish().sessionsOverTime).toEqual({
      unit: 'hour',
      bins: [
        { start: '2024-01-02 08:00', sessions: 2 },
        { start: '2024-01-02 09:00', sessions: 0 },
        { start: '2024-01-02 10:00', sessions: 1 },
      ],
    });
  });

  it('counts sessions per UTC day, with the empty days between', () => {
    const report = createReportAggregator();
    report.add(sessionView('a', Date.UTC(2024, 0, 1, 23, 59)));
    report.add(sessionView('a', Date.UTC(2024, 0, 2, 0, 1)));
    report.add(sessionView('b', Date.UTC(2024, 0, 4, 12)));

    const { sessionsOverTime } = report.finish();

    expect(sessionsOverTime).toEqual({
      unit: 'day',
      bins: [
        { start: '2024-01-01', sessions: 1 },
        { start: '2024-01-02', sessions: 1 },
        { start: '2024-01-03', sessions: 0 },
        { start: '2024-01-04', sessions: 1 },
      ],
    });
  });

  it('ranks entry pages by path, else url, and campaign sources, ignoring empty ones', () => {
    const report = createReportAggregator({ topCount: 2 });
    const page = (path: string | null, url: string | null) => ({ path, url, title: null, referrer: null });
    const campaign = (source: string | null) => ({
      source,
      medium: null,
      name: null,
      term: null,
      content: null,
    });
    report.add(sessionView('a', T0, { entryPage: page('/b', 'https://x/b'), campaign: campaign('news') }));
    report.add(
      sessionView('a', T0 + DAY, { entryPage: page(null, 'https://x/a?q=1'), campaign: campaign('') }),
    );
    report.add(sessionView('a', T0 + 2 * DAY, { entryPage: page('/b', null), campaign: campaign('news') }));
    report.add(sessionView('a', T0 + 3 * DAY, { entryPage: null, campaign: campaign('ads') }));
    // A medium-only campaign: its source is "" or null by how it was sent, no source either way (rule 9).
    report.add(sessionView('a', T0 + 4 * DAY, { entryPage: null, campaign: campaign(null) }));

    const data = report.finish();

    expect(data.topEntryPages).toEqual({
      items: [
        { key: '/b', count: 2 },
        { key: 'https://x/a?q=1', count: 1 },
      ],
      total: 3,
      approximate: false,
      maxUndercount: 0,
    });
    expect(data.topCampaignSources.items).toEqual([
      { key: 'news', count: 2 },
      { key: 'ads', count: 1 },
    ]);
    expect(data.topCampaignSources.total).toBe(3);
  });

  it('shows page fields and campaign sources sent as other JSON values as their JSON text', () => {
    const report = createReportAggregator();
    report.add(
      sessionView('a', T0, {
        entryPage: { url: 'https://x/', path: 404, title: null, referrer: null },
        campaign: { source: { id: 7 }, medium: null, name: null, term: null, content: null },
      }),
    );
    report.add(
      sessionView('a', T0 + DAY, {
        entryPage: { url: 'https://x/b', path: '', title: null, referrer: null },
      }),
    );

    const data = report.finish();

    expect(data.topEntryPages.items.map((item) => item.key)).toEqual(['404', 'https://x/b']);
    expect(data.topCampaignSources.items).toEqual([{ key: '{"id":7}', count: 1 }]);
  });

  it('keeps a value sent as a string apart from the same text sent as another JSON value, quoting the string', () => {
    const report = createReportAggregator();
    const withSource = (at: number, source: unknown, path: unknown) =>
      sessionView('a', at, {
        entryPage: { url: null, path, title: null, referrer: null },
        campaign: { source, medium: null, name: null, term: null, content: null },
      });
    report.add(withSource(T0, 5, 404));
    report.add(withSource(T0 + DAY, '5', '404'));
    report.add(withSource(T0 + 2 * DAY, '5', '"404"'));
    report.add(withSource(T0 + 3 * DAY, 'true', 'null'));
    report.add(withSource(T0 + 4 * DAY, '5a', '/x'));

    const data = report.finish();

    expect(data.topCampaignSources.items).toEqual([
      { key: '"5"', count: 2 },
      { key: '"true"', count: 1 },
      { key: '5', count: 1 },
      { key: '5a', count: 1 },
    ]);
    expect(data.topEntryPages.items).toEqual([
      { key: '"404"', count: 1 },
      { key: '"\\"404\\""', count: 1 },
      { key: '"null"', count: 1 },
      { key: '/x', count: 1 },
      { key: '404', count: 1 },
    ]);
  });

  it('samples the users with most sessions by default, busiest first, keeping only their sessions', () => {
    const report = createReportAggregator({ sampleSize: 2 });
    const sessionsPerUser = { ann: 3, bob: 5, cat: 1, dan: 5, eve: 2 };
    for (const [user, count] of Object.entries(sessionsPerUser)) {
      for (let i = 0; i < count; i++)
        report.add(sessionView(user, T0 + i * DAY, { eventCount: user === 'dan' ? 9 : 4 }));
    }

    const { sample } = report.finish();

    expect(sample.rule).toBe('most-sessions');
    expect(sample.users.map((user) => [user.userId, user.sessionCount, user.eventCount])).toEqual([
      ['dan', 5, 45],
      ['bob', 5, 20],
    ]);
    expect(sample.users[0]?.sessions.map((session) => session.startedAt)).toEqual(
      [0, 1, 2, 3, 4].map((i) => T0 + i * DAY),
    );
  });

  it('samples the users asked for, in that order, whatever order sessions arrive in', () => {
    const report = createReportAggregator({ sampleUsers: ['zed', 'ann', 'nobody'] });
    report.add(sessionView('ann', T0 + DAY));
    report.add(sessionView('zed', T0));
    report.add(sessionView('ann', T0));

    const { sample, userCount } = report.finish();

    expect(sample.rule).toBe('given');
    expect(sample.users.map((user) => [user.userId, user.sessionCount])).toEqual([
      ['zed', 1],
      ['ann', 2],
      ['nobody', 0],
    ]);
    expect(sample.users[1]?.sessions.map((s) => s.startedAt)).toEqual([T0, T0 + DAY]);
    expect(userCount).toBe(2);
  });

  it('names the user an id asked for as an export writes a number stands for, when that user has sessions', () => {
    // Rule 1 stores the number 42.0 as "42", 1e21 as "1e+21", 1234567890123456789 as "1234567890123456800".
    const report = createReportAggregator({
      sampleUsers: ['42.0', '1e21', '1234567890123456789', '7.0', '42'],
    });
    for (const userId of ['42', '1e+21', '1234567890123456800']) report.add(sessionView(userId, T0));

    const { sample } = report.finish();

    expect(sample.users.map((user) => [user.userId, user.sessionCount, user.storedAs])).toEqual([
      ['42.0', 0, '42'],
      ['1e21', 0, '1e+21'],
      ['1234567890123456789', 0, '1234567890123456800'],
      ['7.0', 0, null],
      ['42', 1, null],
    ]);
  });

  it('refuses sessions of one user split by others when it must pick the sample itself', () => {
    const report = createReportAggregator();
    report.add(sessionView('ann', T0));
    report.add(sessionView('bob', T0));

    expect(() => report.add(sessionView('ann', T0 + DAY))).toThrow(
      'Sessions must arrive grouped by user for the default sample: user "ann" came again after other users.',
    );
  });

  it('says which session has a broken timestamp, and takes no sessions once finished', () => {
    const report = createReportAggregator();
    expect(() => report.add({ ...sessionView('ann', T0), startedAt: 'soon' })).toThrow(
      /Session 20240101T090000000Z of user "ann" has a startedAt or endedAt that is not ISO-8601: soon/,
    );
    report.finish();
    expect(() => report.add(sessionView('ann', T0))).toThrow('The report is finished');
  });

  it('is deterministic for the same sessions', () => {
    const run = () => {
      const report = createReportAggregator();
      for (const session of syntheticSessions(200, 30)) report.add(session);
      return report.finish();
    };
    expect(run()).toEqual(run());
  });

  it('keeps only the sample users’ sessions over 100,000 sessions', () => {
    const report = createReportAggregator({ sampleSize: 3 });
    let sessions = 0;
    for (const session of syntheticSessions(4000, 365)) {
      report.add(session);
      sessions++;
    }

    const data = report.finish();

    expect(data.sessionCount).toBe(sessions);
    expect(sessions).toBeGreaterThan(40_000);
    const kept = data.sample.users.reduce((sum, user) => sum + user.sessions.length, 0);
    expect(kept).toBe(data.sample.users.reduce((sum, user) => sum + user.sessionCount, 0));
    expect(kept).toBeLessThanOrEqual(3 * 61);
    expect(JSON.stringify(data).length).toBeLessThan(200_000);
  });
});
