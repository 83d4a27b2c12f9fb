import { UniqueNames } from '../functions/domain/reading/unique-names.js';

/**
 * The files of one run by the name their events carry, and where to read each again (tie-breaks, rules 3
 * and 8, find a copy by its file's name and record). Two inputs can give one name: an input named like
 * another's ZIP member (`x.zip!a.ndjson` beside `x.zip`), or one path given twice. The later one's events
 * then carry ` (2)`, ` (3)`… after it, so no copy is looked for in the wrong file.
 */
export class RunFiles<Input> {
  private readonly names = new UniqueNames();
  private readonly byRunName = new Map<string, { input: Input; file: string }>();
  private readonly runNames = new Map<Input, Map<string, string>>();
  // Consecutive events nearly always come from one file of one input.
  private last: { input: Input; file: string; runName: string } | undefined;

  /** The name the events of `file`, read from `input`, carry in this run. */
  nameOf(input: Input, file: string): string {
    const last = this.last;
    if (last !== undefined && last.input === input && last.file === file) return last.runName;
    let ofInput = this.runNames.get(input);
    if (ofInput === undefined) {
      ofInput = new Map();
      this.runNames.set(input, ofInput);
    }
    let runName = ofInput.get(file);
    if (runName === undefined) {
      runName = this.names.unique(file);
      this.byRunName.set(runName, { input, file });
      ofInput.set(file, runName);
    }
    this.last = { input, file, runName };
    return runName;
  }

  /** The input and the file's own name (as its reader names it) behind a name events carry. */
  origin(runName: string): { input: Input; file: string } | undefined {
    return this.byRunName.get(runName);
  }
}
