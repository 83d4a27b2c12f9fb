// How every command line here (sessionize, npm run replay, upload, erase, rebuild, viewer, generate, bench,
// soak) is read: parseArgs, then a refusal of an option given twice, since parseArgs keeps the last of one
// given twice, so `--prefix a/ --prefix b/` would drop a/ without a word.
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { distance as editDistance } from 'fastest-levenshtein';
import { escapeControl, escapeControlOfEscaped } from '../contract/visible-text.js';

/** parseArgs's tokens (with `tokens: true`), as far as this reads them. */
type Tokens = readonly { kind: string; name?: string; value?: string | undefined }[] | undefined;

/** What a command line holds once read, tokens included. */
export type CommandLine<T extends ParseArgsConfig> = ReturnType<typeof parseArgs<T & { tokens: true }>>;

/**
 * `config` read by parseArgs (its tokens on), or what is wrong with it: parseArgs's own message, or an option
 * that takes a value given twice, with `hints[name]` after it. A command line that asks for help (`--help`) is
 * read as it is, so that the help shows whatever else it holds, as each command's help did before any check.
 */
export function readCommandLine<T extends Omit<ParseArgsConfig, 'tokens'>>(
  config: T,
  hints: Readonly<Record<string, string>> = {},
): CommandLine<T> | { problem: string } {
  let read: CommandLine<T>;
  try {
    read = parseArgs({ ...config, tokens: true }) as CommandLine<T>;
  } catch (error) {
    return { problem: withoutBrokenHint((error as Error).message, Object.keys(config.options ?? {})) };
  }
  if ((read.values as Record<string, unknown>).help === true) return read;
  const repeated = repeatedOption(read.tokens, hints);
  return repeated === undefined ? read : { problem: repeated };
}

/**
 * parseArgs's unknown-option message, whose hint for a file named like an option ends without its closing
 * quote (`as in '-- "--x"`), said with a hint that can be copied: the name goes after a `--` of its own.
 */
function withoutBrokenHint(message: string, known: readonly string[]): string {
  const unknown = /^Unknown option '(.*)'\. To specify a positional argument starting with a '-'/s.exec(
    message,
  );
  if (unknown === null) {
    // A command that takes no files: parseArgs says only the name.
    const alone = /^Unknown option '(--.*)'$/s.exec(message);
    const meant = alone === null ? undefined : likelyMeant(alone[1] as string, known);
    return meant === undefined ? message : `${message}; did you mean --${meant}?`;
  }
  const name = unknown[1] as string;
  const meant = likelyMeant(name, known);
  const guess = meant === undefined ? '' : `; did you mean --${meant}?`;
  return `Unknown option '${name}'${guess} (a file named ${name} goes after a -- of its own: -- ${name})`;
}

/**
 * The one known option a mistyped long one is closest to (`--sinse`, `--dry_run`, `--Prefix`), within an edit
 * or two as its length allows; none when two are as close, or the name is far from every option.
 */
function likelyMeant(typed: string, known: readonly string[]): string | undefined {
  if (!typed.startsWith('--')) return undefined;
  const name = typed.slice(2).toLowerCase().replaceAll('_', '-');
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  let tied = false;
  for (const option of known) {
    const distance = editDistance(name, option);
    if (distance > Math.max(1, Math.floor(option.length / 3))) continue;
    if (distance < bestDistance) [best, bestDistance, tied] = [option, distance, false];
    else if (distance === bestDistance) tied = true;
  }
  return tied ? undefined : best;
}

/**
 * What is wrong when an option that takes a value is given twice, with `hints[name]` after it, or undefined.
 * A flag given twice means what it means once (`npm run dlq -- --dry-run` repeats one), so it passes.
 */
function repeatedOption(tokens: Tokens, hints: Readonly<Record<string, string>>): string | undefined {
  const seen = new Set<string>();
  for (const token of tokens ?? []) {
    if (token.kind !== 'option' || token.name === undefined || token.value === undefined) continue;
    if (seen.has(token.name)) return `--${token.name} is given twice; give it once${hints[token.name] ?? ''}`;
    seen.add(token.name);
  }
  return undefined;
}

/**
 * A message whose values are quoted as JSON text (`(got "2\t0")`), as a configuration error quotes them for
 * whoever prints it as it is (npm start, a function's log): its backslashes are escapes already.
 */
export interface JsonQuotedMessage {
  readonly jsonQuoted: string;
}

/**
 * A usage error as every command here tells it: `name: message`, then one line saying where the help is, not
 * the whole help, which would scroll the one line that matters out of view. `command` is how its help is asked
 * for, less the `--help`: `sessionize`, `npm run viewer --`. The message is made visible here, once, for every
 * command: a message quotes what it was given as it is (terminal-text.ts `quoted`), and its control characters
 * and backslashes are escaped; one quoting values as JSON keeps its escapes, only what JSON leaves raw is.
 * Escaped line by line: Node's own messages come in lines, which stay lines.
 */
export function usageErrorText(name: string, message: string | JsonQuotedMessage, command: string): string {
  const [text, visible] =
    typeof message === 'string' ? [message, escapeControl] : [message.jsonQuoted, escapeControlOfEscaped];
  return `${name}: ${text.split('\n').map(visible).join('\n')}\n${helpLine(command)}`;
}

/** The line after a usage error saying where the help is: `command` as for {@link usageErrorText}. */
export function helpLine(command: string): string {
  return `Try '${command} --help' for the options.\n`;
}
