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
import { Byte } from './json-tokens.js';
import { PlainEvent, PlainText } from './plain-event.js';
import { type ScanResult, ValueKind } from './scan-result.js';

export { PlainEvent };

/**
 * What a member gave: nothing (absent or null, or a type the field ignores), a span, or something to decline.
 * An enum, so that each use is bundled as its number (json-tokens.ts says why).
 */
enum Gave {
  Absent = 0,
  Span = 1,
  Unusual = 2,
}

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
): Gave {
  const kind = result.kinds[slot];
  out.starts[text] = -1;
  if (kind === ValueKind.None || kind === ValueKind.Null) return Gave.Absent;
  if (kind !== ValueKind.String || result.stringFlags[slot] !== 0) return Gave.Unusual;
  const start = (result.starts[slot] as number) + 1;
  const end = (result.ends[slot] as number) - 1;
  if (end - start > longest) return Gave.Unusual;
  if (trimmed) {
    if (end === start) return Gave.Absent;
    if (result.bytes[start] === Byte.Space || result.bytes[end - 1] === Byte.Space) return Gave.Unusual;
  }
  out.starts[text] = start;
  out.ends[text] = end;
  return Gave.Span;
}

/** An event or page name: text() keeps a string (cut for display) and drops any other value. */
function takeName(result: ScanResult, slot: number, out: PlainEvent): Gave {
  const kind = result.kinds[slot];
  if (kind !== ValueKind.String) {
    out.starts[PlainText.Name] = -1;
    return Gave.Absent;
  }
  if (result.stringFlags[slot] !== 0) return Gave.Unusual;
  const start = (result.starts[slot] as number) + 1;
  out.starts[PlainText.Name] = start;
  // ASCII holds no surrogate: the cut is the first 1,024 bytes.
  out.ends[PlainText.Name] = Math.min((result.ends[slot] as number) - 1, start + MAX_DISPLAY_LENGTH);
  return Gave.Span;
}

/** A page field: the first of `first` and `then` that is neither absent nor null (firstPresent), as sent. */
function takePageField(
  result: ScanResult,
  first: number,
  then: number,
  out: PlainEvent,
  text: PlainText,
): Gave {
  const taken = take(result, first, out, text, MAX_DISPLAY_LENGTH, false);
  return taken === Gave.Absent ? take(result, then, out, text, MAX_DISPLAY_LENGTH, false) : taken;
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
    (deviceKind !== ValueKind.None && deviceKind !== ValueKind.Null) ||
    (osKind !== ValueKind.None && osKind !== ValueKind.Null) ||
    (agentKind !== ValueKind.None && agentKind !== ValueKind.Null) ||
    kinds[slotOf(slots, at.campaign)] === ValueKind.Object
  )
    return false;
  const typeSlot = slotOf(slots, at.type);
  if (kinds[typeSlot] !== ValueKind.String || result.stringFlags[typeSlot] !== 0) return false;
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
  if (
    user === Gave.Unusual ||
    anonymous === Gave.Unusual ||
    (user === Gave.Absent && anonymous === Gave.Absent)
  )
    return false;
  // Without a messageId the id is a content hash of the whole record: the usual way.
  if (
    take(result, slotOf(slots, at.messageId), out, PlainText.MessageId, Number.POSITIVE_INFINITY, true) !==
    Gave.Span
  )
    return false;
  const named = type === 'track' ? at.event : type === 'page' || type === 'screen' ? at.name : -1;
  if (named === -1) out.starts[PlainText.Name] = -1;
  else if (takeName(result, slotOf(slots, named), out) === Gave.Unusual) return false;
  out.hasPage = type === 'page';
  if (
    out.hasPage &&
    (takePageField(result, slotOf(slots, at.url), slotOf(slots, at.pageUrl), out, PlainText.Url) ===
      Gave.Unusual ||
      takePageField(result, slotOf(slots, at.path), slotOf(slots, at.pagePath), out, PlainText.Path) ===
        Gave.Unusual ||
      takePageField(result, slotOf(slots, at.title), slotOf(slots, at.pageTitle), out, PlainText.Title) ===
        Gave.Unusual ||
      takePageField(
        result,
        slotOf(slots, at.referrer),
        slotOf(slots, at.pageReferrer),
        out,
        PlainText.Referrer,
      ) === Gave.Unusual)
  )
    return false;
  out.bytes = result.bytes;
  out.type = type;
  out.timestamp = timestamp;
  return true;
}
