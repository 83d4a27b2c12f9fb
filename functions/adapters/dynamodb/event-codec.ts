import { deflateRawSync, inflateRawSync } from 'node:zlib';
import {
  type CampaignFields,
  type DeviceFields,
  EVENT_TYPES,
  type EventRecord,
  type EventType,
  type PageFields,
} from '../../domain/events/event.js';

/**
 * Events as stored: columnar JSON (one array per field, sparse ones as [index, value] pairs), deflated.
 * Columns compress far better than an array of objects, and what DynamoDB bills is bytes written.
 */
interface ColumnarEvents {
  /** First timestamp, then deltas. */
  t: number[];
  i: string[];
  y: string;
  n: (string | null)[];
  /** 0: no userId; 1: the partition's user; else the userId (an event routed here by stitching). */
  u: (0 | 1 | string)[];
  a: (string | null)[];
  p: (string | null)[];
  g: [number, PageFields['url'], PageFields['path'], PageFields['title'], PageFields['referrer']][];
  c: [number, CampaignFields][];
  uc: [number, CampaignFields][];
  /** Index into `dv`, -1 for none. */
  d: number[];
  dv: DeviceFields[];
}

const TYPE_CODES: Record<EventType, string> = {
  identify: 'i',
  track: 't',
  page: 'p',
  screen: 's',
  group: 'g',
  alias: 'a',
};
const TYPES_BY_CODE = new Map(EVENT_TYPES.map((type) => [TYPE_CODES[type], type]));

export function encodeEvents(user: string, events: readonly EventRecord[]): Buffer {
  const columns: ColumnarEvents = {
    t: [],
    i: [],
    y: '',
    n: [],
    u: [],
    a: [],
    p: [],
    g: [],
    c: [],
    uc: [],
    d: [],
    dv: [],
  };
  const devices = new Map<string, number>();
  let previous = 0;
  events.forEach((event, index) => {
    columns.t.push(index === 0 ? event.timestamp : event.timestamp - previous);
    previous = event.timestamp;
    columns.i.push(event.id);
    columns.y += TYPE_CODES[event.type];
    columns.n.push(event.name);
    columns.u.push(event.userId === null ? 0 : event.userId === user ? 1 : event.userId);
    columns.a.push(event.anonymousId);
    columns.p.push(event.platform);
    if (event.page !== null) {
      columns.g.push([index, event.page.url, event.page.path, event.page.title, event.page.referrer]);
    }
    if (event.campaign !== null) columns.c.push([index, event.campaign]);
    if (event.urlCampaign !== null) columns.uc.push([index, event.urlCampaign]);
    if (event.device === null) {
      columns.d.push(-1);
    } else {
      const key = JSON.stringify(event.device);
      let deviceIndex = devices.get(key);
      if (deviceIndex === undefined) {
        deviceIndex = columns.dv.length;
        devices.set(key, deviceIndex);
        columns.dv.push(event.device);
      }
      columns.d.push(deviceIndex);
    }
  });
  return deflateRawSync(JSON.stringify(columns));
}

export class CorruptItemError extends Error {
  constructor(what: string) {
    super(`corrupt stored item: ${what}`);
    this.name = 'CorruptItemError';
  }
}

export function decodeEvents(user: string, blob: Uint8Array): EventRecord[] {
  const columns = JSON.parse(inflateRawSync(blob).toString('utf8')) as ColumnarEvents;
  const pages = new Map(
    columns.g.map(([index, url, path, title, referrer]) => [index, { url, path, title, referrer }]),
  );
  const campaigns = new Map(columns.c);
  const urlCampaigns = new Map(columns.uc);
  const events: EventRecord[] = [];
  let timestamp = 0;
  for (let k = 0; k < columns.i.length; k++) {
    timestamp = k === 0 ? (columns.t[0] ?? 0) : timestamp + (columns.t[k] ?? 0);
    const type = TYPES_BY_CODE.get(columns.y[k] ?? '');
    if (type === undefined) throw new CorruptItemError(`unknown event type code for ${JSON.stringify(user)}`);
    const userColumn = columns.u[k];
    const deviceIndex = columns.d[k] ?? -1;
    events.push({
      id: columns.i[k] as string,
      timestamp,
      type,
      name: columns.n[k] ?? null,
      userId: userColumn === 0 || userColumn === undefined ? null : userColumn === 1 ? user : userColumn,
      anonymousId: columns.a[k] ?? null,
      platform: columns.p[k] ?? null,
      page: pages.get(k) ?? null,
      campaign: campaigns.get(k) ?? null,
      urlCampaign: urlCampaigns.get(k) ?? null,
      device: deviceIndex >= 0 ? (columns.dv[deviceIndex] ?? null) : null,
    });
  }
  return events;
}
