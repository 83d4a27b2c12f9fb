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

/** A command line as a command's parser reads it: its options, the help asked for, or what is wrong with it. */
export type ParsedCommandLine<Options extends object> = Options | { help: true } | { problem: string };

/**
 * The options of a parsed command line, or the status its command ends with once it has said so: 2 after an
 * argument it refuses, said with where the help is (usageErrorText, as every command; the whole help after
 * it would scroll it out of view), 0 with the usage for --help.
 */
export function optionsOrStatus<Options extends object>(
  command: ScriptCommand,
  parsed: ParsedCommandLine<Options>,
  io: LineIo,
): Options | number {
  if ('problem' in parsed) {
    const problem = command.quotesJson === true ? { jsonQuoted: parsed.problem } : parsed.problem;
    io.err(usageErrorText(command.name, problem, command.help).trimEnd());
    return 2;
  }
  // A parser may give `help: false` among its options.
  if ((parsed as { help?: unknown }).help === true) {
    io.out(command.usage);
    return 0;
  }
  return parsed as Options;
}

/**
 * For a command whose parser throws what is wrong (the bench's) and that runs in this process: its options,
 * or undefined once its help is printed or its usage error said, with process.exitCode set to 2.
 */
export function optionsOrExplained<Options extends object>(
  command: ScriptCommand,
  parse: () => Options,
  io: LineIo = { out: (line) => console.log(line), err: (line) => console.error(line) },
): Options | undefined {
  let parsed: ParsedCommandLine<Options>;
  try {
    parsed = parse();
  } catch (error) {
    parsed = { problem: error instanceof Error ? error.message : String(error) };
  }
  const options = optionsOrStatus(command, parsed, io);
  if (typeof options !== 'number') return options;
  if (options !== 0) process.exitCode = options;
  return undefined;
}

/**
 * A script command's exit status from its parsed command line: as optionsOrStatus says, else 0 once `run` is
 * done, or, when it throws, 2 for a LateUsageError, said as the other usage errors are, else
 * `statusOf(error)` (1 unless it says otherwise) with the error's message after the command's name.
 */
export async function runParsed<Options extends object>(
  command: ScriptCommand,
  parsed: ParsedCommandLine<Options>,
  io: LineIo,
  run: (options: Options) => Promise<void>,
  statusOf: (error: unknown) => number = () => 1,
): Promise<number> {
  const { name } = command;
  const options = optionsOrStatus(command, parsed, io);
  if (typeof options === 'number') return options;
  try {
    await run(options);
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
