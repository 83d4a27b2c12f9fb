/** `payload` as one aws-chunked chunk, then the terminating chunk and `trailer` (a `name:value` line). */
export function awsChunked(payload: Buffer, trailer: string): Buffer {
  return Buffer.concat([
    Buffer.from(`${payload.length.toString(16)}\r\n`),
    payload,
    Buffer.from(`\r\n0\r\n${trailer}\r\n\r\n`),
  ]);
}
