/**
 * Rule 1 ends a line at a line feed only, so an export written with carriage returns alone as line ends
 * (classic Mac OS did; so do some Windows tools) is one long line that is no JSON. "Invalid JSON" or "no line
 * is JSON" alone sends whoever reads it looking at the events; this says what to change instead.
 */
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/** Why such a record was not read, after what says where it is ("line 3", "the line"). */
export const LONE_CR_LINES =
  'holds records separated by carriage returns alone (CR, as classic Mac OS ended lines); only a line feed (LF) ends a line: convert the line ends to LF or CRLF';

/**
 * Whether `bytes[start, end)` holds a `}` and a `{` with a CR between them and nothing else but spaces, tabs
 * and CRs: no JSON text has that (a CR is white space, and no value follows an object without a comma), so
 * these are objects that lines were meant to part. One pass, and none for a record without a CR.
 */
export function recordsPartedByCr(bytes: Uint8Array, start: number, end: number): boolean {
  if (!bytes.subarray(start, end).includes(CR)) return false;
  let afterObject = false;
  let crAfterObject = false;
  for (let at = start; at < end; at++) {
    const byte = bytes[at];
    if (byte === CR) crAfterObject ||= afterObject;
    else if (byte !== SPACE && byte !== TAB) {
      if (byte === OPEN_BRACE && crAfterObject) return true;
      afterObject = byte === CLOSE_BRACE;
      crAfterObject = false;
    }
  }
  return false;
}
