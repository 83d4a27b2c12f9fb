/**
 * Buffer's own text codecs, called without `toString`'s and `write`'s argument checks: on the hot path those
 * checks cost about as much as decoding a short value. Plain `toString`/`write` when a Node lacks them.
 */
interface BufferCodecs {
  latin1Slice?(start: number, end: number): string;
  utf8Write?(text: string, offset: number): number;
}

const codecs = Buffer.prototype as BufferCodecs;

/** `bytes[start, end)` as latin1 (each byte one code unit): ASCII bytes decode as they would as UTF-8. */
export const latin1Text: (bytes: Buffer, start: number, end: number) => string =
  typeof codecs.latin1Slice === 'function'
    ? (bytes, start, end) => (bytes as Buffer & Required<BufferCodecs>).latin1Slice(start, end)
    : (bytes, start, end) => bytes.toString('latin1', start, end);

/** Writes `text` as UTF-8 at `offset` (the caller makes room); the number of bytes written. */
export const writeUtf8: (buffer: Buffer, text: string, offset: number) => number =
  typeof codecs.utf8Write === 'function'
    ? (buffer, text, offset) => (buffer as Buffer & Required<BufferCodecs>).utf8Write(text, offset)
    : (buffer, text, offset) => buffer.write(text, offset, 'utf8');
