import type { CampaignFields, DeviceFields, EventRecord, EventType, PageFields } from '../events/event.js';

/** Where an event's id is decoded from, when it is read. */
export interface EventIds {
  eventId(at: number): string;
}

/** An event read back from the columns; its own properties are exactly the record's, `id` aside. */
export class ColumnEvent implements EventRecord {
  readonly #ids: EventIds;
  readonly #at: number;

  constructor(
    ids: EventIds,
    at: number,
    readonly timestamp: number,
    readonly type: EventType,
    readonly name: string | null,
    readonly userId: string | null,
    readonly anonymousId: string | null,
    readonly platform: string | null,
    readonly page: PageFields | null,
    readonly campaign: CampaignFields | null,
    readonly urlCampaign: CampaignFields | null,
    readonly device: DeviceFields | null,
  ) {
    this.#ids = ids;
    this.#at = at;
  }

  /** Decoded only when read: sessions rarely need it. */
  get id(): string {
    return this.#ids.eventId(this.#at);
  }
}
