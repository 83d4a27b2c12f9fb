import { describe, expect, it } from 'vitest';
import { MAX_RECORD_BYTES } from '../../../../functions/domain/reading/byte-record.js';
import { type Rejection, readExport } from '../../../../functions/domain/reading/read-export.js';
import { type ByteRecord, RecordSplitter } from '../../../../functions/domain/reading/records.js';
import { AT, event } from './read-export-fixture.js';

const MiB = 1024 * 1024;
const tooLong = (length: number) => `record too long (${length} bytes; at most ${MAX_RECORD_BYTES})`;
/** An event without a messageId: accepted, its id would be a content id, which parses the whole record. */
const HEAD = `{"type":"track","userId":"u-1","timestamp":"${AT}","properties":{"n":[`;
const TAIL = '1]}}';

/**
 * `HEAD`, `1,` repeated, `TAIL`: `length` bytes in fresh chunks of 1 MiB, never held by the generator, so that
 * only the reader can keep them. The growth of the memory of ArrayBuffers (chunks not yet collected, and
 * whatever the reader holds) goes into `peak`.
 */
async function* shortNumbers(length: number, peak: { bytes: number }): AsyncGenerator<Uint8Array> {
  const before = process.memoryUsage().arrayBuffers;
  yield Buffer.from(HEAD);
  let left = length - HEAD.length - TAIL.length;
  while (left > 0) {
    const chunk = Buffer.allocUnsafeSlow(Math.min(MiB, left)).fill('1,');
    left -= chunk.length;
    yield chunk;
    peak.bytes = Math.max(peak.bytes, process.memoryUsage().arrayBuffers - before);
    // Holding them all would take the whole stream; stop before that, failing the test.
    if (peak.bytes > 128 * MiB) throw new Error(`${peak.bytes} bytes of chunks held`);
  }
  yield Buffer.from(TAIL);
}

async function* concat(
  ...parts: (string | Uint8Array | AsyncIterable<Uint8Array>)[]
): AsyncGenerator<Uint8Array> {
  for (const part of parts) {
    if (typeof part === 'string') yield Buffer.from(part);
    else if (part instanceof Uint8Array) yield part;
    else yield* part;
  }
}

async function readAll(name: string, source: AsyncIterable<Uint8Array>) {
  const ids: string[] = [];
  const rejections: Rejection[] = [];
  const summaries = await readExport(
    name,
    source,
    { format: 'auto', browserOf: () => null },
    { event: (accepted) => ids.push(accepted.id), rejected: (rejection) => rejections.push(rejection) },
  );
  return { ids, rejections, summaries };
}

/** An object of exactly MAX_RECORD_BYTES bytes. */
const AT_LIMIT = `{"a":"${'x'.repeat(MAX_RECORD_BYTES - '{"a":"'.length - 2)}"}`;

/**
 * The records a splitter gives for `text` pushed in three chunks, cut after the first byte of the white space
 * at `spaceAt` and at `cutAt` (inside or after that character), then ended.
 */
function splitCutInside(text: Buffer, spaceAt: number, cutAt: number) {
  const splitter = new RecordSplitter();
  const records: ByteRecord[] = [];
  for (const chunk of [
    text.subarray(0, spaceAt + 1),
    text.subarray(spaceAt + 1, cutAt),
    text.subarray(cutAt),
  ])
    splitter.push(chunk, records);
  return { records, failure: splitter.finish(records) };
}

/** The records a splitter gives for these chunks, cut short (`cut`) or ended, as what a reader sees. */
function split(chunks: readonly string[], ending: 'finish' | 'cut' = 'finish') {
  const splitter = new RecordSplitter();
  const records: ByteRecord[] = [];
  for (const chunk of chunks) splitter.push(Buffer.from(chunk), records);
  let failure: ReturnType<RecordSplitter['finish']>;
  if (ending === 'finish') failure = splitter.finish(records);
  else splitter.cut(records);
  const shown = records.map(({ bytes, start, end, line, index, tooLong, cut }) => ({
    line,
    index,
    text: bytes.toString('utf8', start, end),
    ...(tooLong !== undefined && { tooLong }),
    ...(cut !== undefined && { cut }),
  }));
  return { records: shown, failure };
}

// One record of a gzip bomb (gigabytes without a line feed) was held whole, to be joined, made a string and
// parsed: the ingest's 1,024 MB ran out, and the file was retried until its messages went to the dead letters.
describe('readExport, records longer than MAX_RECORD_BYTES', () => {
  it('rejects a line of 512 MiB of short numbers unread (no content id parses it), holding none of it, and reads on', async () => {
    const peak = { bytes: 0 };
    const length = 512 * MiB;
    const result = await readAll(
      'bomb.ndjson',
      concat(`${event('m-1')}\n`, shortNumbers(length, peak), `\r\n${event('m-2')}\n`),
    );

    expect(result.ids).toEqual(['m:m-1', 'm:m-2']);
    // The length counts to the line feed: the carriage return before it too.
    expect(result.rejections).toEqual([
      {
        file: 'bomb.ndjson',
        position: 2,
        reason: tooLong(length + 1),
        raw: `${`${HEAD}${'1,'.repeat(512)}`.slice(0, 1024)}…`,
      },
    ]);
    expect(result.summaries).toEqual([
      expect.objectContaining({ file: 'bomb.ndjson', records: 3, accepted: 2, rejected: 1 }),
    ]);
    expect(result.summaries[0]).not.toHaveProperty('error');
    expect(peak.bytes).toBeLessThan(128 * MiB);
  }, 30_000);

  it('rejects an array element past the limit, within one chunk or across many, and reads the next', async () => {
    const peak = { bytes: 0 };
    const length = MAX_RECORD_BYTES + 1;
    const streamed = await readAll(
      'big.json',
      concat(`[\n${event('m-1')},\n`, shortNumbers(length, peak), `,\n${event('m-2')}]`),
    );
    const whole = Buffer.concat([
      Buffer.from(`[${event('m-1')},\n`),
      Buffer.from(`${HEAD}${'1,'.repeat((length - HEAD.length - TAIL.length) / 2)}${TAIL}`),
      Buffer.from(`,${event('m-2')}]`),
    ]);
    const oneChunk = await readAll('big.json', concat(whole));

    for (const result of [streamed, oneChunk]) {
      expect(result.ids).toEqual(['m:m-1', 'm:m-2']);
      expect(result.rejections.map(({ position, index, reason }) => [position, index, reason])).toEqual([
        [result === streamed ? 3 : 2, 2, tooLong(length)],
      ]);
      expect(result.rejections[0]?.raw).toMatch(/^\{"type":"track".*1,1…$/);
      expect(result.summaries[0]).not.toHaveProperty('error');
    }
  });

  it('reads a record of exactly MAX_RECORD_BYTES, and rejects one a byte longer, whatever the chunks', async () => {
    const padded = (length: number) =>
      event(`m-${length}`, { pad: 'x'.repeat(length - event(`m-${length}`, { pad: '' }).length) });
    const atLimit = padded(MAX_RECORD_BYTES);
    const pastLimit = padded(MAX_RECORD_BYTES + 1);
    expect([atLimit.length, pastLimit.length]).toEqual([MAX_RECORD_BYTES, MAX_RECORD_BYTES + 1]);
    const text = `  ${atLimit}\n${pastLimit}\n`;
    const inPieces = (size: number) => concat(...(text.match(new RegExp(`[^]{1,${size}}`, 'g')) ?? []));

    for (const source of [concat(text), inPieces(MiB), inPieces(1000)]) {
      const result = await readAll('edge.ndjson', source);
      expect(result.ids).toEqual([`m:m-${MAX_RECORD_BYTES}`]);
      expect(result.rejections.map(({ position, reason }) => [position, reason])).toEqual([
        [2, tooLong(MAX_RECORD_BYTES + 1)],
      ]);
    }
  });

  it('counts an unread record as a file error when the file holds nothing else, and a JSON line shows an export', async () => {
    const only = await readAll('only.ndjson', concat(`x${'y'.repeat(MAX_RECORD_BYTES)}\n`));
    expect(only.rejections).toEqual([]);
    expect(only.summaries[0]?.error).toBe('no line is JSON');

    const withEvent = await readAll(
      'mixed.ndjson',
      concat(`x${'y'.repeat(MAX_RECORD_BYTES)}\n${event('m-1')}\n`),
    );
    expect(withEvent.ids).toEqual(['m:m-1']);
    expect(withEvent.rejections.map(({ position, reason }) => [position, reason])).toEqual([
      [1, tooLong(MAX_RECORD_BYTES + 1)],
    ]);
  });
});

describe('RecordSplitter, records longer than MAX_RECORD_BYTES', () => {
  const long = 'x'.repeat(MAX_RECORD_BYTES);

  it('hands on their first 1,024 bytes, trimmed, and their length', () => {
    const { records } = split([' \t{"a":"', long, '"}\n{}']);
    expect(records).toEqual([
      { line: 1, index: undefined, text: `{"a":"${'x'.repeat(1018)}`, tooLong: MAX_RECORD_BYTES + 8 },
      { line: 2, index: undefined, text: '{}' },
    ]);
  });

  it('measures a line from its first character that is not white space, however the chunks cut one before it', () => {
    for (const space of ['\u00a0', '\u2028', '\ufeff']) {
      const text = Buffer.from(`{}\n${space}${AT_LIMIT}\n${space}${AT_LIMIT}x\n`);
      const spaceAt = text.indexOf(Buffer.from(space));
      for (const cutAt of [spaceAt + 1, spaceAt + Buffer.byteLength(space) - 1]) {
        const { records } = splitCutInside(text, spaceAt, cutAt);
        expect(records.map(({ line, start, end, tooLong }) => [line, tooLong ?? end - start])).toEqual([
          [1, 2],
          [2, MAX_RECORD_BYTES],
          [3, MAX_RECORD_BYTES + 1],
        ]);
      }
    }
  });

  it('measures an array element from its first character that is not white space, as a line', () => {
    for (const space of ['\u00a0', '\u2028', '\ufeff']) {
      const text = Buffer.from(`[{},${space}${AT_LIMIT},\n${space} ${AT_LIMIT}x]`);
      const spaceAt = text.indexOf(Buffer.from(space));
      for (const cutAt of [spaceAt + 1, spaceAt + Buffer.byteLength(space) - 1, text.length]) {
        const { records, failure } = splitCutInside(text, spaceAt, cutAt);
        expect(failure).toBeUndefined();
        expect(
          records.map(({ line, index, tooLong, bytes, start, end }) => [
            line,
            index,
            tooLong ?? end - start,
            bytes[start],
          ]),
        ).toEqual([
          [1, 1, 2, 0x7b],
          [1, 2, MAX_RECORD_BYTES, 0x7b],
          [2, 3, MAX_RECORD_BYTES + 1, 0x7b],
        ]);
      }
    }
  });

  it('drops such a last line of a file cut short: where it ends is unknown', () => {
    expect(split(['{}\n{"a":"', long, '"}'], 'cut').records).toEqual([
      { line: 1, index: undefined, text: '{}' },
    ]);
  });

  it('says where an array ends inside such an element, with no record for it', () => {
    const { records, failure } = split(['[{},\n\n  {"a":"', long, '"}']);
    expect(records).toEqual([{ line: 1, index: 1, text: '{}' }]);
    expect(failure).toEqual({ line: 3, index: 2, reason: expect.stringMatching(/^unterminated JSON array/) });
  });

  it('finds the end of such an element by its strings and brackets', () => {
    const { records, failure } = split(['[{"a":"', long, '","b":[1,2],"c":"],"}', ',[3]]']);
    expect(records.map(({ index, tooLong }) => [index, tooLong])).toEqual([
      [1, MAX_RECORD_BYTES + 27],
      [2, undefined],
    ]);
    expect(failure).toBeUndefined();
  });
});
