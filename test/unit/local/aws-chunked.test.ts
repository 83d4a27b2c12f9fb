// Decoding aws-chunked request bodies (local/aws-chunked.ts), as the local S3's front does before s3rver
// sees them: every chunk form the SDK sends, and a loud failure on every malformed body.
import { describe, expect, it } from 'vitest';
import {
  AwsChunkedError,
  computeS3Checksum,
  decodeAndVerifyAwsChunked,
  isAwsChunkedRequest,
} from '../../../local/aws-chunked.js';
import { awsChunked, awsChunkedHeaders } from '../../helpers/aws-chunked-body.js';

describe('aws-chunked decoding', () => {
  const payload = Buffer.from('line one\r\nline two\n');
  const crc = computeS3Checksum('x-amz-checksum-crc32', payload);
  const headers = awsChunkedHeaders(payload.length);

  it('recognises streaming uploads by either header', () => {
    expect(isAwsChunkedRequest({ 'content-encoding': 'gzip, aws-chunked' })).toBe(true);
    expect(isAwsChunkedRequest({ 'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' })).toBe(true);
    expect(
      isAwsChunkedRequest({ 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', 'content-encoding': 'gzip' }),
    ).toBe(false);
  });

  it('decodes multi-chunk bodies, including signed-chunk extensions', () => {
    const body = Buffer.concat([
      Buffer.from('a;chunk-signature=abc\r\n'),
      payload.subarray(0, 10),
      Buffer.from('\r\n'),
      Buffer.from(`${(payload.length - 10).toString(16)};chunk-signature=def\r\n`),
      payload.subarray(10),
      Buffer.from(`\r\n0;chunk-signature=ghi\r\nx-amz-checksum-crc32:${crc}\r\n\r\n`),
    ]);
    expect(decodeAndVerifyAwsChunked(body, headers).payload.equals(payload)).toBe(true);
  });

  it.each([
    [
      'truncated chunk data',
      awsChunked(payload, `x-amz-checksum-crc32:${crc}`).subarray(0, 12),
      'IncompleteBody',
    ],
    [
      'missing terminating chunk',
      Buffer.from(`${payload.length.toString(16)}\r\n${payload}\r\n`),
      'IncompleteBody',
    ],
    ['non-hex chunk size', Buffer.from('zz\r\nabc\r\n0\r\n\r\n'), 'InvalidRequest'],
    [
      'announced trailer missing',
      Buffer.from(`${payload.length.toString(16)}\r\n${payload}\r\n0\r\n\r\n`),
      'InvalidRequest',
    ],
    [
      'garbage after the trailers',
      Buffer.concat([awsChunked(payload, `x-amz-checksum-crc32:${crc}`), Buffer.from('x')]),
      'InvalidRequest',
    ],
  ])('fails loudly on %s', (_label, body, code) => {
    let caught: unknown;
    try {
      decodeAndVerifyAwsChunked(body, headers);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AwsChunkedError);
    expect((caught as AwsChunkedError).code).toBe(code);
  });
});
