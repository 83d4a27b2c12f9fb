import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { type SessionAttributes, sessionAttributes } from '../../domain/sessions/attributes.js';
import { type Session, sessionIdFor } from '../../domain/sessions/session.js';

// A day page's session rows: one tuple a session, deflated JSON, so that a list reads them without events.

/** What a stored page says about one session without its events: enough for lists and numbering. */
export interface StoredSessionRow extends SessionAttributes {
  readonly sessionId: string;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly eventCount: number;
  readonly continuesChain: boolean;
}

type RowTuple = [
  startedAt: number,
  duration: number,
  eventCount: number,
  continuesChain: 0 | 1,
  pageViews: number,
  entryPage: SessionAttributes['entryPage'],
  exitPage: SessionAttributes['exitPage'],
  campaign: SessionAttributes['campaign'],
  anonymousIds: readonly string[],
  device: SessionAttributes['device'],
  firstEvent: string,
  lastEvent: string,
];

function rowOf(session: Session): RowTuple {
  const attributes = sessionAttributes(session.events);
  return [
    session.startedAt,
    session.endedAt - session.startedAt,
    session.events.length,
    session.continuesChain ? 1 : 0,
    attributes.pageViews,
    attributes.entryPage,
    attributes.exitPage,
    attributes.campaign,
    attributes.anonymousIds,
    attributes.device,
    attributes.firstEvent,
    attributes.lastEvent,
  ];
}

function rowFromTuple(tuple: RowTuple): StoredSessionRow {
  const [
    startedAt,
    duration,
    eventCount,
    chain,
    pageViews,
    entryPage,
    exitPage,
    campaign,
    anonymousIds,
    device,
  ] = tuple;
  return {
    sessionId: sessionIdFor(startedAt),
    startedAt,
    endedAt: startedAt + duration,
    eventCount,
    continuesChain: chain === 1,
    pageViews,
    bounce: eventCount === 1,
    entryPage,
    exitPage,
    campaign,
    anonymousIds,
    device,
    firstEvent: tuple[10],
    lastEvent: tuple[11],
  };
}

/** A page's rows as stored (`s`). */
export function encodeRows(sessions: readonly Session[]): Buffer {
  return deflateRawSync(JSON.stringify(sessions.map(rowOf)));
}

export function decodeRowBlob(blob: Uint8Array): StoredSessionRow[] {
  return (JSON.parse(inflateRawSync(blob).toString('utf8')) as RowTuple[]).map(rowFromTuple);
}
