import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createOutput, type OutputSink } from '../../../cli/output/writer.js';
import type { SessionView } from '../../../functions/domain/views/session-view.js';

/** A sink whose buffer is full after each write until it drains, as a pipe to a slow reader is. */
class SlowSink extends EventEmitter implements OutputSink {
  readonly chunks: string[] = [];
  write(text: string): boolean {
    this.chunks.push(text);
    return false;
  }
}

const view = (userId: string) => ({ userId, sessionNumber: 1 }) as unknown as SessionView;

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
});
