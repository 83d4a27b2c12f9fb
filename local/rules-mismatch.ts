// What a start of the local stack says when the data dir's sessions were cut under other rules than its own.
import { acceptsRules, type TableRules } from '../functions/adapters/dynamodb/rules-record.js';
import { type CompiledRules, describeRules, sameRules } from '../functions/domain/rules/session-rules.js';
import { dataDirEnv, portsEnv, type StackPorts } from './command-words.js';
import { rulesAsVariables } from './ingest-env.js';

/**
 * What a start says of the data dir's rules: that uploads will be refused (the ingest checks the table's
 * rules, rule 6) when its sessions were cut under other rules than this start's, or that a rebuild to these
 * rules did not finish (no rebuild runs beside a starting stack: it holds the data dir), so sessions it has
 * not reached yet are still cut under the old ones. The start it suggests names `dataDir` unless it is the
 * default, and the ports set to other than theirs, so that, copied, it starts on this data dir and its ports.
 */
export function rulesMismatch(
  table: TableRules | undefined,
  current: CompiledRules,
  dataDir: string,
  ports: StackPorts,
): string | undefined {
  if (table === undefined) return undefined;
  const startEnv = `${dataDirEnv(dataDir)}${portsEnv(ports)}`;
  if (table.target !== undefined && sameRules(table.target.fingerprint, current.fingerprint)) {
    return (
      `a rebuild of this data dir's sessions to ${describeRules(table.target.rules)} did not finish: those it ` +
      `did not reach are still cut under ${describeRules(table.rules)}; run \`npm run rebuild\` (with the same ` +
      'variables) to finish it'
    );
  }
  if (acceptsRules(table, current)) return undefined;
  if (table.target !== undefined) {
    return (
      `a rebuild of this data dir's sessions to ${describeRules(table.target.rules)} did not finish, and this ` +
      `start's rules are ${describeRules(current.source)}: every upload is refused until \`npm run rebuild\` ` +
      `(with the same variables) cuts them all under this start's rules, or start with the rebuild's ` +
      `(${startEnv}${rulesAsVariables(table.target.rules)} npm start)`
    );
  }
  return (
    `the sessions in this data dir were cut under ${describeRules(table.rules)}, not under this start's ` +
    `${describeRules(current.source)}: every upload is refused until \`npm run rebuild\` (with the same ` +
    `variables) cuts them again, or start with the rules they were cut under ` +
    `(${startEnv}${rulesAsVariables(table.rules)} npm start)`
  );
}

/**
 * What a start says of the data dir's rules ({@link rulesMismatch}), and that same warning as why every upload
 * is refused when it means that (not for a rebuild to this start's rules left unfinished, whose ingests the
 * table takes): the stack records it in its lock, and `npm run upload` says it again.
 */
export function startRules(
  table: TableRules | undefined,
  current: CompiledRules,
  dataDir: string,
  ports: StackPorts,
): { warning: string | undefined; uploadsRefused: string | undefined } {
  const warning = rulesMismatch(table, current, dataDir, ports);
  const refused = table !== undefined && !acceptsRules(table, current);
  return { warning, uploadsRefused: refused ? warning : undefined };
}
