import type { EventRecord } from '../events/event.js';

/** Rule 5's order: timestamp, then event id by UTF-16 code units. */
export function compareEvents(a: EventRecord, b: EventRecord): number {
  if (a.timestamp !== b.timestamp) return a.timestamp - b.timestamp;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whether `items` already stand in the order `compare` gives (each no later than the next). */
export function inOrder<T>(items: readonly T[], compare: (a: T, b: T) => number): boolean {
  for (let i = 1; i < items.length; i++) if (compare(items[i - 1] as T, items[i] as T) > 0) return false;
  return true;
}
