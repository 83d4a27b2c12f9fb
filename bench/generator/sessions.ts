/** When a user is active: sessions over the window, their lengths and the gaps inside them. */
import {
  DAY,
  HOUR,
  MAX_SESSION_EVENTS,
  MAX_SESSIONS_PER_DAY,
  MEAN_SESSION_EVENTS,
  MINUTE,
  SECOND,
  SESSION_EVENTS_SIGMA,
} from './constants.js';
import { QuotaSampler, type Random } from './random.js';

/** Relative activity per UTC hour: quiet nights, busy evenings. */
export const HOURLY_ACTIVITY = [
  2, 1, 1, 1, 1, 2, 3, 5, 7, 8, 8, 8, 8, 8, 8, 8, 8, 9, 10, 10, 9, 7, 5, 3,
] as const;
export const PEAK_ACTIVITY = Math.max(...HOURLY_ACTIVITY);

export interface SessionPlan {
  users: number;
  anonymous: Uint8Array;
  /** Sessions of user u are firstSession[u] .. firstSession[u + 1] - 1, in start order. */
  firstSession: Int32Array;
  plannedStartMs: Float64Array;
  eventCount: Int32Array;
}

export function plannedSessionStart(random: Random, startMs: number, windowMs: number): number {
  // Rejection sampling follows the daily rhythm and works for fractional day windows too.
  for (;;) {
    const offset = random.float() * windowMs;
    const hour = Math.floor((offset % DAY) / HOUR);
    if (random.float() * PEAK_ACTIVITY < (HOURLY_ACTIVITY[hour] ?? PEAK_ACTIVITY)) {
      return startMs + Math.floor(offset);
    }
  }
}

export function planSessions(
  random: Random,
  users: number,
  anonymousUsers: number,
  originals: number,
  days: number,
  sessionsPerDay: number,
  startMs: number,
): SessionPlan {
  const anonymous = new Uint8Array(users);
  const anonymousSampler = new QuotaSampler(anonymousUsers, users);
  for (let user = 0; user < users; user++) anonymous[user] = anonymousSampler.next(random) ? 1 : 0;

  const maxSessionsPerUser = Math.max(1, Math.ceil(days * MAX_SESSIONS_PER_DAY));
  const firstSession = new Int32Array(users + 1);
  for (let user = 0; user < users; user++) {
    const sessions = Math.min(maxSessionsPerUser, Math.max(1, random.poisson(sessionsPerDay * days)));
    firstSession[user + 1] = (firstSession[user] as number) + sessions;
  }
  const sessionCount = firstSession[users] as number;
  const plannedStartMs = new Float64Array(sessionCount);
  const eventCount = new Int32Array(sessionCount);
  const rawSizes = new Float64Array(sessionCount);
  const logMean = Math.log(MEAN_SESSION_EVENTS) - (SESSION_EVENTS_SIGMA * SESSION_EVENTS_SIGMA) / 2;
  let rawTotal = 0;
  for (let user = 0; user < users; user++) {
    const from = firstSession[user] as number;
    const to = firstSession[user + 1] as number;
    for (let session = from; session < to; session++) {
      plannedStartMs[session] = plannedSessionStart(random, startMs, days * DAY);
      const size = Math.min(
        MAX_SESSION_EVENTS,
        Math.max(1, Math.round(Math.exp(logMean + SESSION_EVENTS_SIGMA * random.normal()))),
      );
      rawSizes[session] = size;
      rawTotal += size;
    }
    plannedStartMs.subarray(from, to).sort();
  }

  // Scale the drawn sizes to hit the requested total exactly: every user's first session keeps one
  // guaranteed event, the rest is shared in proportion to the drawn sizes by cumulative rounding.
  const shared = originals - users;
  let cumulativeRaw = 0;
  let allocated = 0;
  for (let user = 0; user < users; user++) {
    const from = firstSession[user] as number;
    const to = firstSession[user + 1] as number;
    for (let session = from; session < to; session++) {
      cumulativeRaw += rawSizes[session] as number;
      const target = Math.round((cumulativeRaw / rawTotal) * shared);
      eventCount[session] = target - allocated + (session === from ? 1 : 0);
      allocated = target;
    }
  }
  return { users, anonymous, firstSession, plannedStartMs, eventCount };
}

/** Min-heap of user indices by next event time; ties go to the lower index so the order is deterministic. */
export class UserClock {
  private readonly heap: Int32Array;
  private size = 0;

  constructor(
    capacity: number,
    private readonly nextTimeMs: Float64Array,
  ) {
    this.heap = new Int32Array(capacity);
  }

  get empty(): boolean {
    return this.size === 0;
  }

  peek(): number {
    return this.heap[0] as number;
  }

  push(user: number): void {
    this.heap[this.size] = user;
    this.size++;
    this.siftUp(this.size - 1);
  }

  /** Call after the top user's time moved forward. */
  updateTop(): void {
    this.siftDown(0);
  }

  pop(): void {
    this.size--;
    if (this.size > 0) {
      this.heap[0] = this.heap[this.size] as number;
      this.siftDown(0);
    }
  }

  private before(a: number, b: number): boolean {
    const timeA = this.nextTimeMs[a] as number;
    const timeB = this.nextTimeMs[b] as number;
    return timeA < timeB || (timeA === timeB && a < b);
  }

  private siftUp(index: number): void {
    const user = this.heap[index] as number;
    let at = index;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      const parentUser = this.heap[parent] as number;
      if (!this.before(user, parentUser)) break;
      this.heap[at] = parentUser;
      at = parent;
    }
    this.heap[at] = user;
  }

  private siftDown(index: number): void {
    const user = this.heap[index] as number;
    let at = index;
    for (;;) {
      const left = 2 * at + 1;
      if (left >= this.size) break;
      const right = left + 1;
      let child = left;
      if (right < this.size && this.before(this.heap[right] as number, this.heap[left] as number))
        child = right;
      const childUser = this.heap[child] as number;
      if (!this.before(childUser, user)) break;
      this.heap[at] = childUser;
      at = child;
    }
    this.heap[at] = user;
  }
}

export function intraSessionGapMs(random: Random): number {
  const roll = random.float();
  if (roll < 0.85) return Math.round(random.logBetween(5 * SECOND, 120 * SECOND));
  if (roll < 0.97) return Math.round(random.between(2 * MINUTE, 10 * MINUTE));
  return Math.round(random.between(10 * MINUTE, 25 * MINUTE));
}
