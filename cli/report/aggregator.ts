import { clockSeconds } from '../../contract/duration-text.js';
import { storedNumberId } from '../../functions/domain/rules/identity.js';
import { DURATION_BINS, EVENT_COUNT_BINS, Histogram, type HistogramBin } from './histogram.js';
import { type ReportSession, reportText } from './report-session.js';
import { hourNumber, type SessionSeries, sessionSeries } from './time-series.js';
import { TopCounter, type TopList } from './top-counter.js';

export interface ReportOptions {
  /** Users whose sessions the report draws one by one; default: the `sampleSize` users with most sessions. */
  readonly sampleUsers?: readonly string[];
  readonly sampleSize?: number;
  /** Rows in the top entry pages and campaign sources. */
  readonly topCount?: number;
  readonly title?: string;
  /** Shown in the report as is (ISO); none by default, so the same input gives the same file. */
  readonly generatedAt?: string;
  /** Distinct pages or sources counted exactly before the rarest are dropped (see TopCounter). */
  readonly maxTrackedKeys?: number;
}

/** What the timeline of a sample user needs of a session. */
export interface SampleSession {
  readonly sessionId: string;
  readonly sessionNumber: number;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly eventCount: number;
  readonly pageViews: number;
}

export interface SampleUser {
  readonly userId: string;
  readonly sessionCount: number;
  readonly eventCount: number;
  /** By start. */
  readonly sessions: readonly SampleSession[];
  /**
   * For an id with no sessions of its own: the first user whose sessions list it among their anonymousIds
   * (stitched to that user by rule 8, or sent with that userId), else null.
   */
  readonly anonymousIdOf: string | null;
  /**
   * For an id with no sessions of its own that reads as a JSON number: the id rule 1 makes of that number
   * (`1e21` is `1e+21`) when a user with that id has sessions, else null. An export writes such an id as a
   * number, and one asked for as written there names no user.
   */
  readonly storedAs: string | null;
}

export interface ReportData {
  readonly title: string;
  readonly generatedAt: string | null;
  readonly sessionCount: number;
  readonly userCount: number;
  readonly eventCount: number;
  readonly pageViewCount: number;
  readonly bounceCount: number;
  readonly firstStartedAt: string | null;
  readonly lastEndedAt: string | null;
  readonly sessionsOverTime: SessionSeries;
  readonly durationHistogram: readonly HistogramBin[];
  readonly eventCountHistogram: readonly HistogramBin[];
  readonly topEntryPages: TopList;
  readonly topCampaignSources: TopList;
  readonly sample: {
    /** `given`: the users asked for, in that order; `most-sessions`: the busiest users, busiest first. */
    readonly rule: 'given' | 'most-sessions';
    readonly users: readonly SampleUser[];
  };
}

export interface ReportAggregator {
  add(session: ReportSession): void;
  finish(): ReportData;
}

interface UserRun {
  readonly userId: string;
  readonly sessions: SampleSession[];
  eventCount: number;
  anonymousIdOf?: string;
}

const DEFAULT_SAMPLE_SIZE = 5;
const DEFAULT_TOP_COUNT = 10;

/** Busiest first: more sessions, then more events, then user id, so the sample is deterministic. */
function compareRuns(a: UserRun, b: UserRun): number {
  return (
    b.sessions.length - a.sessions.length ||
    b.eventCount - a.eventCount ||
    (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0)
  );
}

function entryPageKey(session: ReportSession): string | null {
  const page = session.entryPage;
  return page === null ? null : (reportText(page.path) ?? reportText(page.url));
}

function sampleSession(session: ReportSession, startedAt: number, endedAt: number): SampleSession {
  return {
    sessionId: session.sessionId,
    sessionNumber: session.sessionNumber,
    startedAt,
    endedAt,
    eventCount: session.eventCount,
    pageViews: session.pageViews ?? 0,
  };
}

/**
 * Aggregates sessions one at a time into what the HTML report shows, keeping counters, histograms, bounded
 * top lists and the sample users' sessions only: never the sessions or events themselves, so a report over
 * a million events needs little memory.
 *
 * The default sample (busiest users) needs each user's sessions to arrive together, as the CLI emits them;
 * a user seen again after others throws. With `sampleUsers` any order works.
 */
export function createReportAggregator(options: ReportOptions = {}): ReportAggregator {
  const sampleSize = options.sampleSize ?? DEFAULT_SAMPLE_SIZE;
  const given = options.sampleUsers === undefined ? undefined : [...new Set(options.sampleUsers)];
  const givenRuns = new Map<string, UserRun>(
    (given ?? []).map((userId) => [userId, { userId, sessions: [], eventCount: 0 }]),
  );
  const durations = new Histogram(DURATION_BINS);
  const eventCounts = new Histogram(EVENT_COUNT_BINS);
  const entryPages = new TopCounter(options.maxTrackedKeys);
  const campaignSources = new TopCounter(options.maxTrackedKeys);
  const sessionsPerHour = new Map<number, number>();
  const seenUsers = new Set<string>();
  let busiest: UserRun[] = [];
  let current: UserRun | null = null;
  let sessionCount = 0;
  let eventCount = 0;
  let pageViewCount = 0;
  let bounceCount = 0;
  let firstStartedAt = Number.POSITIVE_INFINITY;
  let lastEndedAt = Number.NEGATIVE_INFINITY;
  let finished = false;

  function closeRun(): void {
    if (current === null) return;
    if (given === undefined) busiest = [...busiest, current].sort(compareRuns).slice(0, sampleSize);
    current = null;
  }

  function trackUser(session: ReportSession, startedAt: number, endedAt: number): void {
    const { userId } = session;
    if (given !== undefined) {
      seenUsers.add(userId);
      const run = givenRuns.get(userId);
      if (run !== undefined) {
        run.sessions.push(sampleSession(session, startedAt, endedAt));
        run.eventCount += session.eventCount;
      }
      for (const id of session.anonymousIds ?? []) {
        const asked = id === userId ? undefined : givenRuns.get(id);
        if (asked !== undefined) asked.anonymousIdOf ??= userId;
      }
      return;
    }
    if (current?.userId !== userId) {
      if (seenUsers.has(userId)) {
        throw new Error(
          `Sessions must arrive grouped by user for the default sample: user ${JSON.stringify(userId)} came again after other users. Pass sampleUsers to choose the users instead.`,
        );
      }
      closeRun();
      seenUsers.add(userId);
      current = { userId, sessions: [], eventCount: 0 };
    }
    const run = current as UserRun;
    run.sessions.push(sampleSession(session, startedAt, endedAt));
    run.eventCount += session.eventCount;
  }

  return {
    add(session) {
      if (finished) throw new Error('The report is finished; create a new aggregator for more sessions.');
      const startedAt = Date.parse(session.startedAt);
      const endedAt = Date.parse(session.endedAt);
      if (Number.isNaN(startedAt) || Number.isNaN(endedAt)) {
        throw new Error(
          `Session ${session.sessionId} of user ${JSON.stringify(session.userId)} has a startedAt or endedAt that is not ISO-8601: ${session.startedAt}, ${session.endedAt}`,
        );
      }
      sessionCount++;
      eventCount += session.eventCount;
      pageViewCount += session.pageViews ?? 0;
      if (session.bounce) bounceCount++;
      firstStartedAt = Math.min(firstStartedAt, startedAt);
      lastEndedAt = Math.max(lastEndedAt, endedAt);
      const hour = hourNumber(startedAt);
      sessionsPerHour.set(hour, (sessionsPerHour.get(hour) ?? 0) + 1);
      // As its mark's tooltip (and the viewer) says it: a session reading 10 s is in 10–30 s, though 9.2 s long.
      durations.add(clockSeconds(startedAt, endedAt));
      eventCounts.add(session.eventCount);
      const page = entryPageKey(session);
      if (page !== null) entryPages.add(page);
      const source = reportText(session.campaign?.source);
      if (source !== null) campaignSources.add(source);
      trackUser(session, startedAt, endedAt);
    },

    finish() {
      closeRun();
      finished = true;
      const topCount = options.topCount ?? DEFAULT_TOP_COUNT;
      const runs = given === undefined ? busiest : [...givenRuns.values()];
      return {
        title: options.title ?? 'Sessions report',
        generatedAt: options.generatedAt ?? null,
        sessionCount,
        userCount: seenUsers.size,
        eventCount,
        pageViewCount,
        bounceCount,
        firstStartedAt: sessionCount === 0 ? null : new Date(firstStartedAt).toISOString(),
        lastEndedAt: sessionCount === 0 ? null : new Date(lastEndedAt).toISOString(),
        sessionsOverTime: sessionSeries(sessionsPerHour),
        durationHistogram: durations.result(),
        eventCountHistogram: eventCounts.result(),
        topEntryPages: entryPages.top(topCount),
        topCampaignSources: campaignSources.top(topCount),
        sample: {
          rule: given === undefined ? 'most-sessions' : 'given',
          users: runs.map((run) => {
            const stored = run.sessions.length === 0 ? storedNumberId(run.userId) : undefined;
            return {
              userId: run.userId,
              sessionCount: run.sessions.length,
              eventCount: run.eventCount,
              sessions: [...run.sessions].sort((a, b) => a.startedAt - b.startedAt),
              anonymousIdOf: run.sessions.length === 0 ? (run.anonymousIdOf ?? null) : null,
              storedAs: stored !== undefined && seenUsers.has(stored) ? stored : null,
            };
          }),
        },
      };
    },
  };
}
