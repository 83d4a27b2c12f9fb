import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { InputFormat } from '../../../contract/index.js';
import { compileRules, DEFAULT_SESSION_RULES } from '../../../functions/domain/rules/session-rules.js';
import type { SessionSummary } from '../../../functions/domain/sessions/summary.js';
import {
  type IngestObjectInput,
  type IngestStats,
  ingestObject,
} from '../../../functions/ingest/ingest-object.js';
import type { RejectionReport, ReportLine } from '../../../functions/ingest/rejection-report.js';
import { conformanceCases } from '../../helpers/conformance-cases.js';
import { FakeSessionWriter } from '../../helpers/fake-session-writer.js';
import { asExpectedSessions } from '../../helpers/session-expectations.js';
import { bytesOf, chunked, zipWithDataDescriptors } from '../reading/archives.js';
import { segmentLines } from './handler-harness.js';

const RULES = compileRules(DEFAULT_SESSION_RULES);

/** A report kept in memory, recording how it was finished. */
class MemoryReport implements RejectionReport {
  readonly key = 'rejected/test.ndjson.ndjson';
  readonly written: ReportLine[] = [];
  finished: 'open' | 'closed' | 'aborted' = 'open';
  readyCalls = 0;

  get lines(): number {
    return this.written.length;
  }
  write(line: ReportLine): void {
    if (this.finished !== 'open') throw new Error(`write after the report was ${this.finished}`);
    this.written.push(line);
  }
  async ready(): Promise<void> {
    this.readyCalls++;
  }
  async close(): Promise<void> {
    this.finished = 'closed';
  }
  async abort(): Promise<void> {
    this.finished = 'aborted';
  }
}

interface Run {
  readonly stats: IngestStats;
  readonly writer: FakeSessionWriter;
  readonly report: MemoryReport;
  readonly opens: number;
}

/** Ingests `bytes` as the object `file`, delivered in pieces of `pieceBytes` (each piece is one batch). */
async function ingest(
  file: string,
  bytes: Uint8Array | string,
  options: Partial<
    Pick<IngestObjectInput, 'format' | 'chunkEvents' | 'chunkBytes' | 'concurrency' | 'writer'>
  > & {
    pieceBytes?: number;
  } = {},
): Promise<Run> {
  const content = typeof bytes === 'string' ? bytesOf(bytes) : bytes;
  const writer = (options.writer as FakeSessionWriter | undefined) ?? new FakeSessionWriter(RULES);
  const report = new MemoryReport();
  let opens = 0;
  const stats = await ingestObject({
    file,
    format: options.format ?? 'auto',
    open: async () => {
      opens++;
      return chunked(content, [options.pieceBytes ?? 64 * 1024]);
    },
    writer,
    rules: RULES,
    report,
    browserOf: () => null,
    ...(options.chunkEvents !== undefined && { chunkEvents: options.chunkEvents }),
    ...(options.chunkBytes !== undefined && { chunkBytes: options.chunkBytes }),
    ...(options.concurrency !== undefined && { concurrency: options.concurrency }),
  });
  return { stats, writer, report, opens };
}

/** The five fields every expected.json pins. */
const asExpected = (sessions: readonly SessionSummary[]) => asExpectedSessions(sessions, []);

const caseNamed = (name: string) => {
  const found = conformanceCases().find((testCase) => testCase.name === name);
  if (found === undefined) throw new Error(`conformance case ${name} is missing`);
  return found;
};

/** Every file of the random-split case in one NDJSON: late events, duplicates, 1,986 sessions. */
const randomSplit = caseNamed('random-split');
const randomSplitText = randomSplit.files
  .map((file) => readFileSync(join(randomSplit.dir, file), 'utf8'))
  .join('');

/** Copies with other timestamps, late events that bridge sessions, several users, a bad line. */
const TRICKY = [
  segmentLines([
    { user: 'ann', at: 0, id: 'a1' },
    { user: 'bob', at: 0, id: 'b1' },
    { user: 'ann', at: 50, id: 'a3' },
    { user: 'ann', at: 52, id: 'a1' },
  ]),
  'not json\n',
  segmentLines([
    { user: 'bob', at: 40, id: 'b2' },
    { user: 'ann', at: 25, id: 'a2' },
    { user: 'ann', at: 60, id: 'a1' },
    { user: 'bob', at: 20, id: 'b3' },
    { user: 'cat', at: 0 },
    { user: 'cat', at: 0 },
    { user: 'bob', at: 45, id: 'b1' },
  ]),
].join('');

describe('ingestObject', () => {
  it('stores what one batch over the file gives, however small the chunks', async () => {
    const whole = await ingest('incoming/tricky.ndjson', TRICKY);

    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 8, max: 200 }),
        async (chunkEvents, pieceBytes) => {
          const chunkedRun = await ingest('incoming/tricky.ndjson', TRICKY, { chunkEvents, pieceBytes });

          expect(chunkedRun.writer.sessions()).toEqual(whole.writer.sessions());
          const { accepted, rejected, newEvents, duplicates, records } = chunkedRun.stats;
          expect({ accepted, rejected, newEvents, duplicates, records }).toEqual({
            accepted: whole.stats.accepted,
            rejected: whole.stats.rejected,
            newEvents: whole.stats.newEvents,
            duplicates: whole.stats.duplicates,
            records: whole.stats.records,
          });
          expect(chunkedRun.report.written).toEqual(whole.report.written);
        },
      ),
      { numRuns: 40 },
    );
    expect(whole.stats.chunks).toBe(1);
    expect(asExpected(whole.writer.sessions())).toEqual([
      {
        userId: 'ann',
        sessionNumber: 1,
        startedAt: '2024-01-01T09:00:00.000Z',
        endedAt: '2024-01-01T09:50:00.000Z',
        eventCount: 3,
      },
      {
        userId: 'bob',
        sessionNumber: 1,
        startedAt: '2024-01-01T09:00:00.000Z',
        endedAt: '2024-01-01T09:40:00.000Z',
        eventCount: 3,
      },
      {
        userId: 'cat',
        sessionNumber: 1,
        startedAt: '2024-01-01T09:00:00.000Z',
        endedAt: '2024-01-01T09:00:00.000Z',
        eventCount: 1,
      },
    ]);
  });

  it('merges a large file a chunk at a time into the sessions of the whole', async () => {
    const run = await ingest('incoming/random-split.ndjson', randomSplitText, {
      chunkEvents: 700,
      pieceBytes: 4096,
    });

    expect(run.stats.chunks).toBeGreaterThan(5);
    expect(asExpected(run.writer.sessions())).toEqual(randomSplit.expected.sessions);
  });

  it('merges a chunk when the memory its events hold reaches `chunkBytes`', async () => {
    const run = await ingest('incoming/random-split.ndjson', randomSplitText, {
      chunkBytes: 64 * 1024,
      pieceBytes: 4096,
    });

    expect(run.stats.chunks).toBeGreaterThan(3);
    expect(asExpected(run.writer.sessions())).toEqual(randomSplit.expected.sessions);
  });

  it('merges each user once per chunk, at most `concurrency` at once', async () => {
    const writer = new FakeSessionWriter(RULES);
    const merge = writer.mergeUserEvents.bind(writer);
    let inFlight = 0;
    let most = 0;
    writer.mergeUserEvents = async (userId, events) => {
      most = Math.max(most, ++inFlight);
      try {
        return await merge(userId, events);
      } finally {
        inFlight--;
      }
    };
    const run = await ingest('incoming/random-split.ndjson', randomSplitText, { concurrency: 3, writer });

    const users = new Set(run.writer.calls.map((call) => call.userId));
    expect(run.writer.calls).toHaveLength(users.size);
    expect(run.stats.usersTouched).toBe(users.size);
    expect(most).toBe(3);
  });

  it('aborts the report and throws when the source breaks, so the message is retried', async () => {
    const report = new MemoryReport();
    const text = `not json\n${segmentLines(Array.from({ length: 50 }, (_, index) => ({ user: 'u', at: index })))}`;
    async function* breaking(): AsyncGenerator<Uint8Array> {
      yield bytesOf(text.slice(0, 600));
      throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    }

    const ingesting = ingestObject({
      file: 'incoming/a.ndjson',
      format: 'auto',
      open: async () => breaking(),
      writer: new FakeSessionWriter(RULES),
      rules: RULES,
      report,
      browserOf: () => null,
    });

    await expect(ingesting).rejects.toThrow('socket hang up');
    expect(report.finished).toBe('aborted');
  });

  it('aborts the report and throws when a merge fails', async () => {
    const writer = new FakeSessionWriter(RULES);
    writer.failWith(() => new Error('ProvisionedThroughputExceededException'));

    const run = ingest('incoming/a.ndjson', `oops\n${segmentLines([{ user: 'u', at: 0 }])}`, { writer });

    await expect(run).rejects.toThrow('ProvisionedThroughputExceededException');
  });

  it('stops merging after a failed merge, and the file delivered again gives the sessions of the whole', async () => {
    const whole = await ingest('incoming/random-split.ndjson', randomSplitText);
    const users = whole.writer.userIds();

    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...users),
        fc.integer({ min: 1, max: 8 }),
        fc.constantFrom(700, 5_000, undefined),
        async (failing, concurrency, chunkEvents) => {
          const writer = new FakeSessionWriter(RULES);
          writer.failWith((userId) => (userId === failing ? new Error(`throttled on ${userId}`) : undefined));
          const options = { writer, concurrency, ...(chunkEvents !== undefined && { chunkEvents }) };

          await expect(ingest('incoming/random-split.ndjson', randomSplitText, options)).rejects.toThrow(
            `throttled on ${failing}`,
          );
          const startedBeforeRetry = writer.calls.length;
          // No merge after the failing one but those already in flight: at most `concurrency - 1` follow it.
          const failedAt = writer.calls.findIndex((call) => call.userId === failing);
          expect(startedBeforeRetry - failedAt - 1).toBeLessThan(concurrency);

          writer.failWith(undefined);
          await ingest('incoming/random-split.ndjson', randomSplitText, options);
          expect(writer.sessions()).toEqual(whole.writer.sessions());
        },
      ),
      { numRuns: 25 },
    );
  });

  it('reads every member of a ZIP archive, skipping its manifest and directories', async () => {
    const archive = zipWithDataDescriptors([
      { path: 'manifest.json', content: bytesOf('{"files":2,"format":"segment"}') },
      { path: 'events/', content: new Uint8Array() },
      {
        path: 'events/a.ndjson',
        content: bytesOf(`${segmentLines([{ user: 'ann', at: 0 }])}{"type":"track"}\n`),
      },
      {
        path: 'events/b.json',
        content: bytesOf(
          `[${segmentLines([
            { user: 'ann', at: 10 },
            { user: 'bob', at: 0 },
          ])
            .trim()
            .split('\n')
            .join(',')}]`,
        ),
      },
    ]);

    const run = await ingest('incoming/export.zip', archive, { pieceBytes: 100 });

    expect(run.stats.files.map(({ file, error, skipped }) => ({ file, error, skipped }))).toEqual([
      {
        file: 'incoming/export.zip!manifest.json',
        error: undefined,
        skipped: 'holds no events of any export format',
      },
      { file: 'incoming/export.zip!events/', error: undefined, skipped: 'directory; skipped' },
      { file: 'incoming/export.zip!events/a.ndjson', error: undefined, skipped: undefined },
      { file: 'incoming/export.zip!events/b.json', error: undefined, skipped: undefined },
    ]);
    expect(run.stats.files.map((file) => file.container)).toEqual([
      'ndjson',
      undefined,
      'ndjson',
      'json-array',
    ]);
    expect(run.report.written).toEqual([
      {
        file: 'incoming/export.zip!events/a.ndjson',
        position: 2,
        reason: expect.any(String),
        raw: '{"type":"track"}',
      },
    ]);
    expect(asExpected(run.writer.sessions())).toEqual([
      {
        userId: 'ann',
        sessionNumber: 1,
        startedAt: '2024-01-01T09:00:00.000Z',
        endedAt: '2024-01-01T09:10:00.000Z',
        eventCount: 2,
      },
      {
        userId: 'bob',
        sessionNumber: 1,
        startedAt: '2024-01-01T09:00:00.000Z',
        endedAt: '2024-01-01T09:00:00.000Z',
        eventCount: 1,
      },
    ]);
  });

  it('reads a file in the format its source names, whatever its shape suggests', async () => {
    const testCase = caseNamed('format-explicit');
    const text = readFileSync(join(testCase.dir, 'posthog.ndjson'));

    const named = await ingest('posthog/export.ndjson', text, { format: 'posthog' });
    const detected = await ingest('incoming/export.ndjson', text, { format: 'auto' });

    expect(asExpected(named.writer.sessions())).toEqual(testCase.expected.sessions);
    expect(named.stats.files.map((file) => file.format)).toEqual(['posthog']);
    expect(asExpected(detected.writer.sessions())).not.toEqual(testCase.expected.sessions);
  });

  it.each<[InputFormat, string]>([
    ['amplitude', 'format-amplitude'],
    ['mixpanel', 'format-mixpanel'],
  ])('reads %s exports named by their source', async (format, name) => {
    const testCase = caseNamed(name);
    const file = testCase.files[0] as string;

    const run = await ingest(`${format}/${file}`, readFileSync(join(testCase.dir, file)), { format });

    expect(asExpectedSessions(run.writer.sessions(), testCase.expected.sessions)).toEqual(
      testCase.expected.sessions,
    );
    expect(run.stats.rejected).toBe(testCase.expected.rejected);
  });

  it('rejects events of another shape in a Segment source instead of guessing their format', async () => {
    const testCase = caseNamed('format-amplitude');
    const file = testCase.files[0] as string;

    const run = await ingest(`segment-logs/${file}`, readFileSync(join(testCase.dir, file)), {
      format: 'segment',
    });

    expect(run.stats.accepted).toBe(0);
    expect(run.stats.rejected).toBe(run.stats.records);
    expect(run.writer.calls).toEqual([]);
  });

  it('reads the file again only for a tie between differing copies of one event', async () => {
    const tie = [
      '{"type":"track","event":"B","userId":"u","timestamp":"2024-01-01T09:00:00Z","messageId":"m"}',
      '{"type":"track","event":"A","userId":"u","timestamp":"2024-01-01T09:00:00Z","messageId":"m"}',
    ].join('\n');

    const plain = await ingest(
      'incoming/a.ndjson',
      segmentLines([
        { user: 'u', at: 0, id: 'm' },
        { user: 'u', at: 0, id: 'm' },
      ]),
    );
    const tied = await ingest('incoming/b.ndjson', tie);

    expect(plain.opens).toBe(1);
    expect(tied.opens).toBe(2);
    // Rule 3: the copy whose canonical JSON sorts first ("event":"A").
    expect(tied.writer.events('u').map((event) => event.name)).toEqual(['A']);
  });

  it('writes rejections in file order, file errors last, and closes the report', async () => {
    const text = `bad 1\n${segmentLines([{ user: 'u', at: 0 }])}bad 2\n`;

    const run = await ingest('incoming/a.ndjson', text, { pieceBytes: 7 });

    expect(run.report.written.map((line) => line.position)).toEqual([1, 3]);
    expect(run.report.finished).toBe('closed');
    expect(run.report.readyCalls).toBeGreaterThan(1);
  });

  it('reports the events of an erased user by position, a copy merged with another once', async () => {
    const writer = new FakeSessionWriter(RULES);
    writer.erase('gone');
    const text = segmentLines([
      { user: 'gone', at: 0, id: 'g1' },
      { user: 'kept', at: 0 },
      { user: 'gone', at: 1, id: 'g2' },
      { user: 'gone', at: 2, id: 'g1' },
      { user: 'kept', at: 3 },
    ]);

    const run = await ingest('incoming/a.ndjson', text, { writer });

    expect(
      run.report.written.filter((line) => line.reason === 'erased').map((line) => line.position),
    ).toEqual([1, 3]);
    expect(run.stats).toMatchObject({ accepted: 5, erased: 2, newEvents: 2, duplicates: 1 });
  });

  // Rule 3 keeps, of two copies at one instant, the one whose canonical JSON sorts first. A chunk (or a
  // file) holds that text and picks right; the store, which keeps no text, picks by its own projection
  // order when the copies arrive in different chunks or files. Fails until the store can see which copy's
  // text sorts first (see plan-merge's preferredCopy); then this becomes a plain `it`.
  it.fails('keeps the copy whose text sorts first when differing copies land in different chunks', async () => {
    const text = [
      '{"type":"track","event":"Zeta","userId":"u","timestamp":"2024-01-01T09:00:00Z","messageId":"x","context":{"ip":"1"}}',
      '{"type":"track","event":"Alpha","userId":"u","timestamp":"2024-01-01T09:00:00Z","messageId":"x","context":{"ip":"2"}}',
    ].join('\n');

    const split = await ingest('incoming/a.ndjson', text, { chunkEvents: 1, pieceBytes: 40 });

    expect(split.stats.chunks).toBe(2);
    expect(split.writer.events('u').map((event) => event.name)).toEqual(['Zeta']);
  });
});
