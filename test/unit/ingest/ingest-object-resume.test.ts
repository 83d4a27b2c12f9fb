// An ingest cut short (its time up, or its process killed) and delivered again, as often as it takes,
// stores and reports what one uninterrupted ingest does: rule 6 across invocations.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SessionWriter } from '../../../functions/domain/store/ports.js';
import {
  type IngestObjectInput,
  type IngestStats,
  ingestObject,
} from '../../../functions/ingest/ingest-object.js';
import { type IngestProgress, IngestStopped } from '../../../functions/ingest/progress.js';
import type { ReportLine } from '../../../functions/ingest/rejection-report.js';
import { FakeSessionWriter } from '../../helpers/fake-session-writer.js';
import { bytesOf, chunked, zipWithSizes } from '../reading/archives.js';
import { segmentLines } from './handler-harness.js';
import { ingest, MemoryReport, RULES, randomSplitText, readingCopiesFrom } from './ingest-object-harness.js';

const FILE = 'incoming/random-split.ndjson';
const BYTES = bytesOf(`${randomSplitText}not json\n{"type":"track"}\n`);
/** Users erased before the first delivery: their events are reported, once, as erased. */
const ERASED = ['user_00007', 'user_00042'];

function newWriter(): FakeSessionWriter {
  const writer = new FakeSessionWriter(RULES);
  for (const user of ERASED) writer.erase(user);
  return writer;
}

interface Call {
  /** Merges the call may finish before its time is up. */
  readonly mergesAllowed: number;
  /** The call is killed (no progress saved at the end) instead of stopping in time. */
  readonly killed: boolean;
  /** Its own chunk limit (another function memory size, say); the delivery's unless given. */
  readonly chunkEvents?: number;
}

/** One delivery of the file: one call, or two at once (SQS delivers a message twice now and then). */
type Delivery = readonly [Call] | readonly [Call, Call];

interface Outcome {
  readonly stats: IngestStats;
  readonly lines: ReportLine[];
  readonly deliveries: number;
  /** Merges every call started, together. */
  readonly merges: number;
}

const UNLIMITED: Call = { mergesAllowed: Number.POSITIVE_INFINITY, killed: false };

/** An export object: its name and bytes, read in pieces of 4 KB unless said (each piece one batch of records). */
interface ExportObject {
  readonly file: string;
  readonly bytes: Uint8Array;
  readonly pieceBytes?: number;
}

const NDJSON: ExportObject = { file: FILE, bytes: BYTES };

/** One call of the ingest on `object`, with these chunks, resumed from `resume` when given. */
function ingestCall(
  object: ExportObject,
  options: Pick<
    IngestObjectInput,
    'writer' | 'report' | 'resume' | 'checkpoint' | 'chunkEvents' | 'concurrency'
  >,
  keepsSources = false,
) {
  return ingestObject({
    file: object.file,
    format: 'auto',
    open: async () => chunked(object.bytes, [object.pieceBytes ?? 4096]),
    rules: RULES,
    browserOf: () => null,
    ...(keepsSources && readingCopiesFrom(new Map([[object.file, object.bytes]]))),
    ...options,
  });
}

/**
 * Delivers the file again after each delivery cut short, each call resuming from the progress saved last
 * (by whichever call saved it), until a delivery's calls all finish.
 */
async function deliverUntilDone(
  writer: FakeSessionWriter,
  deliveries: readonly Delivery[],
  options: {
    chunkEvents: number;
    concurrency: number;
    saveEveryMs: number;
    object?: ExportObject;
    keepsSources?: boolean;
  },
): Promise<Outcome> {
  let saved: IngestProgress | undefined;
  let merges = 0;
  const run = async (call: Call) => {
    const report = new MemoryReport();
    let mine = 0;
    const callWriter: SessionWriter = {
      mergeUserEvents: async (userId, events, texts) => {
        if (call.killed && mine >= call.mergesAllowed) throw new Error('killed');
        mine++;
        merges++;
        return writer.mergeUserEvents(userId, events, texts);
      },
    };
    try {
      const stats = await ingestCall(
        options.object ?? NDJSON,
        {
          writer: callWriter,
          report,
          chunkEvents: call.chunkEvents ?? options.chunkEvents,
          concurrency: options.concurrency,
          resume: saved,
          checkpoint: {
            save: async (progress) => {
              saved = structuredClone(progress);
              return true;
            },
            timeUp: () => !call.killed && mine >= call.mergesAllowed,
            saveEveryMs: options.saveEveryMs,
          },
        },
        options.keepsSources,
      );
      expect(report.finished).toBe('closed');
      return { stats, lines: report.written };
    } catch (error) {
      expect(report.finished).toBe('aborted');
      if (!(error instanceof IngestStopped)) expect(String(error)).toContain('killed');
      return undefined;
    }
  };
  for (let delivery = 0; delivery < 500; delivery++) {
    const results = await Promise.all((deliveries[delivery] ?? [UNLIMITED]).map(run));
    const [first] = results;
    if (first !== undefined && results.every((result) => result !== undefined)) {
      return { ...first, deliveries: delivery + 1, merges };
    }
  }
  throw new Error('no end after 500 deliveries');
}

const uninterruptedRuns = new Map<number, Promise<Awaited<ReturnType<typeof ingest>>>>();
/** One uninterrupted call with these chunks, ingested once per chunk size. */
function uninterrupted(chunkEvents: number) {
  let run = uninterruptedRuns.get(chunkEvents);
  if (run === undefined) {
    run = ingest(FILE, BYTES, { writer: newWriter(), chunkEvents, pieceBytes: 4096 });
    uninterruptedRuns.set(chunkEvents, run);
  }
  return run;
}

/** A track event at 09:00: two with one id tie, and when they differ their merge waits for both read again. */
const line = (user: string, id: string, ip = '1', event = 'E') =>
  `{"type":"track","event":"${event}","userId":"${user}","timestamp":"2024-01-01T09:00:00Z","messageId":"${id}","context":{"ip":"${ip}"}}`;

const sortedLines = (lines: readonly ReportLine[]) => lines.map((line) => JSON.stringify(line)).sort();

const call = fc.record({ mergesAllowed: fc.integer({ min: 0, max: 120 }), killed: fc.boolean() });

describe('ingestObject resumed', () => {
  it('stores, counts and reports what one uninterrupted call does, however the calls are cut', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.tuple(call), fc.tuple(call, call)), { maxLength: 12 }),
        fc.constantFrom(50, 300, 1_000, 3_000, 10_000),
        fc.integer({ min: 1, max: 16 }),
        fc.constantFrom(0, 60_000),
        async (deliveries, chunkEvents, concurrency, saveEveryMs) => {
          const whole = await uninterrupted(chunkEvents);
          expect(whole.stats.erased).toBeGreaterThan(0);
          const writer = newWriter();
          const outcome = await deliverUntilDone(writer, deliveries, {
            chunkEvents,
            concurrency,
            saveEveryMs,
          });

          expect(writer.sessions()).toEqual(whole.writer.sessions());
          expect(sortedLines(outcome.lines)).toEqual(sortedLines(whole.report.written));
          const { records, accepted, rejected, erased, newEvents, duplicates } = outcome.stats;
          expect({ records, accepted, rejected, erased }).toEqual({
            records: whole.stats.records,
            accepted: whole.stats.accepted,
            rejected: whole.stats.rejected,
            erased: whole.stats.erased,
          });
          // A killed call saves nothing after its last merges, so the call after it finds their events stored
          // and counts them as duplicates, as any redelivery does (and so does a call beside another); a call
          // that stops in time loses no count.
          if (deliveries.every((delivery) => delivery.length === 1 && !delivery[0].killed)) {
            expect({ newEvents, duplicates }).toEqual({
              newEvents: whole.stats.newEvents,
              duplicates: whole.stats.duplicates,
            });
          }
        },
      ),
      { numRuns: 25 },
    );
    // Each run ingests the file a few times over: give a loaded machine room.
  }, 120_000);

  it('merges nothing twice when each call stops in time', async () => {
    const once = newWriter();
    await ingest(FILE, BYTES, { writer: once, chunkEvents: 700, pieceBytes: 4096 });
    const writer = newWriter();
    const outcome = await deliverUntilDone(
      writer,
      Array.from({ length: 100 }, (): Delivery => [{ mergesAllowed: 25, killed: false }]),
      { chunkEvents: 700, concurrency: 4, saveEveryMs: 60_000 },
    );

    expect(outcome.deliveries).toBeGreaterThan(10);
    // A call that stops lets the merges it started finish, and its progress counts them all.
    expect(outcome.merges).toBe(once.calls.length);
    expect(outcome.stats.usersTouched).toBe(once.calls.length);
    expect(writer.sessions()).toEqual(once.sessions());
  });

  it("counts and reports once an erased user's event whose copies two calls meet, in two chunks", async () => {
    const text = segmentLines([
      { user: 'gone', at: 0, id: 'g1' },
      { user: 'kept', at: 1 },
      { user: 'kept', at: 2 },
      { user: 'gone', at: 3, id: 'g1' },
      { user: 'gone', at: 4, id: 'g2' },
    ]);
    const writer = newWriter();
    writer.erase('gone');

    const outcome = await deliverUntilDone(
      writer,
      Array.from({ length: 10 }, (): Delivery => [{ mergesAllowed: 1, killed: false }]),
      {
        chunkEvents: 2,
        concurrency: 1,
        saveEveryMs: 60_000,
        object: { file: FILE, bytes: bytesOf(text), pieceBytes: 16 },
      },
    );

    expect(outcome.deliveries).toBeGreaterThan(2);
    expect(outcome.lines.filter((line) => line.reason === 'erased').map((line) => line.position)).toEqual([
      1, 5,
    ]);
    expect(outcome.stats).toMatchObject({ accepted: 5, erased: 2, newEvents: 2, duplicates: 1 });
  });

  it('gets through a chunk whose first merge waits for copies read again, however soon each call stops', async () => {
    // User a's event comes twice at one instant, in two chunks, the copies differing: its second merge waits
    // for both to be read again, while the users after it merge at once. A call that stopped then would leave
    // the next where it started (the progress counts the steps before the first unfinished one).
    // A batch of records a line, so chunks of three events: a, p, q | b, a again, c, d.
    const text = [
      ...[line('a', 'x', '3', 'Alpha'), line('p', 'p1'), line('q', 'q1')],
      ...[line('b', 'b1'), line('a', 'x', '1', 'Zeta'), line('c', 'c1'), line('d', 'd1')],
    ].join('\n');
    const object: ExportObject = { file: 'incoming/ties.ndjson', bytes: bytesOf(text), pieceBytes: 100 };
    const whole = await ingest(object.file, text, { chunkEvents: 3, bucket: new Map() });
    const writer = new FakeSessionWriter(RULES);

    const outcome = await deliverUntilDone(
      writer,
      Array.from({ length: 20 }, (): Delivery => [{ mergesAllowed: 1, killed: false }]),
      { chunkEvents: 3, concurrency: 1, saveEveryMs: 60_000, object, keepsSources: true },
    );

    expect(outcome.deliveries).toBeLessThan(20);
    expect(writer.sessions()).toEqual(whole.writer.sessions());
    expect(writer.events('a').map((event) => event.source?.record)).toEqual([5]);
  });

  it('merges a waiting owner before stopping once the step right after it is done', async () => {
    // Chunks of three events: a, b, p | a again, b again, c. In the second, a and b wait for their copies
    // read again while c merges; the call's time is up once c is merged. Stopping before b would leave c, the
    // one step past it done, out of the progress, and the next call would merge c again.
    const text = [
      ...[line('a', 'x', '3', 'Alpha'), line('b', 'y', '3', 'Alpha'), line('p', 'p1')],
      ...[line('a', 'x', '1', 'Zeta'), line('b', 'y', '1', 'Zeta'), line('c', 'c1')],
    ].join('\n');
    const object: ExportObject = { file: 'incoming/ties.ndjson', bytes: bytesOf(text), pieceBytes: 100 };
    const whole = await ingest(object.file, text, { chunkEvents: 3, bucket: new Map(), pieceBytes: 100 });
    const writer = new FakeSessionWriter(RULES);

    // Six merges started: a, b and p, then a, b (both to wait) and c.
    const outcome = await deliverUntilDone(writer, [[{ mergesAllowed: 6, killed: false }]], {
      chunkEvents: 3,
      concurrency: 1,
      saveEveryMs: 60_000,
      object,
      keepsSources: true,
    });

    expect(outcome.deliveries).toBe(2);
    expect(writer.calls.filter((call) => call.userId === 'c')).toHaveLength(1);
    expect(outcome.merges).toBe(whole.writer.calls.length);
    expect(writer.sessions()).toEqual(whole.writer.sessions());
    expect(outcome.stats).toEqual(whole.stats);
  });

  it.each([
    ['smaller', 4],
    ['larger', 12],
  ])('ends a resumed chunk where it ended before, under a %s chunk limit', async (_, chunkEvents) => {
    // Users a to d, a round of events each per minute: chunks of 8 events hold two rounds. The first call
    // merges a and b of the first chunk; the second, under another limit, the rest of that chunk (c and d).
    // Cut at the new limit instead, a smaller chunk would save progress past events of c and d it never
    // held (lost), and a larger one would merge events past the old end that the next call merges again.
    const users = ['a', 'b', 'c', 'd'];
    const text = segmentLines(
      Array.from({ length: 24 }, (_, n) => ({ user: users[n % 4] as string, at: n >> 2, id: `m${n}` })),
    );
    const object: ExportObject = { file: 'incoming/rounds.ndjson', bytes: bytesOf(text), pieceBytes: 100 };
    const whole = await ingest(object.file, text, { chunkEvents: 8 });
    const writer = new FakeSessionWriter(RULES);

    const outcome = await deliverUntilDone(
      writer,
      [[{ mergesAllowed: 2, killed: false, chunkEvents: 8 }], [{ mergesAllowed: 2, killed: false }]],
      { chunkEvents, concurrency: 1, saveEveryMs: 60_000, object },
    );

    expect(outcome.deliveries).toBe(3);
    expect(writer.calls.slice(0, 4).map((call) => call.userId)).toEqual(users);
    // Every event merged exactly once, across the three calls.
    const mergedIds = (merges: FakeSessionWriter) =>
      merges.calls.flatMap((call) => call.events.map((event) => event.id)).sort();
    expect(mergedIds(writer)).toEqual(mergedIds(whole.writer));
    expect(new Set(mergedIds(writer)).size).toBe(24);
    expect(writer.sessions()).toEqual(whole.writer.sessions());
    expect(outcome.stats.newEvents).toBe(24);
    expect(outcome.stats.duplicates).toBe(0);
  });

  it('merges a chunk whose owners differ from those the progress names, skipped ones included', async () => {
    const whole = await ingest(FILE, BYTES, { writer: newWriter() });
    // A forged progress: the first 30 owners merged, under a digest no owners give.
    const fresh = newWriter();
    await ingestCall(NDJSON, {
      writer: fresh,
      report: new MemoryReport(),
      resume: {
        merged: 0,
        partial: { end: whole.stats.accepted, owners: 30, ownersDigest: 'not-these-owners' },
        erasedAt: [],
        totals: { usersTouched: 0, newEvents: 0, sessionsWritten: 0, erased: 0, chunks: 0 },
      },
    });
    expect(fresh.sessions()).toEqual(whole.writer.sessions());
  });
  it('counts events across the members of a ZIP archive, and resumes in the right member', async () => {
    const lines = randomSplitText.split('\n').filter((line) => line !== '');
    const third = Math.ceil(lines.length / 3);
    const member = (from: number, extra = '') =>
      bytesOf(`${lines.slice(from, from + third).join('\n')}\n${extra}`);
    const archive: ExportObject = {
      file: 'incoming/random-split.zip',
      bytes: zipWithSizes([
        { path: 'part-1.ndjson', content: member(0) },
        { path: 'part-2.ndjson', content: member(third, 'not json\n') },
        { path: 'part-3.ndjson', content: member(2 * third) },
      ]),
    };
    const whole = await ingest(archive.file, archive.bytes, {
      writer: newWriter(),
      chunkEvents: 1_000,
      pieceBytes: 4096,
    });
    const writer = newWriter();

    const outcome = await deliverUntilDone(
      writer,
      Array.from({ length: 100 }, (_, index): Delivery => [{ mergesAllowed: 15, killed: index % 3 === 2 }]),
      { chunkEvents: 1_000, concurrency: 3, saveEveryMs: 0, object: archive },
    );

    expect(outcome.deliveries).toBeGreaterThan(10);
    expect(writer.sessions()).toEqual(whole.writer.sessions());
    expect(sortedLines(outcome.lines)).toEqual(sortedLines(whole.report.written));
    expect(outcome.lines.some((line) => line.file === `${archive.file}!part-2.ndjson`)).toBe(true);
    expect(outcome.stats.erased).toBe(whole.stats.erased);
  });
});
