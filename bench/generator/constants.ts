/** Time units and the limits every part of the generator agrees on. */

export const SECOND = 1_000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Sessionizers commonly split on 30 minutes of inactivity; within-session gaps stay below it, between-session gaps above. */
export const SESSION_TIMEOUT = 30 * MINUTE;

export const MAX_SESSIONS_PER_DAY = 12;
export const MEAN_SESSION_EVENTS = 20;
/** Lognormal spread: median ~12 events, about 1 session in 1,500 beyond 300 events. */
export const SESSION_EVENTS_SIGMA = 1;
export const MAX_SESSION_EVENTS = 2_000;
