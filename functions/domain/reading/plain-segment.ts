/**
 * A Segment record of the common form read straight from its scan into a {@link PlainEvent}: what
 * `segmentFormat.map` and `normalizeEvent` would make of it, without the objects and strings they make.
 * Any value that might be read otherwise (an escape or a byte past ASCII, an id to trim or a number, a long
 * text, a device, a campaign, no messageId, a rejection) makes it decline the record, which then goes the
 * usual way: the two are held to the same events by test/unit/domain/sessions/plain-events.test.ts.
 */

import { MAX_DISPLAY_LENGTH } from '../events/display-text.js';
import { EVENT_TYPES, type EventType } from '../events/event.js';
import { segmentPaths as at } from '../events/formats/segment.js';
import { MAX_ID_BYTES } from '../rules/identity.js';
import { PlainEvent, PlainText } from './plain-event.js';
import { type ScanResult, ValueKind } from './scan-result.js';

export { PlainEvent };

const { None: NONE, Null: NULL, String: STRING, Object: OBJECT } = ValueKind;
const SPACE = 0x20;

// What a member gave: nothing (absent or null, or a type the field ignores), a span, or something to decline.
const ABSENT = 0;
const TAKEN = 1;
const UNUSUAL = 2;

const TYPE_BYTES = EVENT_TYPES.map((type) => ({ type, bytes: Buffer.from(type, 'latin1') }));

function knownType(bytes: Buffer, start: number, end: number): EventType | undefined {
  for (const { type, bytes: name } of TYPE_BYTES) {
    if (name.length !== end - start) continue;
    let i = 0;
    while (i < name.length && name[i] === bytes[start + i]) i++;
    if (i === name.length) return type;
  }
  return undefined;
}

/**
 * A plain string at `slot` (flags 0: printable ASCII, no escape) of at most `longest` bytes, as `text`.
 * A plain string's only white space is the space, so one that neither starts nor ends with it is its own
 * trim (rule 1); with `trimmed` an id that would be trimmed is unusual, and an empty one absent.
 */
function take(
  result: ScanResult,
  slot: number,
  out: PlainEvent,
  text: PlainText,
  longest: number,
  trimmed: boolean,
): number {
  const kind = result.kinds[slot];
  out.starts[text] = -1;
  if (kind === NONE || kind === NULL) return ABSENT;
  if (kind !== STRING || result.stringFlags[slot] !== 0) return UNUSUAL;
  const start = (result.starts[slot] as number) + 1;
  const end = (result.ends[slot] as number) - 1;
  if (end - start > longest) return UNUSUAL;
  if (trimmed) {
    if (end === start) return ABSENT;
    if (result.bytes[start] === SPACE || result.bytes[end - 1] === SPACE) return UNUSUAL;
  }
  out.starts[text] = start;
  out.ends[text] = end;
  return TAKEN;
}

/** An event or page name: text() keeps a string (cut for display) and drops any other value. */
function takeName(result: ScanResult, slot: number, out: PlainEvent): number {
  const kind = result.kinds[slot];
  if (kind !== STRING) {
    out.starts[PlainText.Name] = -1;
    return ABSENT;
  }
  if (result.stringFlags[slot] !== 0) return UNUSUAL;
  const start = (result.starts[slot] as number) + 1;
  out.starts[PlainText.Name] = start;
  // ASCII holds no surrogate: the cut is the first 1,024 bytes.
  out.ends[PlainText.Name] = Math.min((result.ends[slot] as number) - 1, start + MAX_DISPLAY_LENGTH);
  return TAKEN;
}

/** A page field: the first of `first` and `then` that is neither absent nor null (firstPresent), as sent. */
function takePageField(
  result: ScanResult,
  first: number,
  then: number,
  out: PlainEvent,
  text: PlainText,
): number {
  const taken = take(result, first, out, text, MAX_DISPLAY_LENGTH, false);
  return taken === ABSENT ? take(result, then, out, text, MAX_DISPLAY_LENGTH, false) : taken;
}

/** The slot of a path. A module function, not a closure in readPlainSegment: that cost an allocation a record. */
function slotOf(slots: Int32Array, path: number): number {
  return slots[path] as number;
}

/** Reads a scanned Segment record into `out`; false when it is not of the plain form (read it the usual way). */
export function readPlainSegment(result: ScanResult, out: PlainEvent): boolean {
  const slots = result.paths.slotOfPath;
  const kinds = result.kinds;
  // Anything that sets a device, a platform or a campaign.
  const deviceKind = kinds[slotOf(slots, at.deviceType)];
  const osKind = kinds[slotOf(slots, at.osName)];
  const agentKind = kinds[slotOf(slots, at.userAgent)];
  if (
    (deviceKind !== NONE && deviceKind !== NULL) ||
    (osKind !== NONE && osKind !== NULL) ||
    (agentKind !== NONE && agentKind !== NULL) ||
    kinds[slotOf(slots, at.campaign)] === OBJECT
  )
    return false;
  const typeSlot = slotOf(slots, at.type);
  if (kinds[typeSlot] !== STRING || result.stringFlags[typeSlot] !== 0) return false;
  const type = knownType(
    result.bytes,
    (result.starts[typeSlot] as number) + 1,
    (result.ends[typeSlot] as number) - 1,
  );
  if (type === undefined) return false;
  const timestamp = result.isoInstant(at.timestamp);
  if (timestamp === undefined) return false;
  const user = take(result, slotOf(slots, at.userId), out, PlainText.UserId, MAX_ID_BYTES, true);
  const anonymous = take(
    result,
    slotOf(slots, at.anonymousId),
    out,
    PlainText.AnonymousId,
    MAX_ID_BYTES,
    true,
  );
  if (user === UNUSUAL || anonymous === UNUSUAL || (user === ABSENT && anonymous === ABSENT)) return false;
  // Without a messageId the id is a content hash of the whole record: the usual way.
  if (
    take(result, slotOf(slots, at.messageId), out, PlainText.MessageId, Number.POSITIVE_INFINITY, true) !==
    TAKEN
  )
    return false;
  const named = type === 'track' ? at.event : type === 'page' || type === 'screen' ? at.name : -1;
  if (named === -1) out.starts[PlainText.Name] = -1;
  else if (takeName(result, slotOf(slots, named), out) === UNUSUAL) return false;
  out.hasPage = type === 'page';
  if (
    out.hasPage &&
    (takePageField(result, slotOf(slots, at.url), slotOf(slots, at.pageUrl), out, PlainText.Url) ===
      UNUSUAL ||
      takePageField(result, slotOf(slots, at.path), slotOf(slots, at.pagePath), out, PlainText.Path) ===
        UNUSUAL ||
      takePageField(result, slotOf(slots, at.title), slotOf(slots, at.pageTitle), out, PlainText.Title) ===
        UNUSUAL ||
      takePageField(
        result,
        slotOf(slots, at.referrer),
        slotOf(slots, at.pageReferrer),
        out,
        PlainText.Referrer,
      ) === UNUSUAL)
  )
    return false;
  out.bytes = result.bytes;
  out.type = type;
  out.timestamp = timestamp;
  return true;
}
