import { inflateRawSync } from 'node:zlib';
import {
  type CampaignFields,
  type DeviceFields,
  EVENT_TYPES,
  type EventRecord,
  type EventType,
  type PageFields,
} from '../../domain/events/event.js';
import { loggedUser } from '../../shared/id-digest.js';
import { CorruptItemError } from './corrupt-item.js';

/**
 * Events as the first format stored them, still read from items no merge has rewritten since: columnar JSON
 * (one array per field, sparse ones as [index, value] pairs), deflated, with every id and value in full.
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

/** An event's type as one letter: the same in every format. */
export const TYPE_CODES: Record<EventType, string> = {
  identify: 'i',
  track: 't',
  page: 'p',
  screen: 's',
  group: 'g',
  alias: 'a',
};
export const TYPES_BY_CODE = new Map(EVENT_TYPES.map((type) => [TYPE_CODES[type], type]));

/** The `u` column, the same in every format: 0 no userId, 1 the partition's user, else the userId itself. */
export function userIdOf(column: 0 | 1 | string | undefined, user: string): string | null {
  return column === 0 || column === undefined ? null : column === 1 ? user : column;
}

/**
 * The columns a blob's deflated part holds. A fault is named without JSON.parse's message, which quotes the
 * text around it (stored events' content): the error reaches the logs.
 */
export function inflatedColumns<T>(user: string, deflated: Uint8Array): T {
  let text: string;
  try {
    text = inflateRawSync(deflated).toString('utf8');
  } catch (error) {
    throw new CorruptItemError(
      `events of the ${loggedUser(user)} do not inflate: ${(error as Error).message}`,
    );
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new CorruptItemError(`events of the ${loggedUser(user)} inflate to text that is not JSON`);
  }
}

export function decodeEventsV1(user: string, blob: Uint8Array): EventRecord[] {
  const columns = inflatedColumns<ColumnarEvents>(user, blob);
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
    if (type === undefined) throw new CorruptItemError(`unknown event type code for the ${loggedUser(user)}`);
    const deviceIndex = columns.d[k] ?? -1;
    events.push({
      id: columns.i[k] as string,
      timestamp,
      type,
      name: columns.n[k] ?? null,
      userId: userIdOf(columns.u[k], user),
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
