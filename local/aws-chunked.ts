// Decoder for the `aws-chunked` content encoding that AWS SDK v3 uses for streaming uploads.
//
// Why this exists: with the SDK's default `requestChecksumCalculation: 'WHEN_SUPPORTED'`, a PutObject or
// UploadPart whose Body is a stream is sent as
//   content-encoding: aws-chunked
//   x-amz-content-sha256: STREAMING-UNSIGNED-PAYLOAD-TRAILER
//   x-amz-decoded-content-length: <payload bytes>
//   x-amz-trailer: x-amz-checksum-crc32
// with a body of `<hex size>\r\n<data>\r\n ... 0\r\n<trailer>:<base64>\r\n\r\n`.
// s3rver 3.7.1 knows none of this and stores the framing as object content (and even returns
// `Content-Encoding: aws-chunked` on GET), silently corrupting the object. Real S3 strips the framing and
// verifies the trailing checksum; this module does the same so the local stack behaves like S3.
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { crc32 } from 'node:zlib';

/** An S3-style rejection: `code` and `statusCode` mirror what real S3 answers for the same fault. */
export class AwsChunkedError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode = 400,
  ) {
    super(message);
    this.name = 'AwsChunkedError';
  }
}

export interface DecodedAwsChunked {
  payload: Buffer;
  /** Trailing headers, names lower-cased (e.g. `x-amz-checksum-crc32`). */
  trailers: Map<string, string>;
}

const CRLF = Buffer.from('\r\n');

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function contentEncodings(headers: IncomingHttpHeaders): string[] {
  return (headerValue(headers, 'content-encoding') ?? '')
    .split(',')
    .map((token) => token.trim())
    .filter((token) => token.length > 0);
}

/**
 * True when the request body carries aws-chunked framing. Either signal is enough: some clients omit
 * `Content-Encoding` (it is optional per the SigV4 streaming docs) and only send the `STREAMING-*`
 * payload-hash sentinel, and storing framed bytes is never the right answer.
 */
export function isAwsChunkedRequest(headers: IncomingHttpHeaders): boolean {
  const sha = headerValue(headers, 'x-amz-content-sha256') ?? '';
  return (
    sha.startsWith('STREAMING-') ||
    contentEncodings(headers).some((encoding) => encoding.toLowerCase() === 'aws-chunked')
  );
}

/**
 * Headers to forward once the body has been decoded: what a server sees for an equivalent plain upload.
 * `aws-chunked` is removed from Content-Encoding (S3 does not store it; other encodings such as gzip stay).
 */
export function decodedRequestHeaders(
  headers: IncomingHttpHeaders,
  payloadLength: number,
): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = { ...headers };
  for (const name of [
    'transfer-encoding',
    'x-amz-decoded-content-length',
    'x-amz-trailer',
    'content-encoding',
    'content-length',
  ]) {
    delete out[name];
  }
  const remaining = contentEncodings(headers).filter((encoding) => encoding.toLowerCase() !== 'aws-chunked');
  if (remaining.length > 0) {
    out['content-encoding'] = remaining.join(',');
  }
  out['content-length'] = String(payloadLength);
  out['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
  return out;
}

function malformed(message: string): AwsChunkedError {
  return new AwsChunkedError('InvalidRequest', `Malformed aws-chunked body: ${message}`);
}

function incomplete(message: string): AwsChunkedError {
  return new AwsChunkedError('IncompleteBody', message);
}

/**
 * Strips aws-chunked framing from a complete request body. Chunk extensions (`;chunk-signature=...` of
 * SigV4-signed streaming) are accepted and ignored, like s3rver ignores SigV4 signatures in general.
 */
export function decodeAwsChunkedBody(body: Buffer): DecodedAwsChunked {
  const chunks: Buffer[] = [];
  let pos = 0;
  for (;;) {
    const lineEnd = body.indexOf(CRLF, pos);
    if (lineEnd === -1) {
      throw incomplete('The aws-chunked body ended before its terminating zero-length chunk.');
    }
    const sizeField = (body.toString('latin1', pos, lineEnd).split(';')[0] ?? '').trim();
    if (!/^[0-9a-fA-F]{1,16}$/.test(sizeField)) {
      throw malformed(`invalid chunk size line ${JSON.stringify(body.toString('latin1', pos, lineEnd))}`);
    }
    const size = Number.parseInt(sizeField, 16);
    pos = lineEnd + CRLF.length;
    if (size === 0) {
      break;
    }
    if (pos + size + CRLF.length > body.length) {
      throw incomplete(`A ${size}-byte chunk was cut short; the request body is truncated.`);
    }
    chunks.push(body.subarray(pos, pos + size));
    pos += size;
    if (!body.subarray(pos, pos + CRLF.length).equals(CRLF)) {
      throw malformed(`chunk data is not followed by CRLF at byte ${pos}`);
    }
    pos += CRLF.length;
  }

  const trailers = new Map<string, string>();
  // The SDK ends a trailer-less body right after `0\r\n`; with trailers it ends with an empty line.
  while (pos < body.length) {
    const lineEnd = body.indexOf(CRLF, pos);
    if (lineEnd === -1) {
      throw malformed('trailer section is not CRLF-terminated');
    }
    const line = body.toString('latin1', pos, lineEnd);
    pos = lineEnd + CRLF.length;
    if (line === '') {
      if (pos !== body.length) {
        throw malformed(`${body.length - pos} unexpected bytes after the trailer section`);
      }
      break;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) {
      throw malformed(`invalid trailer line ${JSON.stringify(line)}`);
    }
    trailers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { payload: Buffer.concat(chunks), trailers };
}

const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) {
      c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    }
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32c(data: Buffer): Buffer {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc = (CRC32C_TABLE[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  }
  const out = Buffer.alloc(4);
  out.writeUInt32BE((crc ^ 0xffffffff) >>> 0);
  return out;
}

// CRC-64/NVME (reflected polynomial 0x9A6C9329AC4BC9B5), kept as two 32-bit halves because BigInt per byte
// is an order of magnitude slower on multi-megabyte parts.
const CRC64_TABLE = (() => {
  const hi = new Uint32Array(256);
  const lo = new Uint32Array(256);
  const polyHi = 0x9a6c9329;
  const polyLo = 0xac4bc9b5;
  for (let n = 0; n < 256; n++) {
    let h = 0;
    let l = n;
    for (let k = 0; k < 8; k++) {
      const lsb = l & 1;
      l = ((l >>> 1) | ((h & 1) << 31)) >>> 0;
      h = h >>> 1;
      if (lsb) {
        h = (h ^ polyHi) >>> 0;
        l = (l ^ polyLo) >>> 0;
      }
    }
    hi[n] = h;
    lo[n] = l;
  }
  return { hi, lo };
})();

function crc64nvme(data: Buffer): Buffer {
  let h = 0xffffffff;
  let l = 0xffffffff;
  for (const byte of data) {
    const index = (l ^ byte) & 0xff;
    l = (((l >>> 8) | ((h & 0xff) << 24)) ^ (CRC64_TABLE.lo[index] as number)) >>> 0;
    h = ((h >>> 8) ^ (CRC64_TABLE.hi[index] as number)) >>> 0;
  }
  const out = Buffer.alloc(8);
  out.writeUInt32BE((h ^ 0xffffffff) >>> 0, 0);
  out.writeUInt32BE((l ^ 0xffffffff) >>> 0, 4);
  return out;
}

const CHECKSUMS: Record<string, { label: string; digest: (data: Buffer) => Buffer }> = {
  'x-amz-checksum-crc32': {
    label: 'CRC32',
    digest: (data) => {
      const out = Buffer.alloc(4);
      out.writeUInt32BE(crc32(data));
      return out;
    },
  },
  'x-amz-checksum-crc32c': { label: 'CRC32C', digest: crc32c },
  'x-amz-checksum-crc64nvme': { label: 'CRC64NVME', digest: crc64nvme },
  'x-amz-checksum-sha1': { label: 'SHA1', digest: (data) => createHash('sha1').update(data).digest() },
  'x-amz-checksum-sha256': { label: 'SHA256', digest: (data) => createHash('sha256').update(data).digest() },
};

/** Base64 checksum of `data` as S3 computes it for an `x-amz-checksum-*` header; undefined if unknown. */
export function computeS3Checksum(headerName: string, data: Buffer): string | undefined {
  return CHECKSUMS[headerName.toLowerCase()]?.digest(data).toString('base64');
}

/**
 * Decodes an aws-chunked request body and checks it the way S3 does: the decoded length must equal
 * `x-amz-decoded-content-length`, every trailer announced in `x-amz-trailer` must be present, and
 * every `x-amz-checksum-*` trailer must match the payload. Throws AwsChunkedError otherwise.
 */
export function decodeAndVerifyAwsChunked(body: Buffer, headers: IncomingHttpHeaders): DecodedAwsChunked {
  const decoded = decodeAwsChunkedBody(body);
  const { payload, trailers } = decoded;

  const declaredLength = headerValue(headers, 'x-amz-decoded-content-length');
  if (declaredLength !== undefined && Number(declaredLength) !== payload.length) {
    throw incomplete(
      `x-amz-decoded-content-length says ${declaredLength} bytes but the aws-chunked body carries ${payload.length}.`,
    );
  }

  const announced = (headerValue(headers, 'x-amz-trailer') ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name.length > 0);
  for (const name of announced) {
    if (!trailers.has(name)) {
      throw malformed(`trailer ${name} was announced in x-amz-trailer but not sent`);
    }
  }

  for (const [name, value] of trailers) {
    const checksum = CHECKSUMS[name];
    if (checksum === undefined) {
      continue;
    }
    const actual = checksum.digest(payload).toString('base64');
    if (actual !== value) {
      throw new AwsChunkedError(
        'BadDigest',
        `The ${checksum.label} you specified did not match the calculated checksum (sent ${value}, computed ${actual}).`,
      );
    }
  }
  return decoded;
}
