// SQS semantics of the local queue on a fake clock: visibility, receive counts, dead letters, redrive, and
// what a new process finds on disk.
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalSqsQueue } from '../../../local/sqs-queue.js';

let dir: string;
let now: number;

function openQueue(overrides: { maxReceiveCount?: number; onUnreadable?: (path: string) => void } = {}) {
  return new LocalSqsQueue({
    dir,
    visibilityTimeoutMs: 1_000,
    maxReceiveCount: overrides.maxReceiveCount ?? 3,
    now: () => now,
    ...(overrides.onUnreadable !== undefined && { onUnreadable: overrides.onUnreadable }),
  });
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sqs-queue-'));
  now = 1_000_000;
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('LocalSqsQueue', () => {
  it('receives at most `max` visible messages, oldest first, and hides them for the visibility timeout', () => {
    const queue = openQueue();
    const sent = ['a', 'b', 'c'].map((body) => queue.send(body));

    const first = queue.receive(2);
    const meanwhile = queue.receive(10);

    expect(first.received.map((message) => message.body)).toEqual(['a', 'b']);
    expect(first.received.every((message) => message.receiveCount === 1)).toBe(true);
    expect(meanwhile.received.map((message) => message.messageId)).toEqual([sent[2]?.messageId]);
    expect(queue.receive(10).received).toEqual([]);
    expect(queue.nextVisibleAt()).toBe(now + 1_000);
  });

  it('delivers an undeleted message again once its visibility runs out, counting receives', () => {
    const queue = openQueue();
    queue.send('a');
    const first = queue.receive(1).received[0];

    now += 999;
    const tooEarly = queue.receive(1).received;
    now += 1;
    const second = queue.receive(1).received[0];

    expect(tooEarly).toEqual([]);
    expect(second?.messageId).toBe(first?.messageId);
    expect(second?.receiveCount).toBe(2);
    expect(second?.receiptHandle).not.toBe(first?.receiptHandle);
    expect(second?.firstReceivedAt).toBe(first?.firstReceivedAt);
  });

  it('deletes only with the receipt handle of the latest receive', () => {
    const queue = openQueue();
    queue.send('a');
    const first = queue.receive(1).received[0];
    now += 1_000;
    const second = queue.receive(1).received[0];

    const staleDelete = queue.delete(first?.messageId as string, first?.receiptHandle as string);
    const delete_ = queue.delete(second?.messageId as string, second?.receiptHandle as string);

    expect(staleDelete).toBe(false);
    expect(delete_).toBe(true);
    expect(queue.size).toBe(0);
    expect(readdirSync(join(dir, 'queue'))).toEqual([]);
  });

  it('moves a message received maxReceiveCount times to the dead-letter queue instead of a fourth receive', () => {
    const queue = openQueue({ maxReceiveCount: 3 });
    const sent = queue.send('poison');
    for (let receive = 1; receive <= 3; receive++) {
      const [message] = queue.receive(1).received;
      queue.recordFailure(sent.messageId, message?.receiptHandle as string, `failure ${receive}`);
      now += 1_000;
    }

    const result = queue.receive(10);

    expect(result.received).toEqual([]);
    expect(result.deadLettered).toMatchObject([
      { messageId: sent.messageId, receiveCount: 3, lastError: 'failure 3', deadLetteredAt: now },
    ]);
    expect(queue.size).toBe(0);
    expect(queue.listDeadLetters().map((message) => message.body)).toEqual(['poison']);
  });

  it('redrives dead letters as new messages with a fresh receive count, only those selected', () => {
    const queue = openQueue({ maxReceiveCount: 1 });
    const kept = queue.send('keep');
    const redriven = queue.send('redrive');
    queue.receive(10);
    now += 1_000;
    queue.receive(10);

    const result = queue.redrive((message) => message.body === 'redrive');

    expect(result).toHaveLength(1);
    expect(result[0]?.messageId).not.toBe(redriven.messageId);
    expect(result[0]?.receiveCount).toBe(0);
    expect(queue.receive(10).received.map((message) => message.body)).toEqual(['redrive']);
    expect(queue.listDeadLetters().map((message) => message.messageId)).toEqual([kept.messageId]);
  });

  it('survives its process: a new instance finds every message, receive counts kept and in-flight ones visible', () => {
    const before = openQueue();
    before.send('in flight');
    before.send('waiting');
    before.receive(1);

    // As after a SIGKILL: nothing was closed, the in-memory state is simply gone.
    const after = openQueue();
    const received = after.receive(10).received;

    expect(received.map((message) => [message.body, message.receiveCount])).toEqual([
      ['in flight', 2],
      ['waiting', 1],
    ]);
    expect(after.send('new').sequence).toBeGreaterThan(received[1]?.sequence as number);
  });

  it('completes a move to the dead-letter queue that a crash cut short, and ignores torn temporary files', () => {
    const before = openQueue({ maxReceiveCount: 1 });
    const sent = before.send('poison');
    before.receive(1);
    now += 1_000;
    before.receive(1);
    // The state between the move's two steps: in both folders.
    writeFileSync(join(dir, 'queue', `${sent.messageId}.json`), JSON.stringify({ ...sent, receiveCount: 1 }));
    writeFileSync(join(dir, 'queue', `.${sent.messageId}.123.tmp`), '{"messageId":');
    const unreadable: string[] = [];
    writeFileSync(join(dir, 'queue', 'not-a-message.json'), '{"hello":1}');

    const after = openQueue({ maxReceiveCount: 1, onUnreadable: (path) => unreadable.push(path) });

    expect(after.size).toBe(0);
    expect(after.listDeadLetters().map((message) => message.messageId)).toEqual([sent.messageId]);
    expect(existsSync(join(dir, 'queue', `${sent.messageId}.json`))).toBe(false);
    expect(existsSync(join(dir, 'queue', `.${sent.messageId}.123.tmp`))).toBe(false);
    expect(unreadable).toEqual([join(dir, 'queue', 'not-a-message.json')]);
  });
});
