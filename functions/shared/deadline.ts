import type { Context } from 'aws-lambda';

/** A call stops taking on work when less than this share of its time is left (at least MIN_RESERVE_MS). */
const RESERVE_SHARE = 0.2;
export const MIN_RESERVE_MS = 5_000;

/**
 * When a call should stop taking on new work, from the time Lambda gives it: the reserve finishes what is
 * in flight and records how far the call got.
 */
export function deadlineOf(context: Pick<Context, 'getRemainingTimeInMillis'>, now = Date.now()): number {
  const remaining = context.getRemainingTimeInMillis();
  return now + remaining - Math.max(MIN_RESERVE_MS, remaining * RESERVE_SHARE);
}
