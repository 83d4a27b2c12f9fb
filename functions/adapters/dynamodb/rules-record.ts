import { type CompiledRules, describeRules, type SessionRules } from '../../domain/rules/session-rules.js';
import { META_PK, RULES_SK } from './keys.js';
import { errorName, itemKey, type Transport } from './transport.js';

/**
 * The session rules a table's data were cut under, recorded with the data: an ingest running other rules
 * must not merge into it (a silent mix would break rule 6). A rebuild moves the table to new rules: while it
 * runs, `target` names them and ingests running them may proceed.
 */
export interface TableRules {
  readonly fingerprint: string;
  readonly rules: SessionRules;
  readonly target?: { readonly fingerprint: string; readonly rules: SessionRules } | undefined;
}

export class TableRulesMismatchError extends Error {
  constructor(table: TableRules, current: CompiledRules) {
    super(
      `this table's sessions were cut under other rules (${describeRules(table.rules)}) than this function runs (${describeRules(current.source)}); run a rebuild (npm run rebuild) to recompute them under the new rules, or deploy the old rules again`,
    );
    this.name = 'TableRulesMismatchError';
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
        : { fingerprint: item.tf.S, rules: JSON.parse(targetRules) as SessionRules },
  };
}

/** Whether data cut under `table` may be merged with `rules`: the same rules, or the ones a rebuild moves to. */
export function acceptsRules(table: TableRules, rules: CompiledRules): boolean {
  return table.fingerprint === rules.fingerprint || table.target?.fingerprint === rules.fingerprint;
}

const CHECK_EVERY_MS = 60_000;
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
