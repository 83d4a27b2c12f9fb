import { DynamoDbRebuilder } from '../../../functions/adapters/dynamodb/rebuilder.js';
import {
  ensureTableRules,
  forgetRulesCheck,
  readTableRules,
} from '../../../functions/adapters/dynamodb/rules-record.js';
import { DynamoDbTableRebuild } from '../../../functions/adapters/dynamodb/table-rebuild.js';
import { Transport } from '../../../functions/adapters/dynamodb/transport.js';
import {
  type CompiledRules,
  compileRules,
  type SessionRules,
} from '../../../functions/domain/rules/session-rules.js';
import { CallCopyTexts } from '../../../functions/domain/store/copy-texts.js';
import type { CopyTextSource } from '../../../functions/domain/store/ports.js';
import { beginTableRebuild } from '../../../functions/rebuild/rebuild-table.js';
import { type RebuildRun, type RebuildRunOptions, runTableRebuild } from '../../../local/rebuild-runner.js';
import { readingCopiesFrom } from '../../unit/ingest/ingest-object-harness.js';
import { Crash, crashingClient } from './crashing-client.js';
import type { StoreUnderTest } from './store-harness.js';

export const PAGE_LIMIT_BYTES = 600;

export function rulesOf(rules: Partial<SessionRules>): CompiledRules {
  return compileRules({ gapMinutes: 30, gapMinutesByPlatform: {}, identityStitching: false, ...rules });
}

/** Records the store's rules in the table as the first ingest does (the cached check is per process). */
export async function recordRules(store: StoreUnderTest): Promise<void> {
  forgetRulesCheck();
  await ensureTableRules(store.transport, store.rules);
  forgetRulesCheck();
}

/** The rebuild's table side and a writer of the target rules, as the rebuild function and the ingest wire them. */
export function rebuildTo(
  transport: Transport,
  target: CompiledRules,
  options: { scanPageItems?: number; copyTexts?: () => CopyTextSource } = {},
) {
  const { copyTexts, ...tableOptions } = options;
  const rebuilder = new DynamoDbRebuilder({
    transport,
    rules: target,
    pageLimitBytes: PAGE_LIMIT_BYTES,
    ...(copyTexts !== undefined && { copyTexts }),
  });
  return {
    rebuilder,
    writer: rebuilder.writer,
    table: new DynamoDbTableRebuild({ transport, rebuilder, ...tableOptions }),
  };
}

/**
 * Rebuilds the store's table to `target` as the state machine does, and gives the store as an ingest of the
 * target then writes to it.
 */
export async function rebuildStore(
  store: StoreUnderTest,
  target: CompiledRules,
  options: { totalSegments?: number } = {},
): Promise<{ run: RebuildRun; store: StoreUnderTest }> {
  const rebuild = rebuildTo(store.transport, target);
  const run = await runRebuild(rebuild.table, options);
  return { run, store: { ...store, rules: target, writer: rebuild.writer } };
}

/** What the state machine does (begin, every segment with its cursor until done, finish), three segments by default. */
export function runRebuild(
  table: DynamoDbTableRebuild,
  options: {
    totalSegments?: number;
    sliceMs?: number;
    drainMs?: number;
    clock?: Pick<RebuildRunOptions, 'now' | 'sleep' | 'onWait'>;
  } = {},
): Promise<RebuildRun> {
  return runTableRebuild(table, {
    totalSegments: options.totalSegments ?? 3,
    sliceMs: options.sliceMs ?? 60_000,
    // No ingest of the old rules runs here unless a test writes as one, which gives its own drain.
    drainMs: options.drainMs ?? 0,
    ...(options.clock !== undefined && options.clock),
  });
}

/**
 * Rebuilds the store's table to `target` as the state machine does, reading tied copies again from `bucket`
 * (the exports); first cut short by a client that crashes after `crashAfter` writes, or with `meanwhile` run
 * once the rebuild began, when asked. Gives the store as an ingest of the target writes to it.
 */
export async function rebuildReadingCopies(
  store: StoreUnderTest,
  target: CompiledRules,
  bucket: ReadonlyMap<string, Uint8Array>,
  options: { endpoint: string; crashAfter?: number | undefined; meanwhile?: () => Promise<void> },
): Promise<StoreUnderTest> {
  const copyTexts = () => new CallCopyTexts(readingCopiesFrom(bucket).readCopies);
  if (options.meanwhile !== undefined) {
    await beginTableRebuild(rebuildTo(store.transport, target).table);
    await options.meanwhile();
  }
  if (options.crashAfter !== undefined) {
    const client = crashingClient(options.endpoint, options.crashAfter);
    const transport = new Transport({ client, tableName: store.tableName, baseDelayMs: 2 });
    await runRebuild(rebuildTo(transport, target, { scanPageItems: 2, copyTexts }).table, {
      totalSegments: 2,
    }).catch((error: unknown) => {
      // The crash may reach here wrapped by the merge or move that met it.
      if (!(error instanceof Crash) && !String(error).includes('simulated crash')) throw error;
    });
    client.destroy();
  }
  // Started again, it resumes; unless the crash came after the finish.
  if ((await readTableRules(store.transport))?.fingerprint !== target.fingerprint)
    await runRebuild(rebuildTo(store.transport, target, { scanPageItems: 3, copyTexts }).table);
  return { ...store, rules: target, writer: rebuildTo(store.transport, target).writer };
}
