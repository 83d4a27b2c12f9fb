/** What the generator is asked for, and what it yields. */

export interface GeneratorOptions {
  /** Exact number of events yielded, duplicates included. */
  events: number;
  seed?: number;
  /** Default: events / 40, at least 1. Capped at the number of distinct events, so every user emits. */
  users?: number;
  /** Default 0.15: share of users that only ever have an anonymousId. */
  anonymousShare?: number;
  /** Default 0.01: events emitted out of time order, far from their neighbours in the file. */
  lateShare?: number;
  /** Default 0.005: exact re-emissions of an earlier event (same messageId). At most half of the events. */
  duplicateShare?: number;
  /** Default 0.002: events that carry no messageId at all. */
  noMessageIdShare?: number;
  /** Default Date.UTC(2024, 0, 1). */
  startMs?: number;
  /** Default 1: the window in which sessions start; long sessions may run past its end. */
  days?: number;
  /** Default 1.5: a user's mean sessions per day of the window (at most 12). */
  sessionsPerDay?: number;
}

export type SegmentEvent = Record<string, unknown>;
