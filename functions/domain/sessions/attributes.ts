import {
  type CampaignFields,
  type DeviceFields,
  type EventRecord,
  eventLabel,
  type PageFields,
} from '../events/event.js';
import { compareText } from './order.js';

/** Rule 9, plus the documented extras (device, labels): a pure function of a session's events. */
export interface SessionAttributes {
  /** `page` and `screen` events. */
  readonly pageViews: number;
  /** The first and last `page` event's fields; null without a page event. */
  readonly entryPage: PageFields | null;
  readonly exitPage: PageFields | null;
  /** The first campaign an event carries, else the entry page url's utm_* parameters, else null. */
  readonly campaign: CampaignFields | null;
  /** Distinct anonymousIds, sorted, at most {@link MAX_ANONYMOUS_IDS}. */
  readonly anonymousIds: readonly string[];
  /** Exactly one event. */
  readonly bounce: boolean;
  /** The first event that says where it came from. */
  readonly device: DeviceFields | null;
  /** Labels (event name, page or screen name, else type) of the first and last event. */
  readonly firstEvent: string;
  readonly lastEvent: string;
}

export const MAX_ANONYMOUS_IDS = 10;

/** `events` in session order (rule 5). */
export function sessionAttributes(events: readonly EventRecord[]): SessionAttributes {
  let pageViews = 0;
  let entry: EventRecord | undefined;
  let exit: EventRecord | undefined;
  let campaign: CampaignFields | null = null;
  let device: DeviceFields | null = null;
  const anonymousIds = new Set<string>();
  for (const event of events) {
    if (event.type === 'page' || event.type === 'screen') pageViews++;
    if (event.type === 'page') {
      entry ??= event;
      exit = event;
    }
    if (campaign === null && event.campaign !== null) campaign = event.campaign;
    if (device === null && event.device !== null) device = event.device;
    if (event.anonymousId !== null) anonymousIds.add(event.anonymousId);
  }
  const sortedIds = [...anonymousIds].sort(compareText).slice(0, MAX_ANONYMOUS_IDS);
  return {
    pageViews,
    entryPage: entry?.page ?? null,
    exitPage: exit?.page ?? null,
    campaign: campaign ?? entry?.urlCampaign ?? null,
    anonymousIds: sortedIds,
    bounce: events.length === 1,
    device,
    firstEvent: eventLabel(events[0] as EventRecord),
    lastEvent: eventLabel(events[events.length - 1] as EventRecord),
  };
}
