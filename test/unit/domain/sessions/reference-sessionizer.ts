/**
 * A straightforward reading of docs/rules.md, rules 1 to 9, for property tests: plain objects from
 * `JSON.parse`, one pass per rule, no shared code with the production core. It reads NDJSON and JSON-array
 * text only (containers are the reader's tests' business) and is written for clarity, not speed.
 */

import {
  type Accepted,
  accept,
  CAMPAIGN,
  detect,
  type Format,
  orNull,
  type RecordPlace,
  recordsOf,
} from './reference-events.js';
import { isObject, type Json, type JsonObject } from './reference-fields.js';

export interface ReferenceOptions {
  readonly gapMinutes: number;
  readonly gapMinutesByPlatform: Readonly<Record<string, number>>;
  readonly maxSessionMinutes?: number | undefined;
  readonly identityStitching: boolean;
  readonly inputFormat: 'auto' | Format;
}

export interface ReferenceFile {
  readonly name: string;
  readonly text: string;
}

export interface ReferenceSession {
  userId: string;
  sessionNumber: number;
  startedAt: string;
  endedAt: string;
  eventCount: number;
  eventIds: string[];
  pageViews: number;
  entryPage: JsonObject | null;
  exitPage: JsonObject | null;
  campaign: JsonObject | null;
  anonymousIds: string[];
  bounce: boolean;
}

export interface ReferenceResult {
  sessions: ReferenceSession[];
  rejected: number;
  /** Each rejected record's file and place, in the files' order and each file's. */
  rejectedAt: ({ file: string } & RecordPlace)[];
  /** Files that are not exports at all (no line is JSON). */
  notExports: string[];
}

const text = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Display cut of rule 9: 1,024 code units, 1,023 when the 1,024th is a high surrogate. */
function shown(value: Json): Json {
  if (typeof value !== 'string' || value.length <= 1024) return value;
  const code = value.charCodeAt(1023);
  return value.slice(0, code >= 0xd800 && code <= 0xdbff ? 1023 : 1024);
}

const shownObject = (object: JsonObject) =>
  Object.fromEntries(Object.entries(object).map(([key, value]) => [key, shown(value)]));

function campaignOf(events: Accepted[], entryPage: JsonObject | null): JsonObject | null {
  const carrier = events.find(
    (event) =>
      event.campaignMembers !== null &&
      CAMPAIGN.some((member) => {
        const value = event.campaignMembers?.[member];
        return typeof value === 'string' && value !== '';
      }),
  );
  if (carrier !== undefined) {
    return Object.fromEntries(
      CAMPAIGN.map((member) => [member, shown(orNull(carrier.campaignMembers?.[member]))]),
    );
  }
  const url = entryPage?.url;
  if (typeof url !== 'string' || !url.includes('?')) return null;
  const afterQuery = url.slice(url.indexOf('?') + 1);
  if (url.includes('#') && url.indexOf('#') < url.indexOf('?')) return null;
  const params = new URLSearchParams(afterQuery.split('#')[0]);
  const values = CAMPAIGN.map((member) => params.get(member === 'name' ? 'utm_campaign' : `utm_${member}`));
  if (!values.some((value) => value !== null && value !== '')) return null;
  return Object.fromEntries(CAMPAIGN.map((member, i) => [member, shown(values[i] ?? null)]));
}

export function referenceSessionize(
  files: readonly ReferenceFile[],
  options: ReferenceOptions,
): ReferenceResult {
  let rejected = 0;
  const rejectedAt: ReferenceResult['rejectedAt'] = [];
  const notExports: string[] = [];
  const accepted: Accepted[] = [];
  // Rules 1, 1b, 2 and 4.
  for (const file of files) {
    const records = recordsOf(file.text);
    if (records === undefined) {
      notExports.push(file.name);
      continue;
    }
    rejected += records.notJson;
    const firstObject = records.parsed.find(isObject);
    const format =
      options.inputFormat === 'auto' ? (firstObject ? detect(firstObject) : 'segment') : options.inputFormat;
    const rejectedHere: RecordPlace[] = [...records.notJsonAt];
    records.parsed.forEach((value, i) => {
      const event = isObject(value) ? accept(format, value) : undefined;
      if (event !== undefined) accepted.push(event);
      else {
        rejected++;
        rejectedHere.push(records.at[i] as RecordPlace);
      }
    });
    const order = (place: RecordPlace) => ('line' in place ? place.line : place.index);
    rejectedAt.push(
      ...rejectedHere.sort((a, b) => order(a) - order(b)).map((place) => ({ file: file.name, ...place })),
    );
  }
  // Rule 8: the earliest link of each anonymousId, over every accepted event.
  const stitched = new Map<string, Accepted>();
  if (options.identityStitching) {
    for (const event of accepted) {
      if (event.type === 'alias' || event.userId === undefined || event.anonymousId === undefined) continue;
      const current = stitched.get(event.anonymousId);
      const earlier =
        current === undefined ||
        event.ms < current.ms ||
        (event.ms === current.ms &&
          (event.id < current.id || (event.id === current.id && event.canonical < current.canonical)));
      if (earlier) stitched.set(event.anonymousId, event);
    }
  }
  for (const event of accepted) {
    const link = event.anonymousId === undefined ? undefined : stitched.get(event.anonymousId);
    event.resolvedUser = event.userId ?? link?.userId ?? event.anonymousId;
  }
  // Rule 3: one event per resolved user and event id, the earliest copy, then the smallest canonical JSON.
  const kept = new Map<string, Accepted>();
  for (const event of accepted) {
    const key = JSON.stringify([event.resolvedUser, event.id]);
    const current = kept.get(key);
    if (
      current === undefined ||
      event.ms < current.ms ||
      (event.ms === current.ms && event.canonical < current.canonical)
    ) {
      kept.set(key, event);
    }
  }
  // Rules 5 and 7, then 9.
  const byUser = new Map<string, Accepted[]>();
  for (const event of kept.values()) {
    const user = event.resolvedUser as string;
    byUser.set(user, [...(byUser.get(user) ?? []), event]);
  }
  const ms = (minutes: number) => Math.round(minutes * 60_000);
  const sessions: ReferenceSession[] = [];
  for (const user of [...byUser.keys()].sort(text)) {
    const events = (byUser.get(user) as Accepted[]).sort((a, b) => a.ms - b.ms || text(a.id, b.id));
    const runs: Accepted[][] = [];
    for (const event of events) {
      const current = runs[runs.length - 1];
      const previous = current?.[current.length - 1];
      const platformGap = event.platform === null ? undefined : options.gapMinutesByPlatform[event.platform];
      const gap = ms(platformGap ?? options.gapMinutes);
      const capped =
        options.maxSessionMinutes !== undefined &&
        current !== undefined &&
        event.ms - (current[0] as Accepted).ms > ms(options.maxSessionMinutes);
      if (current === undefined || previous === undefined || event.ms - previous.ms > gap || capped) {
        runs.push([event]);
      } else current.push(event);
    }
    runs.forEach((run, index) => {
      const pages = run.filter((event) => event.type === 'page');
      const entryPage = pages[0]?.page ?? null;
      const exitPage = pages[pages.length - 1]?.page ?? null;
      sessions.push({
        userId: user,
        sessionNumber: index + 1,
        startedAt: new Date((run[0] as Accepted).ms).toISOString(),
        endedAt: new Date((run[run.length - 1] as Accepted).ms).toISOString(),
        eventCount: run.length,
        eventIds: run.map((event) => event.id),
        pageViews: run.filter((event) => event.type === 'page' || event.type === 'screen').length,
        entryPage: entryPage && shownObject(entryPage),
        exitPage: exitPage && shownObject(exitPage),
        campaign: campaignOf(run, entryPage),
        anonymousIds: [...new Set(run.flatMap((event) => event.anonymousId ?? []))].sort(text).slice(0, 10),
        bounce: run.length === 1,
      });
    });
  }
  return { sessions, rejected, rejectedAt, notExports };
}
