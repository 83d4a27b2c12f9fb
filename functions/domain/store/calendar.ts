/** UTC calendar keys the store is organised by; every accepted instant has a four-digit year. */

/** `YYYY-MM-DD` of an instant: the day a session belongs to is the day it starts. */
export function dayOf(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

/** `YYYY-MM` of a day key. */
export function monthOfDay(day: string): string {
  return day.slice(0, 7);
}

/** The instant a day starts. */
export function dayStart(day: string): number {
  return Date.parse(`${day}T00:00:00.000Z`);
}

/** `YYYY-MM-31`: a key at or after every day of the day's month (day keys compare as strings). */
export function lastDayKeyOfMonth(day: string): string {
  return `${monthOfDay(day)}-31`;
}
