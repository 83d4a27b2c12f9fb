import type { CampaignFields, DeviceFields, PageFields } from '../events/event.js';
import { formatTimestamp } from '../rules/timestamp.js';
import type { SessionSummary } from '../sessions/summary.js';

/** A session as people and APIs see it: the one view shared by the CLI output and the lookup API. */
export interface SessionView {
  userId: string;
  sessionNumber: number;
  sessionId: string;
  startedAt: string;
  endedAt: string;
  durationSeconds: number;
  eventCount: number;
  pageViews: number;
  bounce: boolean;
  entryPage: PageFields | null;
  exitPage: PageFields | null;
  campaign: CampaignFields | null;
  anonymousIds: readonly string[];
  device: DeviceFields | null;
  firstEvent: string;
  lastEvent: string;
}

export function toSessionView(session: SessionSummary): SessionView {
  return {
    userId: session.userId,
    sessionNumber: session.sessionNumber,
    sessionId: session.sessionId,
    startedAt: formatTimestamp(session.startedAt),
    endedAt: formatTimestamp(session.endedAt),
    durationSeconds: (session.endedAt - session.startedAt) / 1000,
    eventCount: session.eventCount,
    pageViews: session.pageViews,
    bounce: session.bounce,
    entryPage: session.entryPage,
    exitPage: session.exitPage,
    campaign: session.campaign,
    anonymousIds: session.anonymousIds,
    device: session.device,
    firstEvent: session.firstEvent,
    lastEvent: session.lastEvent,
  };
}
