/**
 * Strings read from a record are slices of the whole record's text (`ScanResult.string`): one native decode
 * a record instead of one a value. V8 keeps a slice of 13 characters or more as a view that holds its parent
 * alive, so a value kept past its record (an interned user id, a cached user agent) must first be copied,
 * or each distinct value would keep a whole record in memory.
 */
import { latin1Text } from './buffer-text.js';

/** Characters beyond latin1, which one byte each cannot hold. */
const BEYOND_LATIN1 = /[\u0100-\uffff]/;

/**
 * `text` as a string of its own. One byte a character fits latin1 exactly, and Buffer's decoder makes a
 * flat string of it. Anything else is flattened with a character prepended, then sliced off again: the
 * result is a view of that fresh string, one character longer than `text`, and holds nothing else.
 */
export function ownedText(text: string): string {
  if (!BEYOND_LATIN1.test(text)) return latin1Text(Buffer.from(text, 'latin1'), 0, text.length);
  return ` ${text}`.slice(1);
}
