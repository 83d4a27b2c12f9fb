import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { BatchResult } from '../../../cli/batch.js';
import { createOutput, type OutputSink } from '../../../cli/output/writer.js';
import { RejectionLog } from '../../../cli/rejection-log.js';
import type { SessionSummary } from '../../../functions/domain/sessions/summary.js';

/** A sink whose buffer is full after each write until it drains, as a pipe to a slow reader is. */
class SlowSink extends EventEmitter implements OutputSink {
  readonly chunks: string[] = [];
  write(text: string): boolean {
    this.chunks.push(text);
    return false;
  }
}

const view = (userId: string): SessionSummary => ({
  userId,
  sessionId: '20240101T000000000Z',
  sessionNumber: 1,
  startedAt: Date.UTC(2024, 0, 1),
  endedAt: Date.UTC(2024, 0, 1),
  eventCount: 1,
  pageViews: 0,
  bounce: true,
  entryPage: null,
  exitPage: null,
  campaign: null,
  anonymousIds: [],
  device: null,
  firstEvent: 'e',
  lastEvent: 'e',
});

describe('createOutput', () => {
  it('asks the producer to wait while the sink is full, and lets it go on drain', async () => {
    const sink = new SlowSink();
    const output = createOutput('json', sink);
    expect(output.drained()).toBeUndefined();

    output.sessions(Array.from({ length: 2_000 }, (_, index) => view(`user-${'x'.repeat(40)}-${index}`)));
    const waiting = output.drained();

    expect(waiting).toBeInstanceOf(Promise);
    let released = false;
    void waiting?.then(() => {
      released = true;
    });
    await Promise.resolve();
    expect(released).toBe(false);
    sink.emit('drain');
    await waiting;
    expect(released).toBe(true);
    expect(output.drained()).toBeUndefined();
  });

  it('never asks to wait when the sink keeps up', () => {
    const chunks: string[] = [];
    const output = createOutput('json', { write: (text) => chunks.push(text) > 0, once: () => undefined });
    output.sessions(Array.from({ length: 2_000 }, (_, index) => view(`user-${index}`)));
    expect(output.drained()).toBeUndefined();
    expect(chunks.length).toBeGreaterThan(0);
  });

  it.each(['json', 'table'] as const)(
    'writes what waits for the end (%s: the rejections) only as fast as the sink takes it',
    async (format) => {
      const sink = new SlowSink();
      const output = createOutput(format, sink);
      const rejected = new RejectionLog();
      for (let i = 1; i <= 20_000; i++)
        rejected.add({ file: 'f', position: i, reason: 'bad', raw: 'x'.repeat(100) });
      const result: BatchResult = {
        sessions: [],
        sessionCount: 0,
        userCount: 0,
        rejected,
        files: [],
        accepted: 0,
        distinct: 0,
      };
      let ended = false;
      const ending = output.end(result).then(() => {
        ended = true;
      });
      await new Promise((resolve) => setImmediate(resolve));
      // One chunk went out and the sink is full: the rest waits.
      expect(sink.chunks).toHaveLength(1);
      expect(ended).toBe(false);
      while (!ended) {
        sink.emit('drain');
        await new Promise((resolve) => setImmediate(resolve));
      }
      await ending;
      const text = sink.chunks.join('');
      expect(text.split(format === 'json' ? '"reason":"bad"' : ': bad\n')).toHaveLength(20_001);
      expect(sink.chunks.length).toBeGreaterThan(3);
    },
  );
});
