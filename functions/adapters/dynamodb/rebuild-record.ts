/**
 * A rebuild's steps on the table's rules record (rules-record.ts): begin it (its target and seal key
 * recorded), say where it stands, finish it (the table moved to the target).
 */
import { randomBytes } from 'node:crypto';
import { type CompiledRules, describeRules, sameRules } from '../../domain/rules/session-rules.js';
import { errorName } from './request-errors.js';
import {
  forgetRulesCheck,
  type RebuildTarget,
  RULES_KEY,
  readTableRules,
  sealKeyOf,
  type TableRules,
} from './rules-record.js';
import type { Transport } from './transport.js';

/** A rebuild step that does not fit the table's rules record: says what the record holds and what to do. */
export class RebuildRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RebuildRefusedError';
  }
}

/** The table's sessions are already cut under the rules a rebuild was asked for: there is nothing to do. */
export class AlreadyAtRulesError extends RebuildRefusedError {
  constructor(message: string) {
    super(message);
    this.name = 'AlreadyAtRulesError';
  }
}

/** No ingest has recorded rules in the table: it holds no sessions, and the first ingest records its rules. */
export class NothingIngestedError extends RebuildRefusedError {
  constructor() {
    super(
      'this table records no session rules yet: nothing was ingested into it, so there is nothing to rebuild (the first ingest records its rules)',
    );
    this.name = 'NothingIngestedError';
  }
}

/** A new key for a rebuild to seal under (AES-256). */
function newSealKey(): string {
  return randomBytes(32).toString('base64');
}

/**
 * Records that a rebuild to `target` is in progress (`tf`, `tr`), when it began (`tb`, `now`), from which
 * moment only ingests running `target` are accepted, and a new key to seal under (`tk`). Beginning again the
 * rebuild already in progress resumes it, keeping its begin time and key.
 */
export async function beginRebuild(
  transport: Transport,
  target: CompiledRules,
  now = Date.now(),
): Promise<TableRules> {
  for (;;) {
    const table = await readTableRules(transport);
    if (table === undefined) throw new NothingIngestedError();
    if (table.target !== undefined) {
      if (sameRules(table.target.fingerprint, target.fingerprint)) {
        try {
          return { ...table, target: await recordBegun(transport, table.target, now) };
        } catch (error) {
          // Finished meanwhile: decide again on what the record holds now.
          if (errorName(error) === 'ConditionalCheckFailedException') continue;
          throw error;
        }
      }
      throw new RebuildRefusedError(
        `a rebuild to other rules (${describeRules(table.target.rules)}) is in progress; finish it by running the rebuild with those rules before rebuilding under ${describeRules(target.source)}`,
      );
    }
    if (sameRules(table.fingerprint, target.fingerprint)) {
      throw new AlreadyAtRulesError(
        `the table's sessions are already cut under these rules (${describeRules(target.source)}): nothing to rebuild`,
      );
    }
    const sealKey = newSealKey();
    const recorded = {
      fingerprint: target.fingerprint,
      rules: target.source,
      begunAt: now,
      sealKey: sealKeyOf(sealKey),
    };
    try {
      await transport.update(RULES_KEY, {
        UpdateExpression: 'SET tf = :tf, tr = :tr, tb = :tb, tk = :tk',
        ConditionExpression: 'rf = :rf AND attribute_not_exists(tf)',
        ExpressionAttributeValues: {
          ':tf': { S: recorded.fingerprint },
          ':tr': { S: JSON.stringify(recorded.rules) },
          ':tb': { N: String(now) },
          ':tk': { S: sealKey },
          ':rf': { S: table.fingerprint },
        },
      });
    } catch (error) {
      // Another begin (or finish) changed the record meanwhile: decide again on what it holds now.
      if (errorName(error) === 'ConditionalCheckFailedException') continue;
      throw error;
    }
    forgetRulesCheck();
    return { ...table, target: recorded };
  }
}

/**
 * `target` with its begin time and key: the recorded ones, or for a rebuild begun before they were kept, `now`
 * (a later time than the real begin, so a drain counted from it is no shorter) and a new key, recorded.
 */
export async function recordBegun(
  transport: Transport,
  target: RebuildTarget,
  now = Date.now(),
): Promise<RebuildTarget & { readonly begunAt: number; readonly sealKey: Uint8Array }> {
  const { begunAt, sealKey } = target;
  if (begunAt !== undefined && sealKey !== undefined) return { ...target, begunAt, sealKey };
  const item = await transport.update(RULES_KEY, {
    UpdateExpression: 'SET tb = if_not_exists(tb, :tb), tk = if_not_exists(tk, :tk)',
    ConditionExpression: 'tf = :tf',
    ExpressionAttributeValues: {
      ':tb': { N: String(now) },
      ':tk': { S: newSealKey() },
      ':tf': { S: target.fingerprint },
    },
    ReturnValues: 'ALL_NEW',
  });
  const recorded = sealKeyOf(item?.tk?.S);
  if (item?.tb?.N === undefined || recorded === undefined)
    throw new Error('the rules record kept no begin time or key');
  return { ...target, begunAt: Number(item.tb.N), sealKey: recorded };
}

/**
 * The record while a rebuild to `target` is in progress, or 'finished' once the table is at `target`; refuses
 * otherwise (begin the rebuild first).
 */
export async function rebuildState(
  transport: Transport,
  target: CompiledRules,
): Promise<(TableRules & { readonly target: RebuildTarget }) | 'finished'> {
  const table = await readTableRules(transport);
  if (table?.target !== undefined && sameRules(table.target.fingerprint, target.fingerprint))
    return { ...table, target: table.target };
  if (table !== undefined && table.target === undefined && sameRules(table.fingerprint, target.fingerprint))
    return 'finished';
  throw new RebuildRefusedError(
    table?.target !== undefined
      ? `the rebuild in progress moves to other rules (${describeRules(table.target.rules)}) than this function runs (${describeRules(target.source)})`
      : `no rebuild to ${describeRules(target.source)} is in progress: begin one first`,
  );
}

/**
 * Moves the record to the rebuild's rules (the table's data are now cut under them), as `target` writes them
 * (the rebuild may have begun with them in another form), and drops the rebuild's key: what it sealed into the
 * state machine's history opens no more. 'already' when an earlier finish did it.
 */
export async function finishRebuild(
  transport: Transport,
  target: CompiledRules,
): Promise<'finished' | 'already'> {
  const state = await rebuildState(transport, target);
  if (state === 'finished') return 'already';
  try {
    await transport.update(RULES_KEY, {
      UpdateExpression: 'SET rf = :rf, ru = :ru REMOVE tf, tr, tb, tk',
      ConditionExpression: 'tf = :tf',
      ExpressionAttributeValues: {
        ':rf': { S: target.fingerprint },
        ':ru': { S: JSON.stringify(target.source) },
        ':tf': { S: state.target.fingerprint },
      },
    });
  } catch (error) {
    if (errorName(error) !== 'ConditionalCheckFailedException') throw error;
    // A concurrent finish got there first; anything else is refused with what the record holds now.
    return finishRebuild(transport, target);
  }
  forgetRulesCheck();
  return 'finished';
}
