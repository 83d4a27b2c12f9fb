import { deflateRawSync } from 'node:zlib';
import type {
  CampaignFields,
  DeviceFields,
  EventRecord,
  EventSource,
  PageFields,
} from '../../domain/events/event.js';
import { Interner } from '../../domain/sessions/interner.js';
import { loggedUser } from '../../shared/id-digest.js';
import { CorruptItemError } from './corrupt-item.js';
import { decodeEventsV1, inflatedColumns, TYPE_CODES, TYPES_BY_CODE, userIdOf } from './event-codec-v1.js';

/**
 * Events as stored. What DynamoDB bills is bytes written, and a stored day is small (tens of events), so
 * the format is built for what deflate cannot find on its own in so little text:
 * - a byte that no deflate stream starts with (BFINAL set, block type 3, which is reserved), so blobs of
 *   the first format, plain deflate, are still told apart and read;
 * - a binary part: timestamps as variable-length deltas (two or three bytes where digits took four), and
 *   messageIds that are UUIDs and content ids (SHA-256) as their 16 or 32 bytes, not 36 or 64 hex digits;
 * - then columnar JSON, deflated: names, anonymousIds, platforms, pages and devices as indexes into tables
 *   of the distinct values, so each is written once per item.
 */
const FORMAT_2 = 0b111;

interface ColumnarEvents {
  /** {@link UUID_ID} or {@link HASH_ID}: the next bytes of the binary ids; else the id itself. */
  i: (number | string)[];
  y: string;
  /** Indexes into the table beside, -1 for none. */
  n: number[];
  nt: string[];
  /** 0: no userId; 1: the partition's user; else the userId (an event routed here by stitching). */
  u: (0 | 1 | string)[];
  a: number[];
  at: string[];
  p: number[];
  pt: string[];
  g: number[];
  gt: [PageFields['url'], PageFields['path'], PageFields['title'], PageFields['referrer']][];
  /** Sparse: [event index, value]. */
  c: [number, CampaignFields][];
  uc: [number, CampaignFields][];
  d: number[];
  dv: DeviceFields[];
  /**
   * Where each copy was read (rule 3's last tie-break reads it again), only when some event says: indexes
   * into `ot` ([object, version, file, '' when the file is the object]), and record numbers as deltas.
   */
  o?: number[];
  ot?: [string, string, string][];
  r?: number[];
}

const UUID_ID = 0;
const HASH_ID = 1;
const UUID_MESSAGE_ID = /^m:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const CONTENT_ID = /^h:[0-9a-f]{64}$/;

/** Distinct values in order of first use, by a key: each value's index, -1 for null. */
class ValueTable<T> {
  // Values come from events already held, and the table lives for one item: nothing to copy.
  private readonly interner = new Interner<T>();
  readonly values = this.interner.values;

  constructor(private readonly keyOf: (value: T) => string) {}

  indexOf(value: T | null): number {
    return value === null ? -1 : this.interner.intern(this.keyOf(value), value);
  }
}

const itself = (value: string) => value;

export function encodeEvents(user: string, events: readonly EventRecord[]): Buffer {
  const names = new ValueTable(itself);
  const anonymousIds = new ValueTable(itself);
  const platforms = new ValueTable(itself);
  const pages = new ValueTable<ColumnarEvents['gt'][number]>((page) => JSON.stringify(page));
  const devices = new ValueTable<DeviceFields>((device) => JSON.stringify(device));
  const columns: ColumnarEvents = {
    i: [],
    y: '',
    n: [],
    nt: names.values,
    u: [],
    a: [],
    at: anonymousIds.values,
    p: [],
    pt: platforms.values,
    g: [],
    gt: pages.values,
    c: [],
    uc: [],
    d: [],
    dv: devices.values,
  };
  const times = new VarintWriter();
  const binaryIds: Buffer[] = [];
  let previous = 0;
  events.forEach((event, index) => {
    times.signed(event.timestamp - previous);
    previous = event.timestamp;
    if (UUID_MESSAGE_ID.test(event.id)) {
      binaryIds.push(Buffer.from(event.id.slice(2).replaceAll('-', ''), 'hex'));
      columns.i.push(UUID_ID);
    } else if (CONTENT_ID.test(event.id)) {
      binaryIds.push(Buffer.from(event.id.slice(2), 'hex'));
      columns.i.push(HASH_ID);
    } else {
      columns.i.push(event.id);
    }
    columns.y += TYPE_CODES[event.type];
    columns.n.push(names.indexOf(event.name));
    columns.u.push(event.userId === null ? 0 : event.userId === user ? 1 : event.userId);
    columns.a.push(anonymousIds.indexOf(event.anonymousId));
    columns.p.push(platforms.indexOf(event.platform));
    const page = event.page;
    columns.g.push(pages.indexOf(page === null ? null : [page.url, page.path, page.title, page.referrer]));
    if (event.campaign !== null) columns.c.push([index, event.campaign]);
    if (event.urlCampaign !== null) columns.uc.push([index, event.urlCampaign]);
    columns.d.push(devices.indexOf(event.device));
  });
  if (events.some((event) => event.source !== undefined)) Object.assign(columns, sourceColumns(events));
  const binary = Buffer.concat([times.bytes(), ...binaryIds]);
  const length = new VarintWriter();
  length.unsigned(binary.length);
  return Buffer.concat([
    Buffer.from([FORMAT_2]),
    length.bytes(),
    binary,
    deflateRawSync(JSON.stringify(columns)),
  ]);
}

function sourceColumns(events: readonly EventRecord[]): Pick<ColumnarEvents, 'o' | 'ot' | 'r'> {
  const table = new ValueTable<EventSource>((source) =>
    JSON.stringify([source.object, source.version, source.file]),
  );
  const o: number[] = [];
  const r: number[] = [];
  let previous = 0;
  for (const event of events) {
    const source = event.source ?? null;
    o.push(table.indexOf(source));
    r.push(source === null ? 0 : source.record - previous);
    if (source !== null) previous = source.record;
  }
  const ot = table.values.map((source): [string, string, string] => [
    source.object,
    source.version,
    source.file === source.object ? '' : source.file,
  ]);
  return { o, ot, r };
}

/** Each event's source from {@link sourceColumns}' columns; undefined for events that have none. */
function sourcesOf(
  columns: ColumnarEvents,
  count: number,
  corrupt: () => Error,
): (EventSource | undefined)[] {
  const sources: (EventSource | undefined)[] = [];
  if (columns.o === undefined) return sources;
  const { o, ot, r } = columns;
  if (ot === undefined || r === undefined || o.length !== count || r.length !== count) throw corrupt();
  let record = 0;
  for (let k = 0; k < count; k++) {
    const entry = ot[o[k] as number];
    if (entry === undefined) {
      sources.push(undefined);
      continue;
    }
    record += r[k] as number;
    const [object, version, file] = entry;
    sources.push({ object, version, file: file === '' ? object : file, record });
  }
  return sources;
}

/** LEB128 varints, seven bits a byte, low bits first; signed ones zigzag-mapped (0, -1, 1, -2, ...). */
class VarintWriter {
  private readonly written: number[] = [];

  unsigned(value: number): void {
    let rest = value;
    while (rest >= 0x80) {
      this.written.push((rest % 0x80) | 0x80);
      rest = Math.floor(rest / 0x80);
    }
    this.written.push(rest);
  }

  /** Timestamps reach 2^48, past 32-bit operators: the mapping is arithmetic. */
  signed(value: number): void {
    this.unsigned(value >= 0 ? value * 2 : -value * 2 - 1);
  }

  bytes(): Buffer {
    return Buffer.from(this.written);
  }
}

class VarintReader {
  constructor(
    private readonly bytes: Uint8Array,
    public at: number,
    private readonly end: number,
  ) {}

  unsigned(): number {
    let value = 0;
    let scale = 1;
    while (this.at < this.end && scale <= 2 ** 56) {
      const byte = this.bytes[this.at++] as number;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 0x80;
    }
    throw new CorruptItemError('an event blob ends inside a number');
  }

  signed(): number {
    const mapped = this.unsigned();
    return mapped % 2 === 0 ? mapped / 2 : -(mapped + 1) / 2;
  }
}

function hex(bytes: Uint8Array, start: number, length: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, length).toString('hex');
}

function uuidAt(bytes: Uint8Array, start: number): string {
  const digits = hex(bytes, start, 16);
  return `m:${digits.slice(0, 8)}-${digits.slice(8, 12)}-${digits.slice(12, 16)}-${digits.slice(16, 20)}-${digits.slice(20)}`;
}

export function decodeEvents(user: string, blob: Uint8Array): EventRecord[] {
  if (blob[0] !== FORMAT_2) return decodeEventsV1(user, blob);
  const corrupt = () => new CorruptItemError(`events of the ${loggedUser(user)} do not match their bytes`);
  const header = new VarintReader(blob, 1, blob.length);
  const binaryEnd = header.unsigned() + header.at;
  if (binaryEnd > blob.length) throw corrupt();
  const columns = inflatedColumns<ColumnarEvents>(user, blob.subarray(binaryEnd));
  const binary = new VarintReader(blob, header.at, binaryEnd);
  const campaigns = new Map(columns.c);
  const urlCampaigns = new Map(columns.uc);
  const tableValue = <T>(table: readonly T[], index: number | undefined): T | null =>
    index === undefined || index < 0 ? null : (table[index] ?? null);
  const timestamps: number[] = [];
  let timestamp = 0;
  for (let k = 0; k < columns.i.length; k++) {
    timestamp += binary.signed();
    timestamps.push(timestamp);
  }
  const sources = sourcesOf(columns, columns.i.length, corrupt);
  const events: EventRecord[] = [];
  for (let k = 0; k < columns.i.length; k++) {
    const type = TYPES_BY_CODE.get(columns.y[k] ?? '');
    if (type === undefined) throw new CorruptItemError(`unknown event type code for the ${loggedUser(user)}`);
    let id = columns.i[k];
    if (id === UUID_ID || id === HASH_ID) {
      const size = id === UUID_ID ? 16 : 32;
      if (binary.at + size > binaryEnd) throw corrupt();
      id = id === UUID_ID ? uuidAt(blob, binary.at) : `h:${hex(blob, binary.at, size)}`;
      binary.at += size;
    }
    if (typeof id !== 'string') throw corrupt();
    const page = tableValue(columns.gt, columns.g[k]);
    events.push({
      id,
      timestamp: timestamps[k] as number,
      type,
      name: tableValue(columns.nt, columns.n[k]),
      userId: userIdOf(columns.u[k], user),
      anonymousId: tableValue(columns.at, columns.a[k]),
      platform: tableValue(columns.pt, columns.p[k]),
      page: page === null ? null : { url: page[0], path: page[1], title: page[2], referrer: page[3] },
      campaign: campaigns.get(k) ?? null,
      urlCampaign: urlCampaigns.get(k) ?? null,
      device: tableValue(columns.dv, columns.d[k]),
      ...(sources[k] !== undefined && { source: sources[k] }),
    });
  }
  if (binary.at !== binaryEnd) throw corrupt();
  return events;
}
