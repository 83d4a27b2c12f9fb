import { randomBytes } from 'node:crypto';
import {
  type CompiledRules,
  describeRules,
  type SessionRules,
  sameRules,
} from '../../domain/rules/session-rules.js';
import { META_PK, RULES_SK } from './keys.js';
import { errorName } from './request-errors.js';
import { itemKey, type Transport } from './transport.js';

/**
 * The session rules a table's data were cut under, recorded with the data: an ingest running other rules
 * must not merge into it (a silent mix would break rule 6). A rebuild moves the table to new rules: while it
 * runs, `target` names them and ingests running them may proceed.
 */
export interface TableRules {
  readonly fingerprint: string;
  readonly rules: SessionRules;
  readonly target?: RebuildTarget | undefined;
}

export interface RebuildTarget {
  readonly fingerprint: string;
  readonly rules: SessionRules;
  /**
   * When the rebuild began (epoch ms, the rebuild's clock), kept when a begin resumes it; undefined only in a
   * record written before it was kept (`recordBegun` fills it in).
   */
  readonly begunAt?: number | undefined;
  /**
   * The rebuild's own random key (`tk`, 32 bytes), which seals the users' ids it hands the state machine;
   * removed when it finishes. Undefined only in a record written before it was kept (`recordBegun` fills it in).
   */
  readonly sealKey?: Uint8Array | undefined;
}

export class TableRulesMismatchError extends Error {
  constructor(table: TableRules, current: CompiledRules) {
    super(
      table.target === undefined
        ? `this table's sessions were cut under other rules (${describeRules(table.rules)}) than this function runs (${describeRules(current.source)}); rebuild them under this function's rules (the stage's rebuild; npm run rebuild locally), or run it with the table's rules again (deploy them; locally, restart npm start with them)`
        : `this table is being rebuilt under other rules (${describeRules(table.target.rules)}) than this function runs (${describeRules(current.source)}); deploy those rules, or let the rebuild finish first`,
    );
    this.name = 'TableRulesMismatchError';
  }
}

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

const KEY = itemKey(META_PK, RULES_SK);

export async function readTableRules(transport: Transport): Promise<TableRules | undefined> {
  const item = await transport.get(KEY);
  if (item?.rf?.S === undefined || item.ru?.S === undefined) return undefined;
  const targetRules = item.tr?.S;
  return {
    fingerprint: item.rf.S,
    rules: JSON.parse(item.ru.S) as SessionRules,
    target:
      item.tf?.S === undefined || targetRules === undefined
        ? undefined
        : {
            fingerprint: item.tf.S,
            rules: JSON.parse(targetRules) as SessionRules,
            begunAt: item.tb?.N === undefined ? undefined : Number(item.tb.N),
            sealKey: keyOf(item.tk?.S),
          },
  };
}

function keyOf(base64: string | undefined): Uint8Array | undefined {
  return base64 === undefined ? undefined : Buffer.from(base64, 'base64');
}

/** A new key for a rebuild to seal under (AES-256). */
function newSealKey(): string {
  return randomBytes(32).toString('base64');
}

/**
 * Whether data cut under `table` may be merged with `rules`: the table's rules, or while a rebuild runs only
 * the ones it moves to (an ingest running the old rules is refused from the moment the rebuild begins); in
 * whatever form either was written, when they cut the same sessions (`sameRules`).
 */
export function acceptsRules(table: TableRules, rules: CompiledRules): boolean {
  return sameRules(table.target?.fingerprint ?? table.fingerprint, rules.fingerprint);
}

/** How long an ingest trusts its last look at the rules record; see `ingestDrainMs`. */
export const CHECK_EVERY_MS = 60_000;

/**
 * Covers the clocks of the hosts differing and a write sent just before an invocation was stopped being
 * applied a moment later.
 */
const DRAIN_MARGIN_MS = 5_000;

/**
 * How long after a rebuild began an ingest of the old rules may still write: one that passed its check
 * (`ensureTableRules`, once per invocation) just before the begin skips the next ones for CHECK_EVERY_MS, and
 * an invocation that started then runs at most `ingestTimeoutMs` (the ingest function's timeout).
 */
export function ingestDrainMs(ingestTimeoutMs: number): number {
  return CHECK_EVERY_MS + ingestTimeoutMs + DRAIN_MARGIN_MS;
}

let checked: { fingerprint: string; at: number } | undefined;

/** Records the rules on a new table, or refuses other rules; rechecked at most once a minute per container. */
export async function ensureTableRules(
  transport: Transport,
  rules: CompiledRules,
  now = Date.now(),
): Promise<void> {
  if (checked?.fingerprint === rules.fingerprint && now - checked.at < CHECK_EVERY_MS) return;
  let table = await readTableRules(transport);
  if (table === undefined) {
    try {
      await transport.put(
        { ...KEY, rf: { S: rules.fingerprint }, ru: { S: JSON.stringify(rules.source) } },
        { ConditionExpression: 'attribute_not_exists(pk)' },
      );
      table = { fingerprint: rules.fingerprint, rules: rules.source };
    } catch (error) {
      if (errorName(error) !== 'ConditionalCheckFailedException') throw error;
      table = await readTableRules(transport);
    }
  }
  if (table !== undefined && !acceptsRules(table, rules)) throw new TableRulesMismatchError(table, rules);
  checked = { fingerprint: rules.fingerprint, at: now };
}

/** Forgets the cached check (tests, and the rebuild after it moved the table). */
export function forgetRulesCheck(): void {
  checked = undefined;
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
      sealKey: keyOf(sealKey),
    };
    try {
      await transport.update(KEY, {
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
  const item = await transport.update(KEY, {
    UpdateExpression: 'SET tb = if_not_exists(tb, :tb), tk = if_not_exists(tk, :tk)',
    ConditionExpression: 'tf = :tf',
    ExpressionAttributeValues: {
      ':tb': { N: String(now) },
      ':tk': { S: newSealKey() },
      ':tf': { S: target.fingerprint },
    },
    ReturnValues: 'ALL_NEW',
  });
  const recorded = keyOf(item?.tk?.S);
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
    await transport.update(KEY, {
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
