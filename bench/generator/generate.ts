/**
 * Deterministic generator of Segment-style analytics exports for the benchmark and tests.
 *
 * The output imitates a real export: users with bursts of activity (sessions) separated by hours,
 * interleaved across users in time order, plus the defects real pipelines must cope with: events
 * that arrive late, retried duplicates and events without a messageId. It streams: only per-user
 * scheduling state and small hold-back buffers are kept, never the events already produced.
 */

import { MAX_SESSIONS_PER_DAY, MINUTE, SESSION_TIMEOUT } from './constants.js';
import { buildEvent, chooseKind } from './events.js';
import { HoldBack } from './hold-back.js';
import { QuotaSampler, Random } from './random.js';
import { intraSessionGapMs, planSessions, UserClock } from './sessions.js';
import { deliveryTimes } from './times.js';
import type { GeneratorOptions, SegmentEvent } from './types.js';
import { createProfile, type UserProfile } from './users.js';

export type { GeneratorOptions, SegmentEvent } from './types.js';

/** What the generator takes for an option not given (`npm run generate -- --help` lists them). */
export const DEFAULTS = {
  seed: 1,
  eventsPerUser: 40,
  anonymousShare: 0.15,
  lateShare: 0.01,
  duplicateShare: 0.005,
  noMessageIdShare: 0.002,
  startMs: Date.UTC(2024, 0, 1),
  days: 1,
  sessionsPerDay: 1.5,
} as const;

interface ProducedEvent {
  event: SegmentEvent;
  timeMs: number;
  duplicateLater: boolean;
  profile: Pick<UserProfile, 'platform' | 'skewMs' | 'offsetMinutes'>;
}

function requireShare(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0 || value > 1)
    throw new RangeError(`${name} must be within [0, 1], got ${value}`);
  return value;
}

function resolveOptions(options: GeneratorOptions) {
  const { events } = options;
  if (!Number.isSafeInteger(events) || events < 0) {
    throw new RangeError(`events must be a non-negative integer, got ${events}`);
  }
  const seed = options.seed ?? DEFAULTS.seed;
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  const users = options.users ?? Math.max(1, Math.floor(events / DEFAULTS.eventsPerUser));
  if (!Number.isSafeInteger(users) || users < 1)
    throw new RangeError(`users must be a positive integer, got ${users}`);
  const days = options.days ?? DEFAULTS.days;
  if (!Number.isFinite(days) || days <= 0) throw new RangeError(`days must be positive, got ${days}`);
  const startMs = options.startMs ?? DEFAULTS.startMs;
  if (!Number.isFinite(startMs)) throw new RangeError(`startMs must be a finite epoch time, got ${startMs}`);
  const sessionsPerDay = options.sessionsPerDay ?? DEFAULTS.sessionsPerDay;
  if (!(sessionsPerDay > 0 && sessionsPerDay <= MAX_SESSIONS_PER_DAY)) {
    throw new RangeError(`sessionsPerDay must be in (0, ${MAX_SESSIONS_PER_DAY}], got ${sessionsPerDay}`);
  }
  return {
    events,
    seed,
    users,
    days,
    sessionsPerDay,
    startMs: Math.floor(startMs),
    anonymousShare: requireShare('anonymousShare', options.anonymousShare ?? DEFAULTS.anonymousShare),
    lateShare: requireShare('lateShare', options.lateShare ?? DEFAULTS.lateShare),
    duplicateShare: requireShare('duplicateShare', options.duplicateShare ?? DEFAULTS.duplicateShare),
    noMessageIdShare: requireShare('noMessageIdShare', options.noMessageIdShare ?? DEFAULTS.noMessageIdShare),
  };
}

/**
 * Yields `opts.events` Segment-style events in file order. Same options (seed included) → same output.
 * Each yielded object is fresh and owned by the caller.
 */
export function generateEvents(opts: GeneratorOptions): Generator<SegmentEvent> {
  // Checked now, not at the first event taken: a caller may open its output only once the options hold.
  return eventsOf(resolveOptions(opts));
}

function* eventsOf(options: ReturnType<typeof resolveOptions>): Generator<SegmentEvent> {
  const total = options.events;
  if (total === 0) return;

  // Every duplicate needs its own original, hence at most half of the file.
  const duplicates = Math.min(Math.round(total * options.duplicateShare), Math.floor(total / 2));
  const originals = total - duplicates;
  const lateCount = Math.round(originals * options.lateShare);
  const withoutMessageId = Math.min(Math.round(originals * options.noMessageIdShare), originals - duplicates);
  const users = Math.min(options.users, originals);

  const random = new Random(options.seed);
  const plan = planSessions(
    random,
    users,
    Math.round(users * options.anonymousShare),
    originals,
    options.days,
    options.sessionsPerDay,
    options.startMs,
  );

  // Hold-back distances in output positions: far enough that late events land among strangers,
  // bounded so that the buffers stay small on multi-million-event files.
  const lateSpan = Math.min(100_000, Math.max(50, Math.floor(total / 20)));
  const lateDistance = () => Math.round(random.between(lateSpan / 4, lateSpan));
  const duplicateDistance = () =>
    random.chance(0.75) ? 1 + random.int(50) : Math.round(random.between(50, Math.max(51, lateSpan)));

  const nextTimeMs = new Float64Array(users);
  const sessionCursor = new Int32Array(users);
  const remainingInSession = new Int32Array(users);
  const sessionEventIndex = new Int32Array(users);
  const profiles: (UserProfile | undefined)[] = new Array(users);
  const clock = new UserClock(users, nextTimeMs);

  /** Moves the user to its next non-empty session; false when it has none left. */
  const enterNextSession = (user: number, earliestMs: number): boolean => {
    const end = plan.firstSession[user + 1] as number;
    for (let session = sessionCursor[user] as number; session < end; session++) {
      const size = plan.eventCount[session] as number;
      if (size === 0) continue;
      sessionCursor[user] = session + 1;
      remainingInSession[user] = size;
      sessionEventIndex[user] = 0;
      nextTimeMs[user] = Math.max(plan.plannedStartMs[session] as number, earliestMs);
      return true;
    }
    sessionCursor[user] = end;
    return false;
  };

  for (let user = 0; user < users; user++) {
    sessionCursor[user] = plan.firstSession[user] as number;
    if (enterNextSession(user, Number.NEGATIVE_INFINITY)) clock.push(user);
  }

  const lateSampler = new QuotaSampler(lateCount, originals);
  let duplicateQuota = duplicates;
  let missingIdQuota = withoutMessageId;
  let originalsLeft = originals;

  const produceNext = (): { produced: ProducedEvent; late: boolean } | undefined => {
    if (clock.empty) return undefined;
    const user = clock.peek();
    const timeMs = nextTimeMs[user] as number;
    const sessionIndex = (sessionCursor[user] as number) - 1;
    const firstSession = sessionIndex === plan.firstSession[user];
    let profile = profiles[user];
    if (profile === undefined) {
      profile = createProfile(options.seed, user, plan.anonymous[user] === 1, options.startMs);
      profiles[user] = profile;
    }
    const indexInSession = sessionEventIndex[user] as number;

    // Duplicated and id-less events are disjoint: a duplicate is only recognisable by its messageId.
    const roll = random.float() * originalsLeft;
    const duplicateLater = roll < duplicateQuota;
    const missingId = !duplicateLater && roll < duplicateQuota + missingIdQuota;
    if (duplicateLater) duplicateQuota--;
    if (missingId) missingIdQuota--;
    originalsLeft--;

    const kind = chooseKind(random, profile, indexInSession, firstSession);
    const event = buildEvent(random, profile, timeMs, kind, indexInSession, !missingId);
    const produced: ProducedEvent = { event, timeMs, duplicateLater, profile };
    const late = lateSampler.next(random);

    remainingInSession[user] = (remainingInSession[user] as number) - 1;
    sessionEventIndex[user] = indexInSession + 1;
    if ((remainingInSession[user] as number) > 0) {
      nextTimeMs[user] = timeMs + intraSessionGapMs(random);
      clock.updateTop();
    } else if (
      enterNextSession(user, timeMs + SESSION_TIMEOUT + MINUTE + Math.round(random.exponential(90 * MINUTE)))
    ) {
      clock.updateTop();
    } else {
      clock.pop();
      profiles[user] = undefined;
    }
    return { produced, late };
  };

  const hold = new HoldBack<ProducedEvent>();
  let position = 0;
  let streamTimeMs = options.startMs;
  const emit = (produced: ProducedEvent, original: boolean): SegmentEvent => {
    if (original && produced.duplicateLater) {
      hold.add(
        position + duplicateDistance(),
        { ...produced, event: structuredClone(produced.event) },
        false,
      );
    }
    position++;
    return produced.event;
  };

  while (position < total) {
    let held = hold.takeDue(position, false);
    if (held === undefined) {
      const next = produceNext();
      if (next?.late) {
        hold.add(position + lateDistance(), next.produced, true);
        continue;
      }
      if (next !== undefined) {
        streamTimeMs = next.produced.timeMs;
        yield emit(next.produced, true);
        continue;
      }
      held = hold.takeDue(position, true);
      if (held === undefined) break;
    }
    if (held.late) {
      // Buffered on the device and delivered now: the old timestamp stays, sentAt/receivedAt are current.
      const { produced } = held;
      const delivery = deliveryTimes(random, produced.profile, Math.max(streamTimeMs, produced.timeMs));
      produced.event.sentAt = delivery.sentAt;
      produced.event.receivedAt = delivery.receivedAt;
    }
    yield emit(held.produced, held.late);
  }
}
