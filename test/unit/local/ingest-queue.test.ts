// Lambda-like delivery of S3 events: one object at a time, retries with backoff, the ledger, and stopping.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Event } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import type { IngestResult } from '../../../functions/ingest/create-ingest-handler.js';
import type { IngestStats } from '../../../functions/ingest/ingest-object.js';
import { IngestLedger, type IngestOutcome, IngestQueue } from '../../../local/ingest-queue.js';
import { encodeS3EventKey } from '../../../local/s3-event.js';

const stats: IngestStats = {
  eventsRead: 2,
  accepted: 2,
  rejected: 0,
  usersTouched: 1,
  newEvents: 2,
  sessionsWritten: 1,
};

function event(key: string, eTag = 'etag-1'): S3Event {
  return {
    Records: [
      {
        eventName: 'ObjectCreated:Put',
        s3: { bucket: { name: 'b' }, object: { key: encodeS3EventKey(key), size: 1, eTag } },
      },
    ],
  } as unknown as S3Event;
}

const ingested = (key: string): IngestResult => ({ records: [{ status: 'ingested', key, stats }] });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const dirs: string[] = [];
function tempLedgerPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-'));
  dirs.push(dir);
  return join(dir, 'ledger.ndjson');
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('IngestQueue', () => {
  it('never runs two invocations for the same object at once, but runs different objects together', async () => {
    const running = new Set<string>();
    let overlapSameKey = false;
    let maxRunning = 0;
    const queue = new IngestQueue({
      concurrency: 2,
      invoke: async (e) => {
        const key = e.Records[0]?.s3.object.key as string;
        if (running.has(key)) overlapSameKey = true;
        running.add(key);
        maxRunning = Math.max(maxRunning, running.size);
        await sleep(20);
        running.delete(key);
        return ingested(key);
      },
    });
    queue.enqueue(event('incoming/a'));
    queue.enqueue(event('incoming/a'));
    queue.enqueue(event('incoming/b'));
    await queue.idle();
    expect(overlapSameKey).toBe(false);
    expect(maxRunning).toBe(2);
  });

  it('retries a throwing invocation twice with backoff, then reports it failed', async () => {
    const outcomes: IngestOutcome[] = [];
    const retries: [number, number][] = [];
    let calls = 0;
    const queue = new IngestQueue({
      retryDelayMs: (retry) => retry * 5,
      invoke: async () => {
        calls++;
        throw new Error('throttled');
      },
      onOutcome: (outcome) => outcomes.push(outcome),
      onRetry: (_key, attempt, _error, delayMs) => retries.push([attempt, delayMs]),
    });
    queue.enqueue(event('incoming/a b.ndjson'));
    await queue.idle();
    expect(calls).toBe(3);
    expect(retries).toEqual([
      [1, 5],
      [2, 10],
    ]);
    expect(outcomes).toMatchObject([{ key: 'incoming/a b.ndjson', status: 'failed', attempts: 3 }]);
  });

  it('reports success on a retry, and records finished objects in the ledger', async () => {
    const path = tempLedgerPath();
    const ledger = new IngestLedger(path);
    const outcomes: IngestOutcome[] = [];
    let calls = 0;
    const queue = new IngestQueue({
      ledger,
      retryDelayMs: () => 1,
      invoke: async () => {
        if (++calls === 1) throw new Error('transient');
        return ingested('incoming/x');
      },
      onOutcome: (outcome) => outcomes.push(outcome),
    });
    queue.enqueue(event('incoming/x', '"abc"'));
    await queue.idle();
    expect(outcomes).toMatchObject([{ status: 'ingested', attempts: 2, stats }]);
    expect(ledger.isDone('incoming/x', 'abc')).toBe(true);
    expect(ledger.isDone('incoming/x', '"abc"')).toBe(true);
    expect(ledger.isDone('incoming/x', 'other')).toBe(false);
    // A new process reads the same file.
    expect(new IngestLedger(path).isDone('incoming/x', 'abc')).toBe(true);
    expect(readFileSync(path, 'utf8')).toContain('"status":"ingested"');
  });

  it('does not record failures in the ledger, and ignores torn lines', async () => {
    const path = tempLedgerPath();
    const ledger = new IngestLedger(path);
    const queue = new IngestQueue({
      ledger,
      maxAttempts: 1,
      invoke: async () => {
        throw new Error('down');
      },
    });
    queue.enqueue(event('incoming/y'));
    await queue.idle();
    expect(ledger.isDone('incoming/y', 'etag-1')).toBe(false);
    ledger.record('incoming/z', 'e', 'ingested');
    const { appendFileSync } = await import('node:fs');
    appendFileSync(path, '{"key":"incoming/torn","eT');
    expect(new IngestLedger(path).isDone('incoming/z', 'e')).toBe(true);
  });

  it('on close, cancels a pending retry and queued work as interrupted, without invoking again', async () => {
    const outcomes: IngestOutcome[] = [];
    let calls = 0;
    const queue = new IngestQueue({
      concurrency: 1,
      retryDelayMs: () => 60_000,
      invoke: async () => {
        calls++;
        throw new Error('fails');
      },
      onOutcome: (outcome) => outcomes.push(outcome),
    });
    queue.enqueue(event('incoming/a'));
    queue.enqueue(event('incoming/b'));
    await sleep(20);
    const started = Date.now();
    await queue.close(1_000);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(calls).toBe(1);
    expect(outcomes.map(({ key, status }) => [key, status]).sort()).toEqual([
      ['incoming/a', 'interrupted'],
      ['incoming/b', 'interrupted'],
    ]);
    queue.enqueue(event('incoming/c'));
    await queue.idle();
    expect(calls).toBe(1);
  });
});
