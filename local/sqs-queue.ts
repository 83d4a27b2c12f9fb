// An SQS standard queue with a redrive policy, in process and persisted in the data dir: the semantics
// the ingest sees on AWS (S3 notifies a queue; Lambda receives batches and deletes what succeeded).
// - A received message is invisible for the visibility timeout (which its receiver may extend, as with
//   ChangeMessageVisibility); unless it is deleted with the receipt handle of its latest receive, it
//   becomes visible again and is received again.
// - Every receive increments its receive count; a message that becomes visible again after
//   `maxReceiveCount` receives moves to the dead-letter queue instead of being received again.
// - Dead letters stay until redriven, which sends them again as new messages.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { MessageFolder, type StoredMessage } from './message-store.js';

export type { StoredMessage } from './message-store.js';

export interface SqsQueueOptions {
  /** Holds the queue's messages (`queue/`) and its dead letters (`dead-letter/`). */
  dir: string;
  visibilityTimeoutMs: number;
  maxReceiveCount: number;
  now?: () => number;
  onUnreadable?: (path: string, problem: string) => void;
}

export interface ReceiveResult {
  received: StoredMessage[];
  /** Moved to the dead-letter queue by this receive, having been received `maxReceiveCount` times. */
  deadLettered: StoredMessage[];
}

const byAge = (a: StoredMessage, b: StoredMessage) => a.sequence - b.sequence;

export class LocalSqsQueue {
  private readonly messages = new Map<string, StoredMessage>();
  private readonly deadLetters = new Map<string, StoredMessage>();
  private readonly queueFolder: MessageFolder;
  private readonly deadLetterFolder: MessageFolder;
  readonly now: () => number;
  private sequence = 0;

  /**
   * Loads what an earlier process left. Its in-flight messages are visible at once, receive counts
   * kept: the data-dir lock guarantees that no consumer of that process is still working on them.
   */
  constructor(private readonly options: SqsQueueOptions) {
    this.now = options.now ?? Date.now;
    this.queueFolder = new MessageFolder(join(options.dir, 'queue'));
    this.deadLetterFolder = new MessageFolder(join(options.dir, 'dead-letter'));
    for (const message of this.deadLetterFolder.loadAll(options.onUnreadable)) {
      this.deadLetters.set(message.messageId, message);
    }
    const now = this.now();
    for (const message of this.queueFolder.loadAll(options.onUnreadable)) {
      // In both folders: the move to the dead-letter queue was cut short after its first step.
      if (this.deadLetters.has(message.messageId)) {
        this.queueFolder.delete(message.messageId);
        continue;
      }
      this.messages.set(message.messageId, { ...message, visibleAt: Math.min(message.visibleAt, now) });
    }
    for (const message of [...this.messages.values(), ...this.deadLetters.values()]) {
      this.sequence = Math.max(this.sequence, message.sequence);
    }
  }

  get maxReceiveCount(): number {
    return this.options.maxReceiveCount;
  }

  get visibilityTimeoutMs(): number {
    return this.options.visibilityTimeoutMs;
  }

  /** Messages in the queue, visible or in flight (not the dead letters). */
  get size(): number {
    return this.messages.size;
  }

  send(body: string): StoredMessage {
    const now = this.now();
    const message: StoredMessage = {
      messageId: randomUUID(),
      body,
      sentAt: now,
      sequence: ++this.sequence,
      receiveCount: 0,
      visibleAt: now,
    };
    this.queueFolder.save(message);
    this.messages.set(message.messageId, message);
    return message;
  }

  /** Up to `max` visible messages, oldest first, each made invisible for the visibility timeout. */
  receive(max: number): ReceiveResult {
    const now = this.now();
    const result: ReceiveResult = { received: [], deadLettered: [] };
    const visible = [...this.messages.values()].filter((message) => message.visibleAt <= now).sort(byAge);
    for (const message of visible) {
      if (result.received.length >= max) break;
      if (message.receiveCount >= this.options.maxReceiveCount) {
        result.deadLettered.push(this.moveToDeadLetters(message, now));
        continue;
      }
      const received: StoredMessage = {
        ...message,
        receiveCount: message.receiveCount + 1,
        firstReceivedAt: message.firstReceivedAt ?? now,
        visibleAt: now + this.options.visibilityTimeoutMs,
        receiptHandle: randomUUID(),
      };
      this.queueFolder.save(received);
      this.messages.set(received.messageId, received);
      result.received.push(received);
    }
    return result;
  }

  /**
   * Deletes a message received with `receiptHandle`. False when that receive is no longer the latest
   * (its visibility ran out and it was received again): the later receive decides, as in SQS.
   */
  delete(messageId: string, receiptHandle: string): boolean {
    const message = this.messages.get(messageId);
    if (message === undefined || message.receiptHandle !== receiptHandle) return false;
    this.queueFolder.delete(messageId);
    this.messages.delete(messageId);
    return true;
  }

  /**
   * Keeps a received message invisible for another visibility timeout from now (or `from`), as SQS's
   * ChangeMessageVisibility does; false when that receive is no longer the latest.
   */
  extendVisibility(messageId: string, receiptHandle: string, from = this.now()): boolean {
    const message = this.messages.get(messageId);
    if (message === undefined || message.receiptHandle !== receiptHandle) return false;
    const extended = { ...message, visibleAt: from + this.options.visibilityTimeoutMs };
    this.queueFolder.save(extended);
    this.messages.set(messageId, extended);
    return true;
  }

  /** Notes why a receive failed; the message stays invisible until its visibility timeout runs out. */
  recordFailure(messageId: string, receiptHandle: string, reason: string): void {
    const message = this.messages.get(messageId);
    if (message === undefined || message.receiptHandle !== receiptHandle) return;
    const failed = { ...message, lastError: reason };
    this.queueFolder.save(failed);
    this.messages.set(messageId, failed);
  }

  /**
   * Gives back a receive the stack's own stop cut short: the message is visible again at once and that
   * receive does not count, so stopping the stack never pushes a message toward its dead-letter queue.
   */
  release(messageId: string, receiptHandle: string): void {
    const message = this.messages.get(messageId);
    if (message === undefined || message.receiptHandle !== receiptHandle) return;
    const { receiptHandle: _, ...rest } = message;
    const released: StoredMessage = {
      ...rest,
      receiveCount: Math.max(0, message.receiveCount - 1),
      visibleAt: this.now(),
    };
    this.queueFolder.save(released);
    this.messages.set(messageId, released);
  }

  /** When the next invisible message becomes visible; undefined when none is waiting. */
  nextVisibleAt(): number | undefined {
    let next: number | undefined;
    const now = this.now();
    for (const { visibleAt } of this.messages.values()) {
      if (visibleAt > now && (next === undefined || visibleAt < next)) next = visibleAt;
    }
    return next;
  }

  list(): StoredMessage[] {
    return [...this.messages.values()].sort(byAge);
  }

  listDeadLetters(): StoredMessage[] {
    return [...this.deadLetters.values()].sort(byAge);
  }

  /**
   * Sends the dead letters `select` picks back to the queue as new messages (new id, receive count 0),
   * as an SQS redrive does, and returns the new messages.
   */
  redrive(select: (message: StoredMessage) => boolean = () => true): StoredMessage[] {
    const redriven: StoredMessage[] = [];
    for (const deadLetter of this.listDeadLetters()) {
      if (!select(deadLetter)) continue;
      // Sent first: a crash in between leaves a duplicate (ingest is idempotent), never a loss.
      redriven.push(this.send(deadLetter.body));
      this.deadLetterFolder.delete(deadLetter.messageId);
      this.deadLetters.delete(deadLetter.messageId);
    }
    return redriven;
  }

  private moveToDeadLetters(message: StoredMessage, now: number): StoredMessage {
    const { receiptHandle: _, ...rest } = message;
    const deadLetter: StoredMessage = { ...rest, deadLetteredAt: now };
    // Written to the dead-letter folder first; the constructor completes a move cut short here.
    this.deadLetterFolder.save(deadLetter);
    this.queueFolder.delete(message.messageId);
    this.messages.delete(message.messageId);
    this.deadLetters.set(message.messageId, deadLetter);
    return deadLetter;
  }
}
