/** Where a script's command writes its lines (stdout, stderr). */
export interface LineIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/**
 * A script command's exit status from its parsed command line: 2 with the usage after an argument it refuses,
 * 0 with the usage alone for --help; otherwise 0 once `run` is done, or, when it throws, `statusOf(error)`
 * (1 unless it says otherwise) with the error's message after the command's name.
 */
export async function runParsed<Options extends object>(
  name: string,
  usage: string,
  parsed: Options | { help: true } | { problem: string },
  io: LineIo,
  run: (options: Options) => Promise<void>,
  statusOf: (error: unknown) => number = () => 1,
): Promise<number> {
  if ('problem' in parsed) {
    io.err(`${name}: ${parsed.problem}\n\n${usage}`);
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
    io.err(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    return statusOf(error);
  }
}
