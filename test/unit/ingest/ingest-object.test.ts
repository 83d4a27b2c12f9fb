import { describe, expect, it } from 'vitest';
import type { EventRecord } from '../../../functions/domain/event.js';
import type { Rejection } from '../../../functions/domain/read-events.js';
import type { SessionWriter, UserMergeResult } from '../../../functions/domain/session-store.js';
import { minutesToMs } from '../../../functions/domain/sessionize.js';
import { ingestObject, mapBounded, type RejectionSink } from '../../../functions/ingest/ingest-object.js';
import { FakeSessionWriter } from '../../helpers/fake-session-writer.js';

class MemorySink implements RejectionSink {
  readonly rejections: Rejection[] = [];
  readonly fileFailures: { file: string; reason: string }[] = [];
  state: 'open' | 'closed' | 'aborted' = 'open';
  rejected(rejection: Rejection): void {
    this.rejections.push(rejection);
  }
  fileFailed(file: string, reason: string): void {
    this.fileFailures.push({ file, reason });
  }
  async ready(): Promise<void> {}
  async close(): Promise<void> {
    this.state = 'closed';
  }
  async abort(): Promise<void> {
    this.state = 'aborted';
  }
}

async function* bytes(...chunks: string[]): AsyncGenerator<Uint8Array> {
  for (const chunk of chunks) yield Buffer.from(chunk);
}

const line = (userId: string, minute: number, messageId: string) =>
  JSON.stringify({
    type: 'track',
    event: 'Clicked',
    userId,
    timestamp: new Date(Date.UTC(2024, 0, 1, 9, minute)).toISOString(),
    messageId,
  });

describe('ingestObject', () => {
  it('merges each user once with all of their deduplicated events, in session order', async () => {
    const writer = new FakeSessionWriter(minutesToMs(30));
    const sink = new MemorySink();
    const text = [
      line('b', 5, 'm3'),
      line('a', 1, 'm1'),
      'not json',
      line('a', 0, 'm2'),
      line('a', 1, 'm1'),
    ].join('\n');

    const stats = await ingestObject({
      file: 'incoming/x.ndjson',
      source: bytes(text),
      writer,
      rejections: sink,
    });

    expect(stats).toEqual({
      eventsRead: 5,
      accepted: 4,
      rejected: 1,
      usersTouched: 2,
      newEvents: 3,
      sessionsWritten: 2,
    });
    expect(writer.calls.map(({ userId, events }) => [userId, events.map((event) => event.id)])).toEqual([
      ['a', ['m2', 'm1']],
      ['b', ['m3']],
    ]);
    expect(sink.rejections).toEqual([
      {
        file: 'incoming/x.ndjson',
        position: 3,
        reason: expect.stringMatching(/^invalid JSON/),
        raw: 'not json',
      },
    ]);
    expect(sink.state).toBe('closed');
  });

  it('reports a file that is not an export once, and merges nothing', async () => {
    const writer = new FakeSessionWriter(minutesToMs(30));
    const sink = new MemorySink();

    const stats = await ingestObject({
      file: 'f',
      source: bytes('just text\nmore text\n'),
      writer,
      rejections: sink,
    });

    expect(stats.fileError).toMatch(/^not a JSON or NDJSON export/);
    expect(sink.rejections).toEqual([]);
    expect(sink.fileFailures).toEqual([{ file: 'f', reason: stats.fileError }]);
    expect(writer.calls).toEqual([]);
  });

  it('rethrows a failing source instead of calling the file bad, and aborts the report', async () => {
    const writer = new FakeSessionWriter(minutesToMs(30));
    const sink = new MemorySink();
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield Buffer.from(`${line('a', 0, 'm1')}\n{"type":"tra`);
      throw new Error('connection reset');
    }

    await expect(ingestObject({ file: 'f', source: failing(), writer, rejections: sink })).rejects.toThrow(
      'connection reset',
    );
    expect(sink.state).toBe('aborted');
    expect(sink.fileFailures).toEqual([]);
    expect(writer.calls).toEqual([]);
  });

  it('merges at most `concurrency` users at once', async () => {
    let inFlight = 0;
    let peak = 0;
    const writer: SessionWriter = {
      async mergeUserEvents(userId: string, events: readonly EventRecord[]): Promise<UserMergeResult> {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 1));
        inFlight--;
        return { userId, newEvents: events.length, sessionsWritten: 1, attempts: 1 };
      },
    };
    const text = Array.from({ length: 50 }, (_, i) => line(`u${i}`, 0, `m${i}`)).join('\n');

    const stats = await ingestObject({
      file: 'f',
      source: bytes(text),
      writer,
      rejections: new MemorySink(),
      concurrency: 16,
    });

    expect(stats).toMatchObject({ usersTouched: 50, newEvents: 50, sessionsWritten: 50 });
    expect(peak).toBe(16);
  });
});

describe('mapBounded', () => {
  it('keeps results in input order', async () => {
    const results = await mapBounded([30, 10, 20], 2, async (ms) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return ms * 2;
    });
    expect(results).toEqual([60, 20, 40]);
  });

  it('starts nothing after a failure, waits for the tasks in flight, then throws the first error', async () => {
    const started: number[] = [];
    const finished: number[] = [];
    const run = mapBounded([0, 1, 2, 3, 4, 5], 2, async (item) => {
      started.push(item);
      await new Promise((resolve) => setTimeout(resolve, item === 1 ? 1 : 20));
      if (item === 1) throw new Error('throttled');
      finished.push(item);
      return item;
    });

    await expect(run).rejects.toThrow('throttled');
    expect(started).toEqual([0, 1]);
    expect(finished).toEqual([0]);
  });

  it('handles an empty list', async () => {
    await expect(mapBounded([], 16, async () => 1)).resolves.toEqual([]);
  });
});
