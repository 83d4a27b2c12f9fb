/** `payload` as one aws-chunked chunk, then the terminating chunk and `trailer` (a `name:value` line). */
export function awsChunked(payload: Buffer, trailer: string): Buffer {
  return Buffer.concat([
    Buffer.from(`${payload.length.toString(16)}\r\n`),
    payload,
    Buffer.from(`\r\n0\r\n${trailer}\r\n\r\n`),
  ]);
}

/** The headers of an unsigned aws-chunked upload of `decodedLength` bytes with a CRC32 trailer, as the SDK sends them. */
export function awsChunkedHeaders(decodedLength: number): Record<string, string> {
  return {
    'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
    'x-amz-decoded-content-length': String(decodedLength),
    'x-amz-trailer': 'x-amz-checksum-crc32',
  };
}
