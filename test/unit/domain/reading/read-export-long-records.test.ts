import { constants } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { type Rejection, readExport } from '../../../../functions/domain/reading/read-export.js';
import { event } from './read-export-fixture.js';

const MiB = 1024 * 1024;
/** One byte past the longest string V8 makes: such a record's text can never be decoded whole. */
const PAST_A_STRING = constants.MAX_STRING_LENGTH + 1;
const TOO_LONG = `record too long (${PAST_A_STRING} bytes; at most ${constants.MAX_STRING_LENGTH}, the longest text a record may have)`;

/** A record of `length` bytes: `head`, then `x` up to `tail`; streamed in 1 MiB chunks. */
async function* longRecord(head: string, length: number, tail: string): AsyncGenerator<Uint8Array> {
  yield Buffer.from(head);
  const piece = Buffer.alloc(MiB, 'x');
  let left = length - head.length - tail.length;
  for (; left >= MiB; left -= MiB) yield piece;
  yield piece.subarray(0, left);
  yield Buffer.from(tail);
}

async function* concat(...parts: (string | AsyncIterable<Uint8Array>)[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) {
    if (typeof part === 'string') yield Buffer.from(part);
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

// An event of that size is an event all the same; but its text cannot be parsed, quoted nor have its values
// read, and reading it threw (the CLI lost the file's later records, the ingest retried it for ever).
describe('readExport, records longer than a string can hold', () => {
  it('rejects such NDJSON lines with their line and why, and reads the lines after them', {
    timeout: 120_000,
  }, async () => {
    const huge = `${event('m-huge').slice(0, -1)},"blob":"`;
    const result = await readAll(
      'big.ndjson',
      concat(
        `${event('m-1')}\n`,
        longRecord('garbage ', PAST_A_STRING, ''),
        '\n',
        longRecord(huge, PAST_A_STRING, '"}'),
        `\n${event('m-2')}\n`,
      ),
    );

    expect(result.ids).toEqual(['m:m-1', 'm:m-2']);
    expect(result.rejections.map(({ position, reason, raw }) => [position, reason, raw.length])).toEqual([
      [2, TOO_LONG, 1025],
      [3, TOO_LONG, 1025],
    ]);
    expect(result.rejections[0]?.raw).toMatch(/^garbage x+…$/);
    expect(result.summaries).toEqual([
      expect.objectContaining({ file: 'big.ndjson', records: 4, accepted: 2, rejected: 2 }),
    ]);
    expect(result.summaries[0]).not.toHaveProperty('error');
  });

  it('rejects such an array element, and says where an array broke inside one', {
    timeout: 120_000,
  }, async () => {
    const element = (tail: string) => longRecord('{"type":"track","blob":"', PAST_A_STRING, tail);
    const whole = await readAll('big.json', concat(`[${event('m-1')},`, element('"}'), `,${event('m-2')}]`));
    expect(whole.ids).toEqual(['m:m-1', 'm:m-2']);
    expect(whole.rejections.map(({ position, index, reason }) => [position, index, reason])).toEqual([
      [1, 2, TOO_LONG],
    ]);

    const broken = await readAll('broken.json', concat(`[${event('m-1')},`, element('"x}'), ']'));
    expect(broken.ids).toEqual(['m:m-1']);
    expect(broken.summaries[0]?.error).toBe(
      `JSON array element 2 is invalid JSON: unexpected byte at offset ${PAST_A_STRING - 2}; reading stopped at line 1`,
    );
  });
});
