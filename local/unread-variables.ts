// Variables of `npm start`'s environment that look meant for it but that it does not read. Without this check a
// typo (`SESSION_GAP=5`) or the ingest's own variable (`SESSION_RULES`) started the stack, or rebuilt its
// table, under the default rules, which the data dir then keeps (docs/rules.md, rule 6).

import { ingestEnvShape } from './ingest-env.js';

/** The session rules' variables: every ingest variable of the stack but its sources. */
const RULE_VARIABLES = Object.keys(ingestEnvShape).filter((name) => name !== 'SESSIONIZER_SOURCES');

/** Ours alone; `SESSION_` is not (a desktop session sets `SESSION_MANAGER`), so only rule-like names count there. */
const OWN_PREFIX = 'SESSIONIZER_';

/** Read by scripts/sync-fixtures.mjs, not the stack: set in a shell, it is no mistake. */
const OTHER_COMMANDS_VARIABLES = new Set(['SESSIONIZER_SHARED_DATA']);

const RULE_WORDS = /GAP|MAX|STITCH|PLATFORM/;

/** One problem per such variable, each naming it and the variables meant instead. */
export function unreadVariableProblems(env: NodeJS.ProcessEnv, variables: readonly string[]): string[] {
  const rules = RULE_VARIABLES.join(', ');
  const problems: string[] = [];
  for (const name of Object.keys(env).sort()) {
    if (env[name] === undefined || variables.includes(name) || OTHER_COMMANDS_VARIABLES.has(name)) continue;
    if (name === 'SESSION_RULES') {
      problems.push(
        `SESSION_RULES is the ingest function's variable, which the local stack sets from ${rules}: set those instead`,
      );
    } else if (/^(?:SESSIONIZER_|SESSION_|IDENTITY_)/.test(name) && RULE_WORDS.test(name)) {
      problems.push(`${name} is not a variable of the local stack; the session rules are set by ${rules}`);
    } else if (name.startsWith(OWN_PREFIX)) {
      const own = variables.filter((variable) => variable.startsWith(OWN_PREFIX)).join(', ');
      problems.push(`${name} is not a variable of the local stack; its ${OWN_PREFIX} variables are ${own}`);
    }
  }
  return problems;
}
