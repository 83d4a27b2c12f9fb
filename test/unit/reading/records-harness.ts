import { type ByteRecord, RecordSplitter } from '../../../functions/domain/reading/records.js';
import { cutAt, decode, utf8 } from './byte-arbitraries.js';
import type { ReferenceResult } from './records-reference.js';

/** The records and failure a RecordSplitter gives for the bytes in these chunks, as text. */
export function split(chunks: readonly Uint8Array[]): ReferenceResult {
  const splitter = new RecordSplitter();
  const records: ByteRecord[] = [];
  for (const chunk of chunks) splitter.push(chunk, records);
  const failure = splitter.finish(records);
  return {
    container: splitter.container,
    // What the file ends in the middle of is handed on marked `cut`: not a record (see the test of it).
    records: records
      .filter((record) => record.cut === undefined)
      .map((record) => ({
        line: record.line,
        index: record.index,
        text: decode(record.bytes.subarray(record.start, record.end)),
      })),
    failure: failure && { line: failure.line, index: failure.index },
  };
}

export const splitText = (text: string, offsets: readonly number[] = []) => split(cutAt(utf8(text), offsets));

/** Every single-cut and the one-byte-at-a-time chunkings of the bytes. */
export function everyChunking(bytes: Buffer): Buffer[][] {
  const oneByteEach = Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
  return [oneByteEach, ...Array.from({ length: bytes.length }, (_, i) => cutAt(bytes, [i]))];
}
