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

/** The table's rules record: one item, beside the users' partitions. */
export const RULES_KEY = itemKey(META_PK, RULES_SK);

export async function readTableRules(transport: Transport): Promise<TableRules | undefined> {
  const item = await transport.get(RULES_KEY);
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
            sealKey: sealKeyOf(item.tk?.S),
          },
  };
}

/** A rebuild's seal key as the record holds it (`tk`, base64). */
export function sealKeyOf(base64: string | undefined): Uint8Array | undefined {
  return base64 === undefined ? undefined : Buffer.from(base64, 'base64');
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
        { ...RULES_KEY, rf: { S: rules.fingerprint }, ru: { S: JSON.stringify(rules.source) } },
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
