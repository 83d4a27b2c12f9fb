// `npm start` is configured by environment variables only (docs/local.md), and `npm run rebuild` takes its
// rules from them too. An argument such as `--port 3100`, as dev servers take it, or `--gap 20`, as the batch
// CLI does, is answered with the variable to set instead.

import { escapeControl, escapeControlOfEscaped } from '../contract/visible-text.js';
import { shellWord } from './command-words.js';
import {
  type LocalStackEnvVar,
  LOCAL_STACK_VARIABLES as VARIABLES,
  variableProblem,
} from './stack-config.js';

/** The batch CLI's option names for the same rules, which a user of `npx sessionize` tries first. */
const CLI_OPTIONS: Readonly<Record<string, LocalStackEnvVar>> = {
  gap: 'SESSION_GAP_MINUTES',
  'gap-by-platform': 'SESSION_GAP_MINUTES_BY_PLATFORM',
  'max-session': 'SESSION_MAX_MINUTES',
  stitch: 'IDENTITY_STITCHING',
};

const HELP = `Usage: [VARIABLE=value ...] npm start

Runs the whole pipeline on this machine. It takes no arguments: set environment variables instead, e.g.
PORT=3100 SESSIONIZER_DATA_DIR=/tmp/other npm start. The variables (docs/local.md, "Configuration"):
  ${VARIABLES.join(', ')}`;

function variableFor(name: string): string | undefined {
  const cli = CLI_OPTIONS[name];
  if (cli !== undefined) return cli;
  const upper = name.toUpperCase().replaceAll('-', '_');
  return [upper, `SESSIONIZER_${upper}`, `SESSION_${upper}`].find((candidate) =>
    (VARIABLES as readonly string[]).includes(candidate),
  );
}

/** The first of `args` that is an option standing for one of the variables, with the value it gave. */
export function optionAsVariable(
  args: readonly string[],
): { option: string; variable: string; value: string } | undefined {
  for (const [index, arg] of args.entries()) {
    const option = /^--([a-z0-9-]+)(?:=(.*))?$/i.exec(arg);
    const variable = option?.[1] === undefined ? undefined : variableFor(option[1]);
    if (option === null || variable === undefined) continue;
    const next = args[index + 1];
    const value =
      option[2] ??
      (next !== undefined && !next.startsWith('-')
        ? next
        : variable === 'IDENTITY_STITCHING'
          ? 'true'
          : '...');
    return { option: `--${option[1]}`, variable, value };
  }
  return undefined;
}

/**
 * `npm start` with `variable=value` and every other variable of the stack this environment sets validly (its
 * data dir, ports, rules...): copied, it starts the stack the arguments asked for, not one on the default data
 * dir whose recorded rules refuse the start (a variable given on the command line before npm start is no
 * longer set). A variable whose value the stack refuses is left out, and said so with why: repeated, the copy
 * would only be refused for it.
 */
function startWith(variable: string, value: string, env: NodeJS.ProcessEnv): string {
  // The words are shell words, raw only in a newline ending a value, which a shell reads only raw; the stack's
  // problems quote values as JSON: what is raw in them is escaped, their backslashes (a path's, JSON's
  // escapes) left as they are.
  const leftOut: string[] = [];
  const words = VARIABLES.flatMap((name) => {
    if (name === variable) return [`${name}=${value === '...' ? value : shellWord(value)}`];
    const set = env[name];
    if (set === undefined || set === '') return [];
    const problem = variableProblem(name, set);
    if (problem === undefined) return [`${name}=${shellWord(set)}`];
    leftOut.push(`${name} ${problem}`);
    return [];
  });
  const refused = leftOut.length === 1 ? 'it' : 'them';
  const left =
    leftOut.length === 0
      ? ''
      : `; left out, as the stack refuses ${refused}: ${escapeControlOfEscaped(leftOut.join('; '))}`;
  return `${words.join(' ')} npm start${left}`;
}

/** What `npm start` answers to its arguments before anything starts, or undefined to go on (none given). */
export function startArguments(
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): { status: number; text: string } | undefined {
  if (args.length === 0) return undefined;
  if (args.includes('--help') || args.includes('-h')) return { status: 0, text: HELP };
  // What was typed, escaped as every usage error escapes it (a typed backslash doubled, to read apart from an
  // escape): a tab or an escape sequence must not reach the terminal as it is.
  const got = `npm start takes no arguments (got ${args.map(escapeControl).join(' ')})`;
  const instead = optionAsVariable(args);
  if (instead === undefined) {
    return {
      status: 2,
      text: `${got}: it is configured by environment variables, e.g. PORT=3100 npm start; docs/local.md, "Configuration", lists them`,
    };
  }
  const start = startWith(instead.variable, instead.value, env);
  return {
    status: 2,
    text: `${got}: it is configured by environment variables; for this one, ${start} (docs/local.md, "Configuration", lists them)`,
  };
}
