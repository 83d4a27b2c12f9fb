// Object keys in the local S3's events (local/s3-event.ts) are encoded as real S3 encodes them, and
// decodeS3EventKey gives the key back.
import { describe, expect, it } from 'vitest';
import { decodeS3EventKey } from '../../../contract/index.js';
import { encodeS3EventKey } from '../../../local/s3-event.js';

describe('S3 event key encoding', () => {
  it.each([
    ['incoming/a b+c.ndjson', 'incoming/a+b%2Bc.ndjson'],
    ['incoming/x#y%z.ndjson', 'incoming/x%23y%25z.ndjson'],
    ['incoming/ü.ndjson', 'incoming/%C3%BC.ndjson'],
    ['incoming/dt=2024-01-01/part:1.ndjson', 'incoming/dt%3D2024-01-01/part%3A1.ndjson'],
    ['plain/key-_.*.ndjson', 'plain/key-_.*.ndjson'],
  ])('%s -> %s', (key, encoded) => {
    expect(encodeS3EventKey(key)).toBe(encoded);
    expect(decodeS3EventKey(encoded)).toBe(key);
  });
});
