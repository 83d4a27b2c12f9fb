/**
 * The WHATWG application/x-www-form-urlencoded parser, on a query without its `?`. Node's `URLSearchParams`
 * strips a leading `?` of the text it is given (so `??utm_source=a` read as `utm_source`) and, once a value
 * holds a `%` that is no escape (`50%`), decodes the value's other characters byte by byte as Latin-1
 * (`café` came out `caf\ufffd`). Here `+` is a space, `%XX` a byte, every other character its UTF-8 bytes,
 * and the bytes are decoded as UTF-8 with U+FFFD for what is not.
 */

const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** The name-value pairs of `query`, in order; a pair without `=` has the value "". */
export function parseFormUrlencoded(query: string): [name: string, value: string][] {
  const pairs: [string, string][] = [];
  for (const sequence of query.split('&')) {
    if (sequence === '') continue;
    const equals = sequence.indexOf('=');
    const name = equals === -1 ? sequence : sequence.slice(0, equals);
    const value = equals === -1 ? '' : sequence.slice(equals + 1);
    pairs.push([decodeComponent(name), decodeComponent(value)]);
  }
  return pairs;
}

function decodeComponent(text: string): string {
  // A lone surrogate encodes as EF BF BD, U+FFFD: what the parser's UTF-8 encoding of a USVString gives.
  const bytes = Buffer.from(text.replaceAll('+', ' '), 'utf8');
  let length = 0;
  for (let at = 0; at < bytes.length; at++) {
    const byte = bytes[at] as number;
    const high = byte === 0x25 ? hexValue(bytes[at + 1]) : -1;
    const low = high === -1 ? -1 : hexValue(bytes[at + 2]);
    if (low === -1) {
      bytes[length++] = byte;
    } else {
      bytes[length++] = high * 16 + low;
      at += 2;
    }
  }
  return utf8.decode(bytes.subarray(0, length));
}

function hexValue(byte: number | undefined): number {
  if (byte === undefined) return -1;
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  const lower = byte | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}
