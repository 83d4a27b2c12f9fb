// How every command line here (sessionize, npm run replay, upload, erase, rebuild, viewer, generate, bench,
// soak) is read: parseArgs, then a refusal of an option given twice, since parseArgs keeps the last of one
// given twice, so `--prefix a/ --prefix b/` would drop a/ without a word.
import { type ParseArgsConfig, parseArgs } from 'node:util';

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
    return { problem: withoutBrokenHint((error as Error).message) };
  }
  if ((read.values as Record<string, unknown>).help === true) return read;
  const repeated = repeatedOption(read.tokens, hints);
  return repeated === undefined ? read : { problem: repeated };
}

/**
 * parseArgs's unknown-option message, whose hint for a file named like an option ends without its closing
 * quote (`as in '-- "--x"`), said with a hint that can be copied: the name goes after a `--` of its own.
 */
function withoutBrokenHint(message: string): string {
  const unknown = /^Unknown option '(.*)'\. To specify a positional argument starting with a '-'/s.exec(
    message,
  );
  if (unknown === null) return message;
  const name = unknown[1] as string;
  return `Unknown option '${name}' (a file named ${name} goes after a -- of its own: -- ${name})`;
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
