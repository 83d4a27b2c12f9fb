import type { CampaignFields, DeviceFields, EventRecord, EventType, PageFields } from '../events/event.js';

/** What rules 5 and 7 read of a user's ordered events: each one's time and platform, by position. */
export interface OrderedEvents {
  readonly length: number;
  timestamp(position: number): number;
  platform(position: number): string | null;
}

/** What rule 9 reads of a session's events, by position in session order (rule 5). */
export interface AttributeEvents {
  readonly length: number;
  type(position: number): EventType;
  name(position: number): string | null;
  page(position: number): PageFields | null;
  campaign(position: number): CampaignFields | null;
  urlCampaign(position: number): CampaignFields | null;
  device(position: number): DeviceFields | null;
  anonymousId(position: number): string | null;
}

/** A run of a user's events read by position: what rules 5, 7 and 9 need, wherever the events are held. */
export type EventWindow = OrderedEvents & AttributeEvents;

/** Events held as objects, read by position like the columns' (`user-events.ts`). */
export function recordWindow(events: readonly EventRecord[]): EventWindow {
  const at = (position: number) => events[position] as EventRecord;
  return {
    length: events.length,
    timestamp: (position) => at(position).timestamp,
    platform: (position) => at(position).platform,
    type: (position) => at(position).type,
    name: (position) => at(position).name,
    page: (position) => at(position).page,
    campaign: (position) => at(position).campaign,
    urlCampaign: (position) => at(position).urlCampaign,
    device: (position) => at(position).device,
    anonymousId: (position) => at(position).anonymousId,
  };
}
