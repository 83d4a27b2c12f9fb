// How a bench command reads its command line before anything else, said once for all of them: its options,
// its help on -h (status 0), or a usage error alone, then where the help is (status 2), as every command
// says one (the whole help after it would scroll it out of view).
import { usageErrorText } from '../cli/command-line.js';

export interface BenchCommand {
  /** How its messages are named: `bench: --seed must be ...`. */
  readonly name: string;
  /** How it is run, for the pointer to its help: `npm run bench --`. */
  readonly run: string;
  /** What -h and --help print. */
  readonly usage: string;
}

/**
 * The options `parse` reads (it throws an Error saying what is wrong), or undefined when the command is done
 * with: its help printed, or its usage error said and process.exitCode set to 2.
 */
export function parsedOrExplained<Options extends { readonly help?: boolean }>(
  command: BenchCommand,
  parse: () => Options,
): Options | undefined {
  let options: Options;
  try {
    options = parse();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(usageErrorText(command.name, message, command.run));
    process.exitCode = 2;
    return undefined;
  }
  if (options.help) {
    console.log(command.usage);
    return undefined;
  }
  return options;
}
