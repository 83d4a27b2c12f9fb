import { MAX_SESSION_ANONYMOUS_IDS } from '../../../contract/index.js';
import {
  type CampaignFields,
  type DeviceFields,
  type EventRecord,
  eventLabel,
  type PageFields,
} from '../events/event.js';
import { type AttributeEvents, recordWindow } from './event-window.js';
import { compareText } from './order.js';

/** Rule 9, plus device and labels (docs/rules.md, "Device and labels"): a pure function of a session's events. */
export interface SessionAttributes {
  /** `page` and `screen` events. */
  readonly pageViews: number;
  /** The first and last `page` event's fields; null without a page event. */
  readonly entryPage: PageFields | null;
  readonly exitPage: PageFields | null;
  /** From the first event with a non-empty campaign member, else the entry page url's utm_* parameters, else null. */
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

export const MAX_ANONYMOUS_IDS = MAX_SESSION_ANONYMOUS_IDS;

/** Rule 9 over a session's events wherever they are held: objects, or columns (the CLI's batch). */
export function attributesOf(events: AttributeEvents): SessionAttributes {
  let pageViews = 0;
  let entry = -1;
  let exit = -1;
  let campaign: CampaignFields | null = null;
  let device: DeviceFields | null = null;
  const anonymousIds = new Set<string>();
  for (let position = 0; position < events.length; position++) {
    const type = events.type(position);
    if (type === 'page' || type === 'screen') pageViews++;
    if (type === 'page') {
      if (entry === -1) entry = position;
      exit = position;
    }
    if (campaign === null) campaign = events.campaign(position);
    if (device === null) device = events.device(position);
    const anonymousId = events.anonymousId(position);
    if (anonymousId !== null) anonymousIds.add(anonymousId);
  }
  const sortedIds = [...anonymousIds].sort(compareText).slice(0, MAX_ANONYMOUS_IDS);
  const last = events.length - 1;
  return {
    pageViews,
    entryPage: entry === -1 ? null : events.page(entry),
    exitPage: exit === -1 ? null : events.page(exit),
    campaign: campaign ?? (entry === -1 ? null : events.urlCampaign(entry)),
    anonymousIds: sortedIds,
    bounce: events.length === 1,
    device,
    firstEvent: eventLabel({ name: events.name(0), type: events.type(0) }),
    lastEvent: eventLabel({ name: events.name(last), type: events.type(last) }),
  };
}

/** `events` in session order (rule 5). */
export function sessionAttributes(events: readonly EventRecord[]): SessionAttributes {
  return attributesOf(recordWindow(events));
}
