// The event source mapping in front of the ingest, with a fake handler: batches, the concurrency bound,
// partial batch responses, retries after the visibility timeout, dead letters, redrive, and a SIGKILL.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SQSEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IngestQueue, type QueueActivity, type SqsBatchHandler } from '../../../local/ingest-queue.js';
import { LocalSqsQueue } from '../../../local/sqs-queue.js';

const VISIBILITY_MS = 80;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let dir: string;
const queues: IngestQueue[] = [];

function openQueue(
  options: {
    batchSize?: number;
    maxConcurrency?: number;
    maxReceiveCount?: number;
    activity?: QueueActivity[];
  } = {},
): IngestQueue {
  const queue = new IngestQueue({
    queue: new LocalSqsQueue({
      dir,
      visibilityTimeoutMs: VISIBILITY_MS,
      maxReceiveCount: options.maxReceiveCount ?? 3,
    }),
    batchSize: options.batchSize ?? 10,
    maxConcurrency: options.maxConcurrency ?? 2,
    onActivity: (activity) => options.activity?.push(activity),
  });
  queues.push(queue);
  return queue;
}

/** Records every invocation's bodies; `decide` returns the handler's response for a batch. */
function recordingHandler(decide: (event: SQSEvent, call: number) => unknown = () => undefined) {
  const calls: string[][] = [];
  const handler: SqsBatchHandler = async (event) => {
    calls.push(event.Records.map((record) => record.body));
    return decide(event, calls.length);
  };
  return { calls, handler };
}

/** A queue (a single receive allowed) invoking `body` with a run that hangs until the test fails it. */
async function hangingInvocation(body: string, activity: QueueActivity[]) {
  const queue = openQueue({ maxReceiveCount: 1, activity });
  let fail!: (error: Error) => void;
  // Waits for the invocation itself, not a while: on a busy machine the queue may deliver later.
  const invoked = new Promise<void>((started) => {
    queue.start(
      () =>
        new Promise<void>((_, reject) => {
          fail = reject;
          started();
        }),
    );
  });
  queue.send(body);
  await invoked;
  return { queue, fail };
}

/** A message whose first invocation runs `work` then fails: the time from that end to its second delivery. */
async function retryGap(work: () => unknown): Promise<number> {
  const queue = openQueue();
  const ended: number[] = [];
  const started: number[] = [];
  queue.start(async () => {
    started.push(Date.now());
    if (started.length > 1) return undefined;
    await work();
    ended.push(Date.now());
    throw new Error('failed after a long run');
  });
  queue.send('slow failure');
  await queue.idle();
  expect(started).toHaveLength(2);
  return (started[1] as number) - (ended[0] as number);
}

const failing = (event: SQSEvent, bodies: string[]) => ({
  batchItemFailures: event.Records.filter((record) => bodies.includes(record.body)).map((record) => ({
    itemIdentifier: record.messageId,
  })),
});

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ingest-queue-'));
});

afterEach(async () => {
  for (const queue of queues.splice(0)) await queue.close(100);
  rmSync(dir, { recursive: true, force: true });
});

describe('IngestQueue', () => {
  it('delivers what was sent in one tick as batches of at most batchSize, as SQS records', async () => {
    const queue = openQueue({ batchSize: 2, maxConcurrency: 1 });
    const events: SQSEvent[] = [];
    queue.start(async (event) => {
      events.push(event);
    });

    for (const body of ['a', 'b', 'c']) queue.send(body);
    await queue.idle();

    expect(events.map((event) => event.Records.map((record) => record.body))).toEqual([['a', 'b'], ['c']]);
    expect(events[0]?.Records[0]).toMatchObject({
      eventSource: 'aws:sqs',
      attributes: { ApproximateReceiveCount: '1' },
      md5OfBody: '0cc175b9c0f1b6a831c399e269772661',
    });
    expect(queue.sqs.size).toBe(0);
  });

  it('never runs more than maxConcurrency invocations at once', async () => {
    const queue = openQueue({ batchSize: 1, maxConcurrency: 3 });
    let running = 0;
    let mostAtOnce = 0;
    queue.start(async () => {
      running++;
      mostAtOnce = Math.max(mostAtOnce, running);
      await sleep(15);
      running--;
    });

    for (let i = 0; i < 10; i++) queue.send(`m${i}`);
    await queue.idle();

    expect(mostAtOnce).toBe(3);
  });

  it('retries only the messages a partial batch response names, after the visibility timeout', async () => {
    const activity: QueueActivity[] = [];
    const queue = openQueue({ activity });
    const started = Date.now();
    const { calls, handler } = recordingHandler((event, call) =>
      call === 1 ? failing(event, ['b']) : undefined,
    );
    queue.start(handler);

    for (const body of ['a', 'b', 'c']) queue.send(body);
    await queue.idle();

    expect(calls).toEqual([['a', 'b', 'c'], ['b']]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(VISIBILITY_MS);
    expect(activity.map((entry) => [entry.type, entry.message.body, entry.message.receiveCount])).toEqual([
      ['succeeded', 'a', 1],
      ['failed', 'b', 1],
      ['succeeded', 'c', 1],
      ['succeeded', 'b', 2],
    ]);
  });

  it('fails the whole batch when the handler throws, and names the error', async () => {
    const activity: QueueActivity[] = [];
    const queue = openQueue({ activity });
    const { calls, handler } = recordingHandler((_event, call) => {
      if (call === 1) throw new Error('DynamoDB is down');
    });
    queue.start(handler);

    queue.send('a');
    queue.send('b');
    await queue.idle();

    expect(calls).toEqual([
      ['a', 'b'],
      ['a', 'b'],
    ]);
    expect(activity.filter((entry) => entry.type === 'failed')).toMatchObject([
      { message: { body: 'a' }, reason: 'Error: DynamoDB is down', lastReceive: false },
      { message: { body: 'b' }, reason: 'Error: DynamoDB is down' },
    ]);
  });

  it('dead-letters a message failing on every one of maxReceiveCount receives, and redrive delivers it again', async () => {
    const activity: QueueActivity[] = [];
    const queue = openQueue({ maxReceiveCount: 2, activity });
    let poisoned = true;
    const { calls, handler } = recordingHandler((event) =>
      poisoned ? failing(event, ['poison']) : undefined,
    );
    queue.start(handler);

    queue.send('poison');
    queue.send('fine');
    await queue.idle();
    const deadLetters = queue.sqs.listDeadLetters();
    poisoned = false;
    queue.redrive();
    await queue.idle();

    expect(calls).toEqual([['poison', 'fine'], ['poison'], ['poison']]);
    expect(activity.map((entry) => [entry.type, entry.message.body])).toEqual([
      ['failed', 'poison'],
      ['succeeded', 'fine'],
      ['failed', 'poison'],
      ['dead-lettered', 'poison'],
      ['succeeded', 'poison'],
    ]);
    expect(activity[2]).toMatchObject({ type: 'failed', lastReceive: true });
    expect(deadLetters).toMatchObject([
      { body: 'poison', receiveCount: 2, lastError: 'reported as failed by the handler (batchItemFailures)' },
    ]);
    expect(queue.sqs.listDeadLetters()).toEqual([]);
  });

  it('keeps a message invisible while its invocation runs, however long past the visibility timeout', async () => {
    const activity: QueueActivity[] = [];
    const queue = openQueue({ maxConcurrency: 2, activity });
    const receiveCounts: string[] = [];
    queue.start(async (event) => {
      receiveCounts.push(event.Records[0]?.attributes.ApproximateReceiveCount as string);
      await sleep(VISIBILITY_MS * 5);
    });

    queue.send('slow');
    await queue.idle();

    // A local ingest has no timeout to end it (Lambda's is a sixth of the queue's visibility timeout).
    expect(receiveCounts).toEqual(['1']);
    expect(activity.map((entry) => entry.type)).toEqual(['succeeded']);
  });

  it('retries a failed message one visibility timeout after its invocation ended, however long it ran', async () => {
    const gap = await retryGap(() => sleep(VISIBILITY_MS * 3));
    expect(gap).toBeGreaterThanOrEqual(VISIBILITY_MS / 3);
  });

  it('retries a failed message a visibility timeout after its invocation ended, also when the invocation held the thread', async () => {
    // A busy machine, or a long synchronous step: no heartbeat runs past the end of the visibility timeout.
    const gap = await retryGap(() => {
      const until = Date.now() + VISIBILITY_MS * 2;
      while (Date.now() < until);
    });
    expect(gap).toBeGreaterThanOrEqual(VISIBILITY_MS / 2);
  });

  it('after a SIGKILL mid-invocation, a new process delivers the message again with its receive count', async () => {
    const before = openQueue();
    let release!: () => void;
    const invoked = new Promise<void>((started) => {
      before.start(
        () =>
          new Promise<void>((resolve) => {
            release = resolve;
            started();
          }),
      );
    });
    before.send('interrupted');
    await invoked;
    // SIGKILL: no close(), no delete; only the files remain. (The old instance is stopped after the test.)

    const after = openQueue();
    const { calls, handler } = recordingHandler();
    const counts: string[] = [];
    after.start(async (event) => {
      counts.push(event.Records[0]?.attributes.ApproximateReceiveCount as string);
      return handler(event);
    });
    await after.idle();
    release();

    expect(calls).toEqual([['interrupted']]);
    expect(counts).toEqual(['2']);
  });

  it('gives back uncounted, on close, a message whose invocation the stop cut short, even on its last receive', async () => {
    const activity: QueueActivity[] = [];
    const { queue: before, fail } = await hangingInvocation('cut short', activity);
    await before.close(10);
    // What the stop does next: the servers go, and the invocation fails for it.
    fail(new Error('connect ECONNREFUSED'));
    await sleep(20);
    expect(activity.map((entry) => entry.type)).toEqual(['released']);

    const after = openQueue({ maxReceiveCount: 1, activity });
    const counts: string[] = [];
    const { calls, handler } = recordingHandler();
    after.start(async (event) => {
      counts.push(event.Records[0]?.attributes.ApproximateReceiveCount as string);
      return handler(event);
    });
    await after.idle();

    expect(calls).toEqual([['cut short']]);
    expect(counts).toEqual(['1']);
    expect(activity.map((entry) => entry.type)).toEqual(['released', 'succeeded']);
  });

  it('on close, deletes the messages of a cut-short batch the handler said were done, and gives back only the rest', async () => {
    const activity: QueueActivity[] = [];
    const before = openQueue({ activity });
    const invoked = new Promise<void>((started) => {
      // Done with the first message, then cut short in the second: never resolves.
      before.start(async (event, onMessageDone) => {
        onMessageDone?.(event.Records[0]?.messageId as string, []);
        started();
        await new Promise(() => undefined);
      });
    });
    before.send('finished');
    before.send('cut short');
    await invoked;
    await before.close(10);
    expect(activity.map((entry) => [entry.type, entry.message.body])).toEqual([
      ['succeeded', 'finished'],
      ['released', 'cut short'],
    ]);

    const after = openQueue();
    const { calls, handler } = recordingHandler();
    after.start(handler);
    await after.idle();
    expect(calls).toEqual([['cut short']]);
  });

  it('gives back uncounted a message whose invocation fails while the stop waits for it (Ctrl-C stops the servers too)', async () => {
    const activity: QueueActivity[] = [];
    const { queue: before, fail } = await hangingInvocation('signalled', activity);
    const closed = before.close(5_000);
    fail(new Error('connect ECONNREFUSED'));
    await closed;
    expect(activity.map((entry) => entry.type)).toEqual(['released']);

    const after = openQueue({ maxReceiveCount: 1 });
    const { calls, handler } = recordingHandler();
    after.start(handler);
    await after.idle();
    expect(calls).toEqual([['signalled']]);
  });

  it('keeps messages sent before start() on disk and delivers them once started', async () => {
    const before = openQueue();
    before.send('early');
    await before.close(0);

    const after = openQueue();
    const { calls, handler } = recordingHandler();
    after.start(handler);
    await after.idle();

    expect(calls).toEqual([['early']]);
  });
});
