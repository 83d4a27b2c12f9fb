// The ledger of objects ingested for good: by key and ETag (quotes or not), across processes, torn lines.
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IngestLedger } from '../../../local/ingest-ledger.js';

let dir: string;
let path: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ledger-'));
  path = join(dir, 'ledger.ndjson');
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('IngestLedger', () => {
  it('knows an object by key and ETag, quoted or not, also in a new process', () => {
    const ledger = new IngestLedger(path);

    ledger.record('incoming/x', '"abc"');

    expect(ledger.isDone('incoming/x', 'abc')).toBe(true);
    expect(ledger.isDone('incoming/x', '"abc"')).toBe(true);
    expect(ledger.isDone('incoming/x', 'replaced')).toBe(false);
    expect(ledger.isDone('incoming/y', 'abc')).toBe(false);
    expect(new IngestLedger(path).isDone('incoming/x', 'abc')).toBe(true);
  });

  it('writes an object once however often it is recorded', () => {
    const ledger = new IngestLedger(path);

    ledger.record('incoming/x', 'abc');
    ledger.record('incoming/x', 'abc');

    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('ignores a line torn by a crash and keeps the others', () => {
    new IngestLedger(path).record('incoming/z', 'e');
    appendFileSync(path, '{"key":"incoming/torn","eT');

    const reopened = new IngestLedger(path);

    expect(reopened.isDone('incoming/z', 'e')).toBe(true);
    expect(reopened.isDone('incoming/torn', '')).toBe(false);
  });
});
