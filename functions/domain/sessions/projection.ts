import type { EventRecord } from '../events/event.js';

/**
 * Everything about an event that the rules and the outputs can see. Two copies of one event with the same
 * projection are interchangeable; only when projections differ does the canonical-JSON tie-break matter.
 */
export function projectionKey(event: EventRecord): string {
  return JSON.stringify([
    event.id,
    event.timestamp,
    event.type,
    event.name,
    event.userId,
    event.anonymousId,
    event.platform,
    event.page,
    event.campaign,
    event.urlCampaign,
    event.device,
  ]);
}
