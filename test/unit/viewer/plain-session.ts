import type { Session } from '../../../viewer/src/api-types.js';

/**
 * A viewer session from `startedAt` to `endedAt` (epoch ms) with no pages, campaign, device or event names:
 * what the timeline and the session loader read of it are its times and counts. A bounce has one event.
 */
export function plainSession(
  startedAt: number,
  endedAt: number,
  fields: Pick<Session, 'userId' | 'sessionId' | 'sessionNumber' | 'eventCount' | 'pageViews'>,
): Session {
  return {
    ...fields,
    startedAt,
    endedAt,
    durationSeconds: (endedAt - startedAt) / 1000,
    bounce: fields.eventCount === 1,
    entryPage: null,
    exitPage: null,
    campaign: null,
    anonymousIds: [],
    device: null,
    firstEvent: null,
    lastEvent: null,
  };
}
