/**
 * Strings read from a record are slices of the whole record's text (`ScanResult.string`): one native decode
 * a record instead of one a value. V8 keeps a slice of 13 characters or more as a view that holds its parent
 * alive, so a value kept past its record (an interned user id, a cached user agent) must first be copied,
 * or each distinct value would keep a whole record in memory.
 */

/**
 * `text` as a string of its own. Prepending a character and slicing it off again makes V8 flatten the pair
 * into a fresh string one character longer than `text`, which is then the only thing the result holds.
 */
export function ownedText(text: string): string {
  return ` ${text}`.slice(1);
}
