// Delivers S3 events to the ingest handler the way Lambda's asynchronous invocation would: one
// invocation per object, retried up to twice with backoff when it throws, and a record of what was
// ingested so objects whose invocation never finished (the stack was stopped) are ingested on the next
// start instead of being lost.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import type { S3Event, S3EventRecord } from 'aws-lambda';
import type { IngestResult, RecordOutcome } from '../functions/ingest/create-ingest-handler.js';
import type { IngestStats } from '../functions/ingest/ingest-object.js';
import { decodeS3EventKey } from '../functions/shared/s3-event-key.js';

export type IngestOutcome = { key: string; attempts: number; durationMs: number } & (
  | { status: 'ingested'; stats: IngestStats; report?: string }
  | { status: 'file-failed'; stats: IngestStats; report: string }
  | { status: 'gone' }
  | { status: 'skipped'; reason: string }
  /** Every attempt threw; left for the next start (as a Lambda DLQ would keep it for a redrive). */
  | { status: 'failed'; error: unknown }
  /** The stack stopped first; the object is ingested on the next start. */
  | { status: 'interrupted' }
);

export interface IngestQueueOptions {
  invoke: (event: S3Event) => Promise<IngestResult>;
  ledger?: IngestLedger;
  /** Lambda's asynchronous invocation: the first try and two retries. */
  maxAttempts?: number;
  /** Delay before retry `n` (1-based). Lambda waits minutes; locally seconds are enough. */
  retryDelayMs?: (retry: number) => number;
  /** Objects ingested at once; the same object is never ingested twice at once. */
  concurrency?: number;
  onOutcome?: (outcome: IngestOutcome) => void;
  onRetry?: (key: string, attempt: number, error: unknown, delayMs: number) => void;
}

const unquote = (eTag: string) => eTag.replace(/^"|"$/g, '');

type LedgerStatus = 'ingested' | 'file-failed' | 'gone';

/**
 * Append-only NDJSON list of objects (key + ETag) whose ingest finished for good. An object not listed
 * under its current ETag still needs ingesting. Ingest is idempotent, so the only cost of a missing line
 * is doing the work again.
 */
export class IngestLedger {
  private readonly done = new Map<string, Set<string>>();

  constructor(private readonly path: string) {
    if (!existsSync(path)) return;
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      try {
        const entry = JSON.parse(line) as { key?: unknown; eTag?: unknown };
        if (typeof entry.key === 'string' && typeof entry.eTag === 'string')
          this.remember(entry.key, entry.eTag);
      } catch {
        // A line torn by a crash mid-write: that object is simply ingested again.
      }
    }
  }

  isDone(key: string, eTag: string): boolean {
    return this.done.get(key)?.has(unquote(eTag)) ?? false;
  }

  record(key: string, eTag: string, status: LedgerStatus): void {
    this.remember(key, eTag);
    appendFileSync(
      this.path,
      `${JSON.stringify({ key, eTag: unquote(eTag), status, at: new Date().toISOString() })}\n`,
    );
  }

  private remember(key: string, eTag: string): void {
    let eTags = this.done.get(key);
    if (eTags === undefined) {
      eTags = new Set();
      this.done.set(key, eTags);
    }
    eTags.add(unquote(eTag));
  }
}

class Closed extends Error {}

export class IngestQueue {
  private readonly maxAttempts: number;
  private readonly retryDelayMs: (retry: number) => number;
  private readonly concurrency: number;
  /** Tail of each object's chain of invocations, so one object's events run one after another. */
  private readonly perObject = new Map<string, Promise<void>>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly waiting: (() => void)[] = [];
  private running = 0;
  private closed = false;
  private readonly closing = new AbortController();

  constructor(private readonly options: IngestQueueOptions) {
    this.maxAttempts = options.maxAttempts ?? 3;
    this.retryDelayMs = options.retryDelayMs ?? ((retry) => 500 * 4 ** (retry - 1));
    this.concurrency = options.concurrency ?? 2;
  }

  /** Queues one invocation per record (S3 sends one record per event; a hand-made event may hold more). */
  enqueue(event: S3Event): void {
    if (this.closed) return;
    for (const record of event.Records) {
      const objectId = `${record.s3.bucket.name}/${record.s3.object.key}`;
      const previous = this.perObject.get(objectId) ?? Promise.resolve();
      const next = previous.then(() => this.deliver(record));
      this.perObject.set(objectId, next);
      this.inFlight.add(next);
      void next.finally(() => {
        this.inFlight.delete(next);
        if (this.perObject.get(objectId) === next) this.perObject.delete(objectId);
      });
    }
  }

  /** Resolves when everything queued so far has finished. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) {
      await Promise.allSettled([...this.inFlight]);
    }
  }

  /**
   * Stops taking events and cancels queued ones and pending retries (the ledger brings them back on the
   * next start); waits up to `graceMs` for running invocations.
   */
  async close(graceMs = 5_000): Promise<void> {
    this.closed = true;
    this.closing.abort();
    for (const wake of this.waiting.splice(0)) wake();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.idle(),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
      }),
    ]);
    clearTimeout(timer);
  }

  private async deliver(record: S3EventRecord): Promise<void> {
    const key = safeDecode(record.s3.object.key);
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    let attempts = 0;
    try {
      await this.acquire();
      try {
        for (;;) {
          attempts++;
          try {
            const result = await this.options.invoke({ Records: [record] });
            const outcome = this.outcomeOf(result.records[0], key, attempts, elapsed());
            this.remember(record, outcome);
            this.options.onOutcome?.(outcome);
            return;
          } catch (error) {
            if (this.closed) throw new Closed();
            if (attempts >= this.maxAttempts) {
              this.options.onOutcome?.({ key, status: 'failed', error, attempts, durationMs: elapsed() });
              return;
            }
            const delayMs = this.retryDelayMs(attempts);
            this.options.onRetry?.(key, attempts, error, delayMs);
            await this.sleep(delayMs);
          }
        }
      } finally {
        this.release();
      }
    } catch (error) {
      if (!(error instanceof Closed)) throw error;
      this.options.onOutcome?.({ key, status: 'interrupted', attempts, durationMs: elapsed() });
    }
  }

  private outcomeOf(
    outcome: RecordOutcome | undefined,
    key: string,
    attempts: number,
    durationMs: number,
  ): IngestOutcome {
    const base = { key, attempts, durationMs };
    switch (outcome?.status) {
      case 'ingested':
        return {
          ...base,
          status: 'ingested',
          stats: outcome.stats,
          ...(outcome.report !== undefined && { report: outcome.report }),
        };
      case 'file-failed':
        return { ...base, status: 'file-failed', stats: outcome.stats, report: outcome.report };
      case 'gone':
        return { ...base, status: 'gone' };
      case 'skipped':
        return { ...base, status: 'skipped', reason: outcome.reason };
      default:
        return { ...base, status: 'skipped', reason: 'the handler reported nothing for this record' };
    }
  }

  private remember(record: S3EventRecord, outcome: IngestOutcome): void {
    const eTag = record.s3.object.eTag;
    if (this.options.ledger === undefined || !eTag) return;
    if (outcome.status === 'ingested' || outcome.status === 'file-failed' || outcome.status === 'gone') {
      this.options.ledger.record(outcome.key, eTag, outcome.status);
    }
  }

  private async acquire(): Promise<void> {
    while (this.running >= this.concurrency) {
      if (this.closed) throw new Closed();
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    if (this.closed) throw new Closed();
    this.running++;
  }

  private release(): void {
    this.running--;
    this.waiting.shift()?.();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.closing.signal.aborted) {
        reject(new Closed());
        return;
      }
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(new Closed());
      };
      const timer = setTimeout(() => {
        this.closing.signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      this.closing.signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}

function safeDecode(encodedKey: string): string {
  try {
    return decodeS3EventKey(encodedKey);
  } catch {
    return encodedKey;
  }
}
