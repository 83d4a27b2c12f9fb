import { campaignFromUrl } from '../events/campaign.js';
import {
  type CampaignFields,
  type DeviceFields,
  EVENT_TYPES,
  type EventRecord,
  type EventType,
  type PageFields,
} from '../events/event.js';
import { type PlainEvent, PlainText } from '../reading/plain-event.js';
import type { RecordPosition } from '../reading/read-export.js';
import { float64s, indexes, int32s, uint8s } from './column-blocks.js';
import { ColumnEvent } from './column-event.js';
import { EventIdArena } from './event-id-arena.js';
import { Identities } from './identities.js';
import { campaignKey, deviceKey } from './intern-keys.js';
import { Interner, textInterner } from './interner.js';
import { ownedCampaign, ownedDevice } from './owned-fields.js';
import { PageTable } from './page-table.js';
import { TextSpans } from './span-interner.js';

const NONE = -1;
const QUERY = 0x3f;
const TYPE_CODES = new Map<EventType, number>(EVENT_TYPES.map((type, code) => [type, code]));

/** Bytes an event takes in the columns below at their widest (a float64, 12 int32s, a byte): an upper bound. */
const COLUMN_BYTES_PER_EVENT = 8 + 12 * 4 + 1;

/**
 * Accepted events as columns: typed arrays of numbers and interned indexes instead of an object per event,
 * so a million events take about a hundred megabytes and the garbage collector has little to trace. An
 * event becomes an {@link EventRecord} again only when a store merges its user; the batch reads sessions in
 * place.
 */
export class EventColumns {
  length = 0;
  private readonly timestamps = float64s();
  private readonly userIds = indexes();
  private readonly anonymousIds = indexes();
  private readonly types = uint8s();
  private readonly names = indexes();
  private readonly platforms = indexes();
  private readonly pages = indexes();
  private readonly campaigns = indexes();
  private readonly urlCampaigns = indexes();
  private readonly devices = indexes();
  private readonly files = indexes();
  private readonly records = int32s();
  private readonly lines = int32s();
  private readonly arrayIndexes = indexes();
  private readonly ids = new EventIdArena();

  readonly identities = new Identities();
  private readonly nameTable = textInterner();
  private readonly platformTable = textInterner();
  private readonly pageTable = new PageTable();
  private readonly campaignTable = new Interner<CampaignFields>(ownedCampaign);
  private readonly deviceTable = new Interner<DeviceFields>(ownedDevice);
  private readonly fileTable = textInterner();
  private readonly nameSpans = new TextSpans(this.nameTable.values, (name) =>
    this.nameTable.intern(name, name),
  );
  // Consecutive events nearly always come from the same file.
  private lastFile = '';
  private lastFileIndex = NONE;

  /** About how much memory the columns hold: fixed-width columns, the ids, and every distinct value once. */
  get heldBytes(): number {
    return (
      this.length * COLUMN_BYTES_PER_EVENT +
      this.ids.heldBytes +
      this.identities.heldBytes +
      this.nameTable.heldBytes +
      this.nameSpans.heldBytes +
      this.platformTable.heldBytes +
      this.pageTable.heldBytes +
      this.campaignTable.heldBytes +
      this.deviceTable.heldBytes +
      this.fileTable.heldBytes
    );
  }

  timestamp(at: number): number {
    return this.timestamps.get(at);
  }

  /** The interned user id of the event at `at`, or {@link NO_VALUE}. */
  userId(at: number): number {
    return this.userIds.get(at);
  }

  /** The interned anonymousId of the event at `at`, or {@link NO_VALUE}. */
  anonymousId(at: number): number {
    return this.anonymousIds.get(at);
  }

  /** The platform of the event at `at` (rule 7), or null. */
  platform(at: number): string | null {
    return valueAt(this.platformTable, this.platforms.get(at));
  }

  /** The id of the event at `at`. */
  eventId(at: number): string {
    return this.ids.text(at);
  }

  /** A hash of the event's id, mixed with `seed`. */
  hashId(at: number, seed: number): number {
    return this.ids.hash(at, seed);
  }

  sameId(a: number, b: number): boolean {
    return this.ids.same(a, b);
  }

  /** Rule 5's tie order of the events' ids. */
  compareIds(a: number, b: number): number {
    return this.ids.compare(a, b);
  }

  identity(id: string): number {
    return this.identities.intern(id);
  }

  /** Appends an event; its index. */
  add(event: EventRecord, source: RecordPosition): number {
    const at = this.length++;
    this.timestamps.set(at, event.timestamp);
    const user = event.userId === null ? NONE : this.identity(event.userId);
    this.userIds.set(at, user);
    this.anonymousIds.set(
      at,
      event.anonymousId === null
        ? NONE
        : user === NONE
          ? this.identity(event.anonymousId)
          : this.identities.anonymousWith(user, event.anonymousId),
    );
    this.types.set(at, TYPE_CODES.get(event.type) as number);
    this.names.set(at, event.name === null ? NONE : this.nameTable.intern(event.name, event.name));
    this.platforms.set(
      at,
      event.platform === null ? NONE : this.platformTable.intern(event.platform, event.platform),
    );
    this.pages.set(at, event.page === null ? NONE : this.pageTable.intern(event.page));
    this.campaigns.set(
      at,
      event.campaign === null ? NONE : this.campaignTable.intern(campaignKey(event.campaign), event.campaign),
    );
    this.urlCampaigns.set(
      at,
      event.urlCampaign === null
        ? NONE
        : this.campaignTable.intern(campaignKey(event.urlCampaign), event.urlCampaign),
    );
    this.devices.set(
      at,
      event.device === null ? NONE : this.deviceTable.intern(deviceKey(event.device), event.device),
    );
    this.addSource(at, source.file, source.record, source.line, source.index);
    this.ids.store(at, event.id);
    return at;
  }

  /**
   * Appends a plain event (reading/plain-event.ts), the same columns {@link add} gives the event
   * `normalizeEvent` makes of its record, its texts interned by their bytes; its index.
   */
  addPlain(event: PlainEvent, file: string): number {
    const at = this.length++;
    this.timestamps.set(at, event.timestamp);
    const user = this.identities.plainUser(event);
    this.userIds.set(at, user);
    this.anonymousIds.set(at, this.identities.plainAnonymous(event, user));
    this.types.set(at, TYPE_CODES.get(event.type) as number);
    this.names.set(at, this.nameSpans.plainIndex(event, PlainText.Name));
    // A plain event has no device, hence no platform, and no campaign of its own.
    this.platforms.set(at, NONE);
    this.campaigns.set(at, NONE);
    this.devices.set(at, NONE);
    this.pages.set(at, event.hasPage ? this.pageTable.internPlain(event) : NONE);
    this.urlCampaigns.set(at, event.hasPage ? this.plainUrlCampaign(event) : NONE);
    this.addSource(at, file, event.record, event.line, event.index);
    this.ids.storeMessageId(
      at,
      event.bytes,
      event.start(PlainText.MessageId),
      event.end(PlainText.MessageId),
    );
    return at;
  }

  /** A plain page's url campaign: campaignFromUrl finds none in a url without a query, made no string of. */
  private plainUrlCampaign(event: PlainEvent): number {
    if (!event.holds(PlainText.Url, QUERY)) return NONE;
    const campaign = campaignFromUrl(event.text(PlainText.Url) as string);
    return campaign === null ? NONE : this.campaignTable.intern(campaignKey(campaign), campaign);
  }

  private addSource(at: number, file: string, record: number, line: number, index: number | undefined): void {
    if (file !== this.lastFile) {
      this.lastFile = file;
      this.lastFileIndex = this.fileTable.intern(file, file);
    }
    this.files.set(at, this.lastFileIndex);
    this.records.set(at, record);
    this.lines.set(at, line);
    this.arrayIndexes.set(at, index ?? NONE);
  }

  type(at: number): EventType {
    return EVENT_TYPES[this.types.get(at)] as EventType;
  }

  name(at: number): string | null {
    return valueAt(this.nameTable, this.names.get(at));
  }

  /** The user id of the event at `at` as text (see {@link userId} for its index). */
  userIdText(at: number): string | null {
    return valueAt(this.identities, this.userIds.get(at));
  }

  anonymousIdText(at: number): string | null {
    return valueAt(this.identities, this.anonymousIds.get(at));
  }

  page(at: number): PageFields | null {
    return valueAt(this.pageTable, this.pages.get(at));
  }

  campaign(at: number): CampaignFields | null {
    return valueAt(this.campaignTable, this.campaigns.get(at));
  }

  urlCampaign(at: number): CampaignFields | null {
    return valueAt(this.campaignTable, this.urlCampaigns.get(at));
  }

  device(at: number): DeviceFields | null {
    return valueAt(this.deviceTable, this.devices.get(at));
  }

  /** The event at `at`, as an object again; its id is decoded only when read (sessions rarely need it). */
  event(at: number): EventRecord {
    return new ColumnEvent(
      this,
      at,
      this.timestamps.get(at),
      this.type(at),
      this.name(at),
      this.userIdText(at),
      this.anonymousIdText(at),
      this.platform(at),
      this.page(at),
      this.campaign(at),
      this.urlCampaign(at),
      this.device(at),
    );
  }

  source(at: number): RecordPosition {
    const index = this.arrayIndexes.get(at);
    return {
      file: this.fileTable.values[this.files.get(at)] as string,
      record: this.records.get(at),
      line: this.lines.get(at),
      ...(index !== NONE && { index }),
    };
  }

  /** Everything the rules and outputs see about an event, compared without building it: equal interned indexes. */
  sameProjection(a: number, b: number): boolean {
    return (
      this.sameId(a, b) &&
      this.timestamps.get(a) === this.timestamps.get(b) &&
      this.types.get(a) === this.types.get(b) &&
      this.names.get(a) === this.names.get(b) &&
      this.userIds.get(a) === this.userIds.get(b) &&
      this.anonymousIds.get(a) === this.anonymousIds.get(b) &&
      this.platforms.get(a) === this.platforms.get(b) &&
      this.pages.get(a) === this.pages.get(b) &&
      this.campaigns.get(a) === this.campaigns.get(b) &&
      this.urlCampaigns.get(a) === this.urlCampaigns.get(b) &&
      this.devices.get(a) === this.devices.get(b)
    );
  }
}

export const NO_VALUE = NONE;

function valueAt<T>(table: { readonly values: readonly T[] }, index: number): T | null {
  return index === NONE ? null : (table.values[index] as T);
}
