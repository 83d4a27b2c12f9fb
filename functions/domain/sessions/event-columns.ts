import {
  type CampaignFields,
  type DeviceFields,
  EVENT_TYPES,
  type EventRecord,
  type EventType,
  type PageFields,
} from '../events/event.js';
import type { RecordPosition } from '../reading/read-export.js';

/** Values seen over and over (users, names, pages) stored once; events hold their index. */
export class Interner<T> {
  private readonly index = new Map<string, number>();
  readonly values: T[] = [];

  intern(key: string, value: T): number {
    let at = this.index.get(key);
    if (at === undefined) {
      at = this.values.length;
      this.values.push(value);
      this.index.set(key, at);
    }
    return at;
  }

  find(key: string): number | undefined {
    return this.index.get(key);
  }
}

const NONE = -1;
const TYPE_CODES = new Map<EventType, number>(EVENT_TYPES.map((type, code) => [type, code]));

function pageKey(page: PageFields): string {
  const { url, path, title, referrer } = page;
  return typeof url === 'string' &&
    typeof path === 'string' &&
    typeof title === 'string' &&
    typeof referrer === 'string'
    ? `${url}\u0000${path}\u0000${title}\u0000${referrer}`
    : JSON.stringify([url, path, title, referrer]);
}

function grown<T extends Float64Array | Int32Array | Uint8Array>(array: T, capacity: number): T {
  const next = new (array.constructor as new (length: number) => T)(capacity);
  next.set(array);
  return next;
}

/**
 * Accepted events as columns: typed arrays of numbers and interned indexes instead of an object per event,
 * so a million events take a hundred-odd megabytes and the garbage collector has little to trace. An event
 * becomes an {@link EventRecord} again only when its user's sessions are cut.
 */
export class EventColumns {
  length = 0;
  private capacity = 1024;
  timestamps = new Float64Array(this.capacity);
  userIds = new Int32Array(this.capacity);
  anonymousIds = new Int32Array(this.capacity);
  types = new Uint8Array(this.capacity);
  names = new Int32Array(this.capacity);
  platforms = new Int32Array(this.capacity);
  pages = new Int32Array(this.capacity);
  campaigns = new Int32Array(this.capacity);
  urlCampaigns = new Int32Array(this.capacity);
  devices = new Int32Array(this.capacity);
  files = new Int32Array(this.capacity);
  records = new Int32Array(this.capacity);
  lines = new Int32Array(this.capacity);
  arrayIndexes = new Int32Array(this.capacity);
  /** Event ids as UTF-8 in one arena (no string object per event): start and length of each. */
  private idArena: Buffer = Buffer.allocUnsafe(64 * 1024);
  private idArenaUsed = 0;
  idStarts = new Int32Array(this.capacity);
  idLengths = new Int32Array(this.capacity);
  private idsAscii = true;

  /** Ids of users and anonymousIds share one table: an id is one string space (rule 2). */
  readonly identities = new Interner<string>();
  private readonly nameTable = new Interner<string>();
  private readonly platformTable = new Interner<string>();
  private readonly pageTable = new Interner<PageFields>();
  private readonly campaignTable = new Interner<CampaignFields>();
  private readonly deviceTable = new Interner<DeviceFields>();
  private readonly fileTable = new Interner<string>();
  // Consecutive events nearly always come from the same file.
  private lastFile = '';
  private lastFileIndex = NONE;

  private grow(): void {
    this.capacity *= 2;
    const capacity = this.capacity;
    this.timestamps = grown(this.timestamps, capacity);
    this.userIds = grown(this.userIds, capacity);
    this.anonymousIds = grown(this.anonymousIds, capacity);
    this.types = grown(this.types, capacity);
    this.names = grown(this.names, capacity);
    this.platforms = grown(this.platforms, capacity);
    this.pages = grown(this.pages, capacity);
    this.campaigns = grown(this.campaigns, capacity);
    this.urlCampaigns = grown(this.urlCampaigns, capacity);
    this.devices = grown(this.devices, capacity);
    this.files = grown(this.files, capacity);
    this.records = grown(this.records, capacity);
    this.lines = grown(this.lines, capacity);
    this.arrayIndexes = grown(this.arrayIndexes, capacity);
    this.idStarts = grown(this.idStarts, capacity);
    this.idLengths = grown(this.idLengths, capacity);
  }

  private storeId(at: number, id: string): void {
    const needed = this.idArenaUsed + id.length * 3;
    if (needed > this.idArena.length) {
      const next = Buffer.allocUnsafe(Math.max(needed, this.idArena.length * 2));
      this.idArena.copy(next, 0, 0, this.idArenaUsed);
      this.idArena = next;
    }
    const written = this.idArena.write(id, this.idArenaUsed, 'utf8');
    if (written !== id.length) this.idsAscii = false;
    this.idStarts[at] = this.idArenaUsed;
    this.idLengths[at] = written;
    this.idArenaUsed += written;
  }

  /** The id of the event at `at`. */
  eventId(at: number): string {
    const start = this.idStarts[at] as number;
    return this.idArena.toString(
      this.idsAscii ? 'latin1' : 'utf8',
      start,
      start + (this.idLengths[at] as number),
    );
  }

  /** FNV-1a over the id's bytes, mixed with `seed`. */
  hashId(at: number, seed: number): number {
    const arena = this.idArena;
    const start = this.idStarts[at] as number;
    const end = start + (this.idLengths[at] as number);
    let hash = (0x811c9dc5 ^ seed) >>> 0;
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ (arena[i] as number), 0x01000193);
    return hash >>> 0;
  }

  sameId(a: number, b: number): boolean {
    const length = this.idLengths[a] as number;
    if (this.idLengths[b] !== length) return false;
    const arena = this.idArena;
    const startA = this.idStarts[a] as number;
    const startB = this.idStarts[b] as number;
    for (let i = 0; i < length; i++) if (arena[startA + i] !== arena[startB + i]) return false;
    return true;
  }

  /** Rule 5's tie order: ids by UTF-16 code units (bytes agree with it while both ids are ASCII). */
  compareIds(a: number, b: number): number {
    if (!this.idsAscii) {
      const x = this.eventId(a);
      const y = this.eventId(b);
      return x < y ? -1 : x > y ? 1 : 0;
    }
    const arena = this.idArena;
    const startA = this.idStarts[a] as number;
    const startB = this.idStarts[b] as number;
    const lengthA = this.idLengths[a] as number;
    const lengthB = this.idLengths[b] as number;
    const length = Math.min(lengthA, lengthB);
    for (let i = 0; i < length; i++) {
      const difference = (arena[startA + i] as number) - (arena[startB + i] as number);
      if (difference !== 0) return difference;
    }
    return lengthA - lengthB;
  }

  identity(id: string): number {
    return this.identities.intern(id, id);
  }

  /** Appends an event; its index. */
  add(event: EventRecord, source: RecordPosition): number {
    if (this.length === this.capacity) this.grow();
    const at = this.length++;
    this.timestamps[at] = event.timestamp;
    this.userIds[at] = event.userId === null ? NONE : this.identity(event.userId);
    this.anonymousIds[at] = event.anonymousId === null ? NONE : this.identity(event.anonymousId);
    this.types[at] = TYPE_CODES.get(event.type) as number;
    this.names[at] = event.name === null ? NONE : this.nameTable.intern(event.name, event.name);
    this.platforms[at] =
      event.platform === null ? NONE : this.platformTable.intern(event.platform, event.platform);
    this.pages[at] = event.page === null ? NONE : this.pageTable.intern(pageKey(event.page), event.page);
    this.campaigns[at] =
      event.campaign === null
        ? NONE
        : this.campaignTable.intern(JSON.stringify(event.campaign), event.campaign);
    this.urlCampaigns[at] =
      event.urlCampaign === null
        ? NONE
        : this.campaignTable.intern(JSON.stringify(event.urlCampaign), event.urlCampaign);
    this.devices[at] =
      event.device === null ? NONE : this.deviceTable.intern(JSON.stringify(event.device), event.device);
    if (source.file !== this.lastFile) {
      this.lastFile = source.file;
      this.lastFileIndex = this.fileTable.intern(source.file, source.file);
    }
    this.files[at] = this.lastFileIndex;
    this.records[at] = source.record;
    this.lines[at] = source.line;
    this.arrayIndexes[at] = source.index ?? NONE;
    this.storeId(at, event.id);
    return at;
  }

  /** The event at `at`, as an object again; its id is decoded only when read (sessions rarely need it). */
  event(at: number): EventRecord {
    const name = this.names[at] as number;
    const platform = this.platforms[at] as number;
    const page = this.pages[at] as number;
    const campaign = this.campaigns[at] as number;
    const urlCampaign = this.urlCampaigns[at] as number;
    const device = this.devices[at] as number;
    const userId = this.userIds[at] as number;
    const anonymousId = this.anonymousIds[at] as number;
    return new ColumnEvent(
      this,
      at,
      this.timestamps[at] as number,
      EVENT_TYPES[this.types[at] as number] as EventType,
      name === NONE ? null : (this.nameTable.values[name] as string),
      userId === NONE ? null : (this.identities.values[userId] as string),
      anonymousId === NONE ? null : (this.identities.values[anonymousId] as string),
      platform === NONE ? null : (this.platformTable.values[platform] as string),
      page === NONE ? null : (this.pageTable.values[page] as PageFields),
      campaign === NONE ? null : (this.campaignTable.values[campaign] as CampaignFields),
      urlCampaign === NONE ? null : (this.campaignTable.values[urlCampaign] as CampaignFields),
      device === NONE ? null : (this.deviceTable.values[device] as DeviceFields),
    );
  }

  source(at: number): RecordPosition {
    const index = this.arrayIndexes[at] as number;
    return {
      file: this.fileTable.values[this.files[at] as number] as string,
      record: this.records[at] as number,
      line: this.lines[at] as number,
      ...(index !== NONE && { index }),
    };
  }

  /** Everything the rules and outputs see about an event, compared without building it: equal interned indexes. */
  sameProjection(a: number, b: number): boolean {
    return (
      this.sameId(a, b) &&
      this.timestamps[a] === this.timestamps[b] &&
      this.types[a] === this.types[b] &&
      this.names[a] === this.names[b] &&
      this.userIds[a] === this.userIds[b] &&
      this.anonymousIds[a] === this.anonymousIds[b] &&
      this.platforms[a] === this.platforms[b] &&
      this.pages[a] === this.pages[b] &&
      this.campaigns[a] === this.campaigns[b] &&
      this.urlCampaigns[a] === this.urlCampaigns[b] &&
      this.devices[a] === this.devices[b]
    );
  }
}

export const NO_VALUE = NONE;

/** An event read back from the columns; its own properties are exactly the record's, `id` aside. */
class ColumnEvent implements EventRecord {
  readonly #columns: EventColumns;
  readonly #at: number;

  constructor(
    columns: EventColumns,
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
    this.#columns = columns;
    this.#at = at;
  }

  get id(): string {
    return this.#columns.eventId(this.#at);
  }
}
