/** A ZIP member's name from its bytes: how readers other than the spec's own tell what a writer meant. */
import { isAscii } from 'node:buffer';

export const FLAG_UTF8_NAME = 0x800;

/** Code page 437's upper half, which the spec names for names without the UTF-8 flag (0xff is a no-break space). */
const CP437_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';

// ignoreBOM keeps a leading U+FEFF, as Buffer's decoding of a flagged name does: it is part of the name.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * UTF-8 when the UTF-8 flag says so, or when the bytes are valid UTF-8: Info-ZIP's zip on Linux writes
 * UTF-8 names without the flag (as Go's and libarchive's readers assume), and a CP437 name is valid UTF-8
 * only where a box-drawing or Greek character stands right before accented letters. Otherwise CP437, as the
 * spec and Python's zipfile read it: Latin-1 turned its accented letters into control characters.
 */
export function decodeZipName(bytes: Uint8Array, flags: number): string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if ((flags & FLAG_UTF8_NAME) !== 0) return buffer.toString('utf8');
  if (isAscii(buffer)) return buffer.toString('latin1');
  try {
    return strictUtf8.decode(buffer);
  } catch {
    return cp437(buffer);
  }
}

function cp437(bytes: Buffer): string {
  let name = '';
  for (const byte of bytes) name += byte < 0x80 ? String.fromCharCode(byte) : CP437_HIGH[byte - 0x80];
  return name;
}
