import { usageErrorText } from '../cli/command-line.js';

/**
 * An argument refused only once the command has looked (replay's --prefix against a stage's sources): a usage
 * error all the same, said as one, with where the help is and status 2. Its message quotes what was given as
 * typed, escaped once when it is printed.
 */
export class LateUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LateUsageError';
  }
}

/** Where a script's command writes its lines (stdout, stderr). */
export interface LineIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/** A script command as its usage errors name it. */
export interface ScriptCommand {
  readonly name: string;
  readonly usage: string;
  /** How its help is asked for, less the `--help`: `npm run erase --`. */
  readonly help: string;
  /** Its problems quote what they were given as JSON (erase's ids): their escapes are not escaped again. */
  readonly quotesJson?: boolean;
}

/**
 * A script command's exit status from its parsed command line: 2 after an argument it refuses, said with where
 * the help is (usageErrorText, as every command), 0 with the usage for --help; otherwise 0 once `run` is done,
 * or, when it throws, 2 for a LateUsageError, said as the other usage errors are, else `statusOf(error)` (1
 * unless it says otherwise) with the error's message after the command's name.
 */
export async function runParsed<Options extends object>(
  command: ScriptCommand,
  parsed: Options | { help: true } | { problem: string },
  io: LineIo,
  run: (options: Options) => Promise<void>,
  statusOf: (error: unknown) => number = () => 1,
): Promise<number> {
  const { name, usage } = command;
  if ('problem' in parsed) {
    // The error alone, then where the help is: the whole help after it would scroll it out of view.
    const problem = command.quotesJson === true ? { jsonQuoted: parsed.problem } : parsed.problem;
    io.err(usageErrorText(name, problem, command.help).trimEnd());
    return 2;
  }
  if ('help' in parsed) {
    io.out(usage);
    return 0;
  }
  try {
    await run(parsed);
    return 0;
  } catch (error) {
    if (error instanceof LateUsageError) {
      io.err(usageErrorText(name, error.message, command.help).trimEnd());
      return 2;
    }
    io.err(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    return statusOf(error);
  }
}
