import { Byte } from './json-tokens.js';

/** {@link closingQuote} found no quote before the end of the chunk. */
export const OPEN = -1;
/** ... and the chunk ends with an escaping backslash, so the next chunk's first byte is escaped. */
export const OPEN_ESCAPED = -2;

/**
 * Position of the quote that ends a string body resumed at `from` (a byte that is not escaped), or
 * {@link OPEN}/{@link OPEN_ESCAPED}. Jumps from quote to quote; a quote is escaped when an odd run of
 * backslashes precedes it.
 */
export function closingQuote(bytes: Buffer, from: number): number {
  let search = from;
  for (;;) {
    const quote = bytes.indexOf(Byte.Quote, search);
    let backslashes = 0;
    for (
      let at = (quote === -1 ? bytes.length : quote) - 1;
      at >= search && bytes[at] === Byte.Backslash;
      at--
    ) {
      backslashes++;
    }
    const escaped = (backslashes & 1) === 1;
    if (quote === -1) return escaped ? OPEN_ESCAPED : OPEN;
    if (!escaped) return quote;
    search = quote + 1;
  }
}
