// The ingest queue and Lambda's SQS event source mapping in front of the handler: batches of up to
// `batchSize` messages, at most `maxConcurrency` invocations at once, partial batch responses
// (`batchItemFailures`) honoured, and a throwing invocation failing its whole batch. A batch stays
// invisible while its invocation runs; what is not deleted comes back a visibility timeout after it
// ended, and goes to the dead-letter queue once it has been received `maxReceiveCount` times
// (see sqs-queue.ts).
import { createHash } from 'node:crypto';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { type FailedMessages, failedMessageIds, reasonFor } from './batch-response.js';
import { describeError } from './errors.js';
import type { LocalSqsQueue, StoredMessage } from './sqs-queue.js';

/** What became of one object a message named (the ingest's ObjectOutcome, as far as the stack reads it). */
export interface MessageOutcome {
  readonly status: string;
  readonly key?: string;
}

/**
 * A Lambda handler for SQS events; its result is read as a partial batch response (SQSBatchResponse).
 * `onMessageDone` names a message whose work is finished before the whole batch is, with what became of its
 * objects: a stop that cuts the batch short deletes it rather than give it back to be done again.
 */
export type SqsBatchHandler = (
  event: SQSEvent,
  onMessageDone?: (messageId: string, outcomes: readonly MessageOutcome[]) => void,
) => Promise<unknown>;

export type QueueActivity =
  | { type: 'succeeded'; message: StoredMessage; durationMs: number }
  /** Not deleted: received again once `retryInMs` has passed, or dead-lettered then. */
  | { type: 'failed'; message: StoredMessage; reason: string; retryInMs: number; lastReceive: boolean }
  | { type: 'dead-lettered'; message: StoredMessage }
  /** Not done when the stack stopped: given back uncounted, delivered again on the next start. */
  | { type: 'released'; message: StoredMessage };

export interface IngestQueueOptions {
  queue: LocalSqsQueue;
  batchSize: number;
  maxConcurrency: number;
  queueArn?: string;
  onActivity?: (activity: QueueActivity) => void;
}

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

interface Invocation {
  readonly batch: readonly StoredMessage[];
  readonly started: number;
  /** The ids of the messages the handler said were done (SqsBatchHandler's onMessageDone). */
  readonly done: Set<string>;
}

export class IngestQueue {
  private handler: SqsBatchHandler | undefined;
  private running = 0;
  /** Running invocations, each with the messages it was handed. */
  private readonly invocations = new Map<Promise<void>, Invocation>();
  /** Set once a stop gave the messages still running back: their outcome no longer counts. */
  private released = false;
  private pumpScheduled = false;
  private visibilityTimer: NodeJS.Timeout | undefined;
  private idleWaiters: (() => void)[] = [];
  private closed = false;

  constructor(private readonly options: IngestQueueOptions) {}

  get sqs(): LocalSqsQueue {
    return this.options.queue;
  }

  /** Persists the message at once; it is delivered once start() was called. */
  send(body: string): StoredMessage {
    const message = this.options.queue.send(body);
    this.schedulePump();
    return message;
  }

  redrive(select?: (message: StoredMessage) => boolean): StoredMessage[] {
    const redriven = this.options.queue.redrive(select);
    this.schedulePump();
    return redriven;
  }

  /** Starts invoking `handler`, beginning with whatever an earlier run left in the queue. */
  start(handler: SqsBatchHandler): void {
    this.handler = handler;
    this.schedulePump();
  }

  /** Resolves once the queue is empty (every message deleted or dead-lettered) and nothing runs. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Stops receiving and waits up to `graceMs` for running invocations. The messages of those that fail
   * meanwhile, or still run then (the servers they write to stop next), are given back uncounted, in the
   * queue on disk: delivered again on the next start, and never dead-lettered for a stop. A message of a
   * running batch that the handler said was done is deleted, as it would have been at the batch's end.
   */
  async close(graceMs = 5_000): Promise<void> {
    this.closed = true;
    clearTimeout(this.visibilityTimer);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.invocations.keys()]),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
      }),
    ]);
    clearTimeout(timer);
    this.released = true;
    for (const { batch, started, done } of this.invocations.values()) {
      for (const message of batch) {
        if (done.has(message.messageId)) this.succeeded(message, started);
        else this.giveBack(message);
      }
    }
    for (const wake of this.idleWaiters.splice(0)) wake();
  }

  private succeeded(message: StoredMessage, started: number): void {
    this.options.queue.delete(message.messageId, message.receiptHandle as string);
    const durationMs = Math.round(performance.now() - started);
    this.options.onActivity?.({ type: 'succeeded', message, durationMs });
  }

  private giveBack(message: StoredMessage): void {
    this.options.queue.release(message.messageId, message.receiptHandle as string);
    this.options.onActivity?.({ type: 'released', message });
  }

  /** Coalesces sends of one tick, so a burst of notifications is received as batches. */
  private schedulePump(): void {
    if (this.pumpScheduled || this.closed) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    if (this.closed || this.handler === undefined) return;
    const { queue, batchSize, maxConcurrency } = this.options;
    while (this.running < maxConcurrency) {
      const { received, deadLettered } = queue.receive(batchSize);
      for (const message of deadLettered) this.options.onActivity?.({ type: 'dead-lettered', message });
      if (received.length === 0) break;
      this.running++;
      const running: Invocation = { batch: received, started: performance.now(), done: new Set() };
      const handler = this.handler;
      // Started after this loop: a handler that holds the thread would outlive its batch's visibility while
      // the loop still receives, and get its own messages again.
      const invocation = Promise.resolve(running)
        .then((batch) => this.invoke(handler, batch))
        .finally(() => {
          this.running--;
          this.invocations.delete(invocation);
          this.schedulePump();
        });
      this.invocations.set(invocation, running);
    }
    this.armVisibilityTimer();
    if (this.isIdle()) for (const wake of this.idleWaiters.splice(0)) wake();
  }

  /** Wakes the pump when the next invisible message becomes visible (to retry or dead-letter it). */
  private armVisibilityTimer(): void {
    clearTimeout(this.visibilityTimer);
    const next = this.options.queue.nextVisibleAt();
    if (next === undefined) return;
    this.visibilityTimer = setTimeout(
      () => this.schedulePump(),
      Math.max(0, next - this.options.queue.now()) + 1,
    );
  }

  private isIdle(): boolean {
    return this.running === 0 && this.options.queue.size === 0;
  }

  /**
   * Keeps the batch invisible while its invocation runs. On AWS a call ends within the function's timeout,
   * a sixth of the queue's visibility timeout; a local call has no timeout, and a file that takes longer
   * than the visibility timeout to ingest would otherwise be received again while it runs.
   */
  private keepInvisible(batch: readonly StoredMessage[]): NodeJS.Timeout {
    const { queue } = this.options;
    const timer = setInterval(
      () => {
        for (const message of batch)
          queue.extendVisibility(message.messageId, message.receiptHandle as string);
      },
      Math.max(1, Math.floor(queue.visibilityTimeoutMs / 3)),
    );
    timer.unref();
    return timer;
  }

  private async invoke(handler: SqsBatchHandler, { batch, started, done }: Invocation): Promise<void> {
    const heartbeat = this.keepInvisible(batch);
    let failed: FailedMessages;
    try {
      const response = await handler({ Records: batch.map((m) => this.toRecord(m)) }, (messageId) =>
        done.add(messageId),
      );
      failed = failedMessageIds(batch, response);
    } catch (error) {
      failed = { ids: new Set(batch.map((message) => message.messageId)), reason: describeError(error) };
    } finally {
      clearInterval(heartbeat);
    }
    // The stop gave this batch back already; what its cut-off run ended with says nothing of the messages.
    if (this.released) return;
    const { queue, onActivity } = this.options;
    const ended = queue.now();
    for (const message of batch) {
      const receiptHandle = message.receiptHandle as string;
      if (!failed.ids.has(message.messageId)) {
        this.succeeded(message, started);
        continue;
      }
      // A failure once the stop began is the stop's: Ctrl-C signals the servers too, which die at once.
      if (this.closed) {
        this.giveBack(message);
        continue;
      }
      const reason = reasonFor(failed, message.messageId);
      // From the end, not the last heartbeat (a call that held the thread may have outlived that timeout),
      // and one instant for the batch, so that it comes back together.
      queue.extendVisibility(message.messageId, receiptHandle, ended);
      queue.recordFailure(message.messageId, receiptHandle, reason);
      onActivity?.({
        type: 'failed',
        message,
        reason,
        retryInMs: Math.max(0, message.visibleAt - queue.now()),
        lastReceive: message.receiveCount >= queue.maxReceiveCount,
      });
    }
  }

  private toRecord(message: StoredMessage): SQSRecord {
    return {
      messageId: message.messageId,
      receiptHandle: message.receiptHandle as string,
      body: message.body,
      attributes: {
        ApproximateReceiveCount: String(message.receiveCount),
        SentTimestamp: String(message.sentAt),
        SenderId: 'LOCAL',
        ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt ?? message.sentAt),
      },
      messageAttributes: {},
      md5OfBody: md5(message.body),
      eventSource: 'aws:sqs',
      eventSourceARN: this.options.queueArn ?? 'arn:aws:sqs:us-east-1:000000000000:sessionizer-local-ingest',
      awsRegion: 'us-east-1',
    };
  }
}
