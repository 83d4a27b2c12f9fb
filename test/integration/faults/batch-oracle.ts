// What the store must hold after the dust settles: the batch CLI's result over every file (rule 6), plus
// which accepted events each of its sessions holds, for the checker to find every event exactly once.
import { createReadStream } from 'node:fs';
import { type BatchInput, sessionizeInputs } from '../../../cli/batch.js';
import { createBrowserOf } from '../../../functions/domain/events/browser.js';
import { ownUser } from '../../../functions/domain/events/event.js';
import { readExport } from '../../../functions/domain/reading/read-export.js';
import type { SessionRules } from '../../../functions/domain/rules/session-rules.js';
import { type SessionView, toSessionView } from '../../../functions/domain/views/session-view.js';
import type { ExportFile } from './export-files.js';

export interface ExpectedSession {
  view: SessionView;
  /** Ids of the distinct events the session holds. */
  eventIds: Set<string>;
}

export interface BatchOracle {
  /** Each user's sessions, oldest first. */
  sessionsByUser: Map<string, ExpectedSession[]>;
  /** Distinct accepted events (copies merged, rule 3). */
  events: number;
  rejected: number;
}

const userEventKey = (userId: string, eventId: string) => `${userId}\u0000${eventId}`;

function inputOf(file: ExportFile): BatchInput {
  return { name: file.name, open: () => createReadStream(file.path) };
}

/** Every distinct accepted event as `user\0id`, with the earliest timestamp among its copies (rule 3). */
async function acceptedEvents(files: readonly ExportFile[]): Promise<Map<string, number>> {
  const earliest = new Map<string, number>();
  const browserOf = createBrowserOf();
  for (const file of files) {
    await readExport(
      file.name,
      createReadStream(file.path),
      { format: 'auto', browserOf },
      {
        event: (event) => {
          const key = userEventKey(ownUser(event), event.id);
          earliest.set(key, Math.min(earliest.get(key) ?? Number.POSITIVE_INFINITY, event.timestamp));
        },
        rejected: () => undefined,
      },
    );
  }
  return earliest;
}

/** The session of `sessions` (oldest first, disjoint in time) whose span holds `timestamp`. */
function sessionAt(sessions: readonly ExpectedSession[], timestamp: number): ExpectedSession | undefined {
  let low = 0;
  let high = sessions.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const session = sessions[middle] as ExpectedSession;
    if (timestamp < Date.parse(session.view.startedAt)) high = middle - 1;
    else if (timestamp > Date.parse(session.view.endedAt)) low = middle + 1;
    else return session;
  }
  return undefined;
}

/**
 * Runs the batch over `files` and places each distinct accepted event in its session. Identity stitching
 * must be off: events are placed by their own user. Throws when the placement disagrees with the batch's
 * counts, which would make every count of the checker meaningless.
 */
export async function batchOracle(files: readonly ExportFile[], rules: SessionRules): Promise<BatchOracle> {
  if (rules.identityStitching)
    throw new Error('the fault suite places events by their own user: no stitching');
  const result = await sessionizeInputs(files.map(inputOf), {
    rules,
    inputFormat: 'auto',
    browserOf: createBrowserOf(),
  });
  const sessionsByUser = new Map<string, ExpectedSession[]>();
  for (const session of result.sessions) {
    const list = sessionsByUser.get(session.userId) ?? [];
    list.push({ view: toSessionView(session), eventIds: new Set() });
    sessionsByUser.set(session.userId, list);
  }
  const events = await acceptedEvents(files);
  for (const [key, timestamp] of events) {
    const [userId, eventId] = key.split('\u0000') as [string, string];
    const session = sessionAt(sessionsByUser.get(userId) ?? [], timestamp);
    if (session === undefined) {
      throw new Error(`batch oracle: event ${eventId} of ${userId} at ${timestamp} lies in no batch session`);
    }
    session.eventIds.add(eventId);
  }
  for (const sessions of sessionsByUser.values()) {
    for (const { view, eventIds } of sessions) {
      if (eventIds.size !== view.eventCount) {
        throw new Error(
          `batch oracle: session ${view.sessionId} of ${view.userId} counts ${view.eventCount} events, ${eventIds.size} placed`,
        );
      }
    }
  }
  if (events.size !== result.distinct) {
    throw new Error(`batch oracle: ${events.size} distinct events read, the batch kept ${result.distinct}`);
  }
  return { sessionsByUser, events: events.size, rejected: result.rejected.length };
}
