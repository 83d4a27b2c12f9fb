import { DynamoDbRebuilder } from '../../../functions/adapters/dynamodb/rebuilder.js';
import { ensureTableRules, forgetRulesCheck } from '../../../functions/adapters/dynamodb/rules-record.js';
import { DynamoDbTableRebuild } from '../../../functions/adapters/dynamodb/table-rebuild.js';
import type { Transport } from '../../../functions/adapters/dynamodb/transport.js';
import {
  type CompiledRules,
  compileRules,
  type SessionRules,
} from '../../../functions/domain/rules/session-rules.js';
import type { CopyTextSource } from '../../../functions/domain/store/ports.js';
import { type RebuildRun, runTableRebuild } from '../../../local/rebuild-runner.js';
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
  options: { totalSegments?: number; sliceMs?: number } = {},
): Promise<RebuildRun> {
  return runTableRebuild(table, {
    totalSegments: options.totalSegments ?? 3,
    sliceMs: options.sliceMs ?? 60_000,
  });
}
