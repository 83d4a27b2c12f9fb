import { hexBytes, startsWith } from './peek.js';

export type WideEncoding = 'UTF-16LE' | 'UTF-16BE' | 'UTF-32LE' | 'UTF-32BE';

/** A wide encoding the start of a text looks like, and why: a byte-order mark, or where its NULs fall. */
export interface WideEncodingGuess {
  readonly encoding: WideEncoding;
  readonly evidence: string;
}

export type TextEncoding =
  | { readonly encoding: 'UTF-8'; readonly byteOrderMarkLength: number }
  | WideEncodingGuess;

/** How many leading bytes the sniffing looks at: enough for a BOM and a few JSON tokens. */
export const ENCODING_SNIFF_BYTES = 512;

// UTF-32LE before UTF-16LE: its mark starts with the UTF-16LE one.
const BYTE_ORDER_MARKS: ReadonlyArray<readonly [TextEncoding['encoding'], readonly number[]]> = [
  ['UTF-8', [0xef, 0xbb, 0xbf]],
  ['UTF-32LE', [0xff, 0xfe, 0x00, 0x00]],
  ['UTF-32BE', [0x00, 0x00, 0xfe, 0xff]],
  ['UTF-16LE', [0xff, 0xfe]],
  ['UTF-16BE', [0xfe, 0xff]],
];

/**
 * Tells UTF-8 from the wide encodings a spreadsheet or Windows tool may produce, by byte-order mark or,
 * without one, by where the NUL bytes fall: JSON text is mostly ASCII, which UTF-16 and UTF-32 pad with
 * NULs, while UTF-8 JSON never holds a raw NUL.
 */
export function sniffTextEncoding(head: Uint8Array): TextEncoding {
  for (const [encoding, mark] of BYTE_ORDER_MARKS) {
    if (!startsWith(head, mark)) continue;
    if (encoding === 'UTF-8') return { encoding, byteOrderMarkLength: mark.length };
    return { encoding, evidence: `byte-order mark ${hexBytes(mark)}` };
  }
  const wide = guessWideEncodingWithoutMark(head);
  if (wide) return { encoding: wide, evidence: 'no byte-order mark, but NUL bytes pad most characters' };
  return { encoding: 'UTF-8', byteOrderMarkLength: 0 };
}

function guessWideEncodingWithoutMark(head: Uint8Array): WideEncoding | undefined {
  const groups = Math.floor(Math.min(head.length, ENCODING_SNIFF_BYTES) / 4);
  if (groups === 0) return undefined;
  // NUL counts by position within each 4-byte group.
  const nulsAt = [0, 0, 0, 0];
  for (let index = 0; index < groups * 4; index++) {
    if (head[index] === 0) nulsAt[index % 4] = (nulsAt[index % 4] ?? 0) + 1;
  }
  const share = (...positions: number[]) =>
    positions.reduce((sum, position) => sum + (nulsAt[position] ?? 0), 0) / (positions.length * groups);
  if (share(0) <= 0.1 && share(1, 2, 3) >= 0.75) return 'UTF-32LE';
  if (share(3) <= 0.1 && share(0, 1, 2) >= 0.75) return 'UTF-32BE';
  // Non-ASCII text in UTF-16 has fewer NULs, so half of the padding positions is enough.
  if (share(0, 2) <= 0.1 && share(1, 3) >= 0.5) return 'UTF-16LE';
  if (share(1, 3) <= 0.1 && share(0, 2) >= 0.5) return 'UTF-16BE';
  return undefined;
}
