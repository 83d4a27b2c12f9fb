/**
 * The table's keys (partition key `pk`, sort key `sk`), in one place. Layout (docs/design.md):
 *
 * | item     | pk          | sk                                   | holds                                        |
 * |----------|-------------|--------------------------------------|----------------------------------------------|
 * | head     | `U#<user>`  | `H`                                  | commit version, totals, month counts, links  |
 * | day page | `U#<user>`  | `D#<YYYY-MM-DD>#<token>#<page>`      | sessions starting that day (small events inline) |
 * | chunk    | `U#<user>`  | `E#<YYYY-MM-DD>#<token>#<page>#<n>`  | the events of a page, when not inline        |
 * | stitched | `U#<user>`  | `A#<anonymousId>`                    | an anonymousId stitched to this user          |
 * | rules    | `META`      | `RULES`                              | the session rules the table's data were cut under |
 * | progress | `I#<bucket>/<key>` | `P#<version>`                 | how far the ingest of an object's content got |
 *
 * Ids are at most 512 bytes of UTF-8 (rule 1), so a user's key is the id itself: no hashing, no collisions.
 * An id holding a lone surrogate (JSON's `"\ud800"`) has no UTF-8, which DynamoDB keys are: written raw,
 * `"\ud800"`, `"\udc00"` and `"?"` became one key, one partition. Such an id is keyed `U~`/`A~` and its
 * WTF-8 bytes in base64url instead, a form no well-formed id's `U#`/`A#` key can take.
 */

import { BASE64_ID_PREFIX, base64Id, idOfBase64Id } from '../../../contract/index.js';
import { hasLoneSurrogate } from '../../../contract/wtf8.js';

export const HEAD_SK = 'H';
export const DAY_PREFIX = 'D#';
export const CHUNK_PREFIX = 'E#';
const USER_PREFIX = 'U#';
const ENCODED_USER_PREFIX = 'U~';
const STITCHED_PREFIX = 'A#';
const ENCODED_STITCHED_PREFIX = 'A~';
/** Every stitched marker's sort key starts with this, whichever of its two forms it takes. */
export const STITCHED_SK_START = 'A';
export const META_PK = 'META';
export const RULES_SK = 'RULES';

/** An S3 key is at most 1,024 bytes, a partition key 2,048: the object's name fits whole. */
export function progressPk(bucket: string, key: string): string {
  return `I#${bucket}/${key}`;
}

/** One item per content of the object, so two uploads under one key ingested at once keep apart. */
export function progressSk(version: string): string {
  return `P#${version}`;
}

/**
 * `prefix` and the id, or `encodedPrefix` and its WTF-8 in base64url when the id has no UTF-8: the
 * encoding of the API's `~b64.` ids (contract/), without that prefix.
 */
function idKey(id: string, prefix: string, encodedPrefix: string): string {
  return hasLoneSurrogate(id)
    ? `${encodedPrefix}${base64Id(id).slice(BASE64_ID_PREFIX.length)}`
    : `${prefix}${id}`;
}

function idOfKey(key: string, prefix: string, encodedPrefix: string): string | undefined {
  if (key.startsWith(prefix)) return key.slice(prefix.length);
  if (!key.startsWith(encodedPrefix)) return undefined;
  return idOfBase64Id(`${BASE64_ID_PREFIX}${key.slice(encodedPrefix.length)}`);
}

export function userPk(user: string): string {
  return idKey(user, USER_PREFIX, ENCODED_USER_PREFIX);
}

/** The user of a partition key; undefined for a key that is no user's (`META`, an ingest's progress). */
export function userOfPk(pk: string): string | undefined {
  return idOfKey(pk, USER_PREFIX, ENCODED_USER_PREFIX);
}

/** A token starts with its version in this many base-36 digits. */
const VERSION_DIGITS = 10;

/**
 * The token of one attempt's items: its version (fixed width, so a day's groups sort by version) and its
 * transaction, so two attempts never write the same key and only the head's condition decides between them.
 */
export function tokenOf(version: number, txn: string): string {
  return `${version.toString(36).padStart(VERSION_DIGITS, '0')}${txn}`;
}

const pageNumber = (page: number) => String(page).padStart(4, '0');

export function daySk(day: string, token: string, page: number): string {
  return `${DAY_PREFIX}${day}#${token}#${pageNumber(page)}`;
}

export function chunkSk(day: string, token: string, page: number, chunk: number): string {
  return `${CHUNK_PREFIX}${day}#${token}#${pageNumber(page)}#${String(chunk).padStart(5, '0')}`;
}

/** Every day page key of a day sorts between these two. */
export function dayRangeStart(day: string): string {
  return `${DAY_PREFIX}${day}#`;
}

export function dayRangeEnd(day: string): string {
  return `${DAY_PREFIX}${day}#~`;
}

/** Sorts before every day page and after every earlier kind of key. */
export const FIRST_DAY_SK = DAY_PREFIX;
/** Sorts after every day page. */
export const LAST_DAY_SK = `${DAY_PREFIX}~`;
/** Sorts after every chunk (and so after every day page). */
export const LAST_CHUNK_SK = `${CHUNK_PREFIX}~`;

export interface DayPageKey {
  readonly day: string;
  readonly token: string;
  readonly page: number;
}

export function parseDaySk(sk: string): DayPageKey | undefined {
  if (!sk.startsWith(DAY_PREFIX)) return undefined;
  const [day, token, page] = sk.slice(DAY_PREFIX.length).split('#');
  if (day === undefined || token === undefined || page === undefined) return undefined;
  return { day, token, page: Number(page) };
}

/** The version a day page's or chunk's key was written under (its token's first part); undefined for others. */
export function versionOfPageSk(sk: string): number | undefined {
  if (!sk.startsWith(DAY_PREFIX) && !sk.startsWith(CHUNK_PREFIX)) return undefined;
  const token = sk.slice(DAY_PREFIX.length).split('#')[1];
  if (token === undefined || token.length < VERSION_DIGITS) return undefined;
  const version = Number.parseInt(token.slice(0, VERSION_DIGITS), 36);
  return Number.isNaN(version) ? undefined : version;
}

export function stitchedSk(anonymousId: string): string {
  return idKey(anonymousId, STITCHED_PREFIX, ENCODED_STITCHED_PREFIX);
}

/** The anonymousId of a stitched marker's sort key; undefined for any other item's. */
export function anonymousIdOfStitchedSk(sk: string): string | undefined {
  return idOfKey(sk, STITCHED_PREFIX, ENCODED_STITCHED_PREFIX);
}
