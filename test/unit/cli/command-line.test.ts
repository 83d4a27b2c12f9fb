// The one reading of a command line every command shares: parseArgs, then the refusal of an option that
// takes a value given twice (parseArgs would keep the last and drop the first without a word).
import { describe, expect, it } from 'vitest';
import { readCommandLine } from '../../../cli/command-line.js';

const options = {
  prefix: { type: 'string' },
  since: { type: 'string' },
  'dry-run': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const read = (args: string[], hints?: Record<string, string>) =>
  readCommandLine({ args, options, allowPositionals: true }, hints);

describe('readCommandLine', () => {
  it('gives the values and positionals parseArgs reads', () => {
    const line = read(['--prefix', 'a/', '--dry-run', 'file.ndjson']);
    if ('problem' in line) throw new Error(line.problem);
    expect(line.values).toEqual({ prefix: 'a/', 'dry-run': true });
    expect(line.positionals).toEqual(['file.ndjson']);
  });

  it("says parseArgs's own message for a command line it cannot read", () => {
    expect(read(['--nope'])).toEqual({ problem: expect.stringContaining("Unknown option '--nope'") });
    expect(read(['--prefix'])).toEqual({ problem: expect.stringContaining("Option '--prefix <value>'") });
  });

  it("says an unknown option with a hint whose quotes close, not parseArgs's, which leaves one open", () => {
    expect(read(['--bogus'])).toEqual({
      problem: "Unknown option '--bogus' (a file named --bogus goes after a -- of its own: -- --bogus)",
    });
    // After a -- of its own, the name is a positional, as the hint says.
    const line = read(['--', '--bogus']);
    expect('problem' in line ? line.problem : line.positionals).toEqual(['--bogus']);
  });

  it.each([
    ['--sinse', '--since'],
    ['--dryrun', '--dry-run'],
    ['--dry_run', '--dry-run'],
    ['--Prefix', '--prefix'],
    ['--prefixes', '--prefix'],
  ])('names the option a mistyped %s likely meant (%s)', (typed, meant) => {
    expect(read([typed, 'x'])).toEqual({
      problem: `Unknown option '${typed}'; did you mean ${meant}? (a file named ${typed} goes after a -- of its own: -- ${typed})`,
    });
  });

  it('names it for a command that takes no files too', () => {
    const line = readCommandLine({ args: ['--dryrun'], options, allowPositionals: false });
    expect(line).toEqual({ problem: "Unknown option '--dryrun'; did you mean --dry-run?" });
  });

  it('suggests nothing for an option close to none, nor for a short one', () => {
    expect(read(['--colour'])).toEqual({
      problem: "Unknown option '--colour' (a file named --colour goes after a -- of its own: -- --colour)",
    });
    expect(read(['-x'])).toEqual({
      problem: "Unknown option '-x' (a file named -x goes after a -- of its own: -- -x)",
    });
  });

  it('refuses an option with a value given twice, in either spelling, with its hint after', () => {
    expect(read(['--prefix', 'a/', '--prefix=b/'], { prefix: ' (run it once for each)' })).toEqual({
      problem: '--prefix is given twice; give it once (run it once for each)',
    });
    expect(read(['--since=2024-01-01', '--prefix', 'a/', '--since', '2024-01-02'])).toEqual({
      problem: '--since is given twice; give it once',
    });
  });

  it('takes a flag given twice, which means what it means once', () => {
    const line = read(['--dry-run', '--dry-run']);
    expect('problem' in line ? line.problem : line.values).toEqual({ 'dry-run': true });
  });

  it('reads a line asking for help as it is, an option given twice and all', () => {
    const line = read(['--prefix', 'a/', '--prefix', 'b/', '-h']);
    if ('problem' in line) throw new Error(line.problem);
    expect(line.values).toEqual({ prefix: 'b/', help: true });
  });

  it('takes arguments after -- as positionals, an option name among them', () => {
    const line = read(['--prefix', 'a/', '--', '--prefix', 'b/']);
    if ('problem' in line) throw new Error(line.problem);
    expect(line.positionals).toEqual(['--prefix', 'b/']);
  });
});
