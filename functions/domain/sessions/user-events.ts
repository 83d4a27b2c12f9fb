import type { CampaignFields, DeviceFields, EventRecord, EventType, PageFields } from '../events/event.js';
import type { RecordPosition } from '../reading/read-export.js';
import type { EventColumns } from './event-columns.js';
import type { EventWindow, OrderedEvents } from './event-window.js';

/** One user's (or owner's) events as positions in the columns; `forEachUser` hands them in rule 5's order. */
export interface UserEvents extends OrderedEvents {
  /** The events at positions `[start, end)` as objects (all of them by default). */
  events(start?: number, end?: number): EventRecord[];
  /** The events at positions `[start, end)` read in place. */
  window(start: number, end: number): EventWindow;
  /** Where each event came from, in the same order. */
  sources(): RecordPosition[];
  /**
   * Copies that lost rule 3's choice but that a store keeps beside the kept ones, out of any session: those
   * carrying a link the kept ones lack (`LostLinks`), and those that lost to a copy of another owner.
   */
  parkable(): UserEvents;
}

class ColumnWindow implements EventWindow {
  constructor(
    protected readonly columns: EventColumns,
    protected readonly indexes: readonly number[],
    private readonly start: number,
    readonly length: number,
  ) {}

  private at(position: number): number {
    return this.indexes[this.start + position] as number;
  }

  timestamp(position: number): number {
    return this.columns.timestamp(this.at(position));
  }

  platform(position: number): string | null {
    return this.columns.platform(this.at(position));
  }

  type(position: number): EventType {
    return this.columns.type(this.at(position));
  }

  name(position: number): string | null {
    return this.columns.name(this.at(position));
  }

  page(position: number): PageFields | null {
    return this.columns.page(this.at(position));
  }

  campaign(position: number): CampaignFields | null {
    return this.columns.campaign(this.at(position));
  }

  urlCampaign(position: number): CampaignFields | null {
    return this.columns.urlCampaign(this.at(position));
  }

  device(position: number): DeviceFields | null {
    return this.columns.device(this.at(position));
  }

  anonymousId(position: number): string | null {
    return this.columns.anonymousIdText(this.at(position));
  }
}

/** A user's events, all of them a window that also hands out objects, narrower windows and sources. */
export class ColumnUserEvents extends ColumnWindow implements UserEvents {
  constructor(
    columns: EventColumns,
    indexes: readonly number[],
    private readonly parkableIndexes: readonly number[] = [],
  ) {
    super(columns, indexes, 0, indexes.length);
  }

  parkable(): UserEvents {
    return new ColumnUserEvents(this.columns, this.parkableIndexes);
  }

  events(start = 0, end = this.indexes.length): EventRecord[] {
    const events: EventRecord[] = [];
    for (let position = start; position < end; position++)
      events.push(this.columns.event(this.indexes[position] as number));
    return events;
  }

  window(start: number, end: number): EventWindow {
    return new ColumnWindow(this.columns, this.indexes, start, end - start);
  }

  sources(): RecordPosition[] {
    return this.indexes.map((at) => this.columns.source(at));
  }
}
