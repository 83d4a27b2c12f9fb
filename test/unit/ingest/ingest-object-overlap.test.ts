// A file whose events were partly stored by an earlier one, ingested in calls cut short: each call stops
// soon though its merges wait for copies read again, and together they store and count what one call does.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SessionWriter } from '../../../functions/domain/store/ports.js';
import {
  type IngestObjectInput,
  type IngestStats,
  ingestObject,
} from '../../../functions/ingest/ingest-object.js';
import { type IngestProgress, IngestStopped } from '../../../functions/ingest/progress.js';
import { bytesOf, chunked } from '../reading/archives.js';
import { segmentLines } from './handler-harness.js';
import { ingest, MemoryReport, RULES, readingCopiesFrom } from './ingest-object-harness.js';

/**
 * Ingests `file` (already in `bucket`) into `writer` in calls whose time is up once they merged
 * `mergesAllowed`, each resuming from the progress the one before saved, until one finishes: how many merges
 * each call did, and the finishing call's totals.
 */
async function ingestInCalls(
  file: string,
  bytes: Uint8Array,
  bucket: Map<string, Uint8Array>,
  writer: SessionWriter,
  options: Pick<IngestObjectInput, 'chunkEvents' | 'concurrency' | 'copiesPerRead'> & {
    readonly mergesAllowed: number;
    readonly maxCalls: number;
  },
): Promise<{ mergedPerCall: number[]; stats: IngestStats | undefined }> {
  const { mergesAllowed, maxCalls, ...limits } = options;
  let saved: IngestProgress | undefined;
  const mergedPerCall: number[] = [];
  while (mergedPerCall.length < maxCalls) {
    let merged = 0;
    try {
      const stats = await ingestObject({
        file,
        format: 'auto',
        open: async () => chunked(bytes, [4096]),
        rules: RULES,
        browserOf: () => null,
        ...readingCopiesFrom(bucket),
        writer: {
          mergeUserEvents: async (user, events, texts) => {
            const result = await writer.mergeUserEvents(user, events, texts);
            merged++;
            return result;
          },
        },
        report: new MemoryReport(),
        ...limits,
        resume: saved,
        checkpoint: {
          save: async (progress) => {
            saved = structuredClone(progress);
            return true;
          },
          timeUp: () => merged >= mergesAllowed,
        },
      });
      mergedPerCall.push(merged);
      return { mergedPerCall, stats };
    } catch (error) {
      if (!(error instanceof IngestStopped)) throw error;
      mergedPerCall.push(merged);
    }
  }
  return { mergedPerCall, stats: undefined };
}

describe('ingestObject of a file overlapping an earlier one', () => {
  // Every event is a copy of one the earlier file stored, read from another record: each merge waits for the
  // copies to be read again. A call whose time is up must still stop soon, or a chunk of them passes its time.
  const text = segmentLines(
    Array.from({ length: 60 }, (_, at) => ({ user: `user-${at % 12}`, at, id: `m-${at}` })),
  );
  const bytes = bytesOf(text);

  it('stops soon when its time is up, and the calls that follow store what one call does', async () => {
    const bucket = new Map<string, Uint8Array>();
    const writer = (await ingest('incoming/a.ndjson', bytes, { bucket })).writer;
    const expected = writer.sessions();
    bucket.set('incoming/b.ndjson', bytes);
    const { mergedPerCall } = await ingestInCalls('incoming/b.ndjson', bytes, bucket, writer, {
      concurrency: 4,
      mergesAllowed: 0,
      maxCalls: 50,
    });

    expect(mergedPerCall.length).toBeGreaterThan(2);
    // The first merge of each call, and those under way beside it.
    expect(Math.max(...mergedPerCall)).toBeLessThanOrEqual(4);
    expect(mergedPerCall.reduce((sum, merged) => sum + merged, 0)).toBe(12);
    expect(writer.sessions()).toEqual(expected);
  });

  it('holds the texts of one read of copies at once, whatever the chunk', async () => {
    const bucket = new Map<string, Uint8Array>();
    const writer = (await ingest('incoming/a.ndjson', bytes, { bucket })).writer;
    const expected = writer.sessions();
    bucket.set('incoming/b.ndjson', bytes);
    const { version, readCopies } = readingCopiesFrom(bucket);
    const reads: number[] = [];

    await ingestObject({
      file: 'incoming/b.ndjson',
      format: 'auto',
      open: async () => chunked(bytes, [4096]),
      rules: RULES,
      browserOf: () => null,
      version,
      readCopies: (sources) => {
        reads.push(sources.length);
        return readCopies(sources);
      },
      copiesPerRead: 25,
      writer,
      report: new MemoryReport(),
    });

    // Each user's 5 events, as stored and as read again: 10 copies, two users a read.
    expect(reads).toEqual(Array.from({ length: 6 }, () => 20));
    expect(writer.sessions()).toEqual(expected);
  });
});

describe('ingestObject of a file overlapping part of an earlier one', () => {
  // Its merges that wait for copies read again lie among merges that do not: a call stopping among the waiting
  // ones after a later merge finished would lose that merge from its progress, and the next call would merge
  // it again (counting its events as duplicates) and stop again, one waiting merge further on.
  it('merges nothing twice and counts what one call does, each call stopping soon, however it is cut', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 16 }),
        fc.integer({ min: 1, max: 60 }),
        fc.constantFrom(50, 1_000),
        async (overlaps, copiesPerRead, concurrency, mergesAllowed, chunkEvents) => {
          const events = Array.from({ length: 200 }, (_, at) => ({
            user: `user-${at % 40}`,
            at,
            id: `m-${at}`,
          }));
          const earlier = bytesOf(segmentLines(events.filter((event) => overlaps[event.at % 40])));
          const bytes = bytesOf(segmentLines(events));
          const bucket = new Map<string, Uint8Array>();
          const once = (await ingest('incoming/a.ndjson', earlier, { bucket })).writer;
          const whole = await ingest('incoming/b.ndjson', bytes, {
            bucket,
            writer: once,
            chunkEvents,
            pieceBytes: 4096,
          });
          const writer = (await ingest('incoming/a.ndjson', earlier, { bucket })).writer;

          const { mergedPerCall, stats } = await ingestInCalls('incoming/b.ndjson', bytes, bucket, writer, {
            chunkEvents,
            concurrency,
            copiesPerRead,
            mergesAllowed,
            maxCalls: 500,
          });
          // Past its time, a call merges those under way and the waiting ones of one read at most.
          for (const merged of mergedPerCall.slice(0, -1)) {
            expect(merged - mergesAllowed).toBeLessThanOrEqual(2 * concurrency + copiesPerRead);
          }
          const merges = mergedPerCall.reduce((sum, merged) => sum + merged, 0);
          const calls = mergedPerCall.length;

          expect(writer.sessions()).toEqual(once.sessions());
          expect(merges).toBe(whole.stats.usersTouched);
          const { newEvents, duplicates, usersTouched, sessionsWritten } = stats ?? whole.stats;
          expect({ newEvents, duplicates, usersTouched, sessionsWritten }).toEqual({
            newEvents: whole.stats.newEvents,
            duplicates: whole.stats.duplicates,
            usersTouched: whole.stats.usersTouched,
            sessionsWritten: whole.stats.sessionsWritten,
          });
          expect(calls).toBeLessThanOrEqual(Math.ceil(whole.stats.usersTouched / mergesAllowed) + 1);
        },
      ),
      { numRuns: 40 },
    );
  }, 120_000);
});
