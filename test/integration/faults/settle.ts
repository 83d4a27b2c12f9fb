// "After the dust settles", read from the stack's data dir as docs/local.md describes it: every uploaded
// object (key and ETag) is in the ingest ledger, and no message waits in the queue, in flight or dead.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { UploadedObject } from './stack-inputs.js';

const MESSAGE_FILE = /\.json$/;

interface DataDirState {
  /** Messages waiting or in flight. */
  queued: number;
  deadLetters: string[];
  /** Uploaded objects the ledger does not list as ingested. */
  unfinished: string[];
}

function messageFiles(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((name) => MESSAGE_FILE.test(name)) : [];
}

function ledgerEntries(dataDir: string): Set<string> {
  const path = join(dataDir, 'ingest-ledger.ndjson');
  const done = new Set<string>();
  if (!existsSync(path)) return done;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    try {
      const { key, eTag } = JSON.parse(line) as { key: string; eTag: string };
      done.add(`${key}\u0000${eTag}`);
    } catch {
      // A blank line, or one torn by a kill: that object was ingested again after.
    }
  }
  return done;
}

function readState(dataDir: string, uploaded: readonly UploadedObject[]): DataDirState {
  const done = ledgerEntries(dataDir);
  const deadLetterDir = join(dataDir, 'ingest-queue', 'dead-letter');
  return {
    queued: messageFiles(join(dataDir, 'ingest-queue', 'queue')).length,
    deadLetters: messageFiles(deadLetterDir).map((name) => readFileSync(join(deadLetterDir, name), 'utf8')),
    unfinished: uploaded.filter(({ key, eTag }) => !done.has(`${key}\u0000${eTag}`)).map(({ key }) => key),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Resolves once every object of `uploaded` was ingested and the queue has stayed empty for `quietMs`
 * (a duplicate notification of an object already ingested may still be on its way). Throws on a dead
 * letter (the suite runs with a receive count no fault should exhaust) or after `timeoutMs`.
 */
export async function waitUntilSettled(
  dataDir: string,
  uploaded: readonly UploadedObject[],
  { timeoutMs, quietMs = 1_500 }: { timeoutMs: number; quietMs?: number },
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let quietSince: number | undefined;
  for (;;) {
    const state = readState(dataDir, uploaded);
    if (state.deadLetters.length > 0) {
      throw new Error(`dead letters (the ingest gave up on them):\n${state.deadLetters.join('\n')}`);
    }
    const settled = state.queued === 0 && state.unfinished.length === 0;
    if (!settled) quietSince = undefined;
    else quietSince ??= Date.now();
    if (quietSince !== undefined && Date.now() - quietSince >= quietMs) return;
    if (Date.now() > deadline) {
      throw new Error(
        `not settled after ${timeoutMs} ms: ${state.queued} messages queued, not ingested yet: ` +
          `${state.unfinished.slice(0, 10).join(', ') || 'none'}`,
      );
    }
    await sleep(200);
  }
}
