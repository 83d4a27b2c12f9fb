// The one way the commands read their command line, the bench's (run, measure-cost, scan-throughput,
// profile), whose parsers throw, as replay's and erase's (runParsed): options, the help on -h, or a usage
// error and where the help is, status 2.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { optionsOrExplained } from '../../../scripts/command-status.js';

const command = { name: 'probe', help: 'npx tsx bench/probe.ts', usage: 'Usage: probe [--n N]' };
let out: string[];
let err: string[];
const io = { out: (line: string) => out.push(line), err: (line: string) => err.push(line) };

beforeEach(() => {
  out = [];
  err = [];
  process.exitCode = undefined;
});
afterEach(() => {
  process.exitCode = undefined;
});

it('gives the options parsed, saying nothing', () => {
  expect(optionsOrExplained(command, () => ({ n: 3, help: false }), io)).toEqual({ n: 3, help: false });
  expect(err).toEqual([]);
  expect(out).toEqual([]);
  expect(process.exitCode).toBeUndefined();
});

it('prints the help when asked, and is done, status 0', () => {
  expect(optionsOrExplained(command, () => ({ help: true }), io)).toBeUndefined();
  expect(out).toEqual(['Usage: probe [--n N]']);
  expect(process.exitCode).toBeUndefined();
});

it('says a usage error alone, escaped, then where the help is, status 2', () => {
  const refused = optionsOrExplained(
    command,
    (): { help?: boolean } => {
      throw new RangeError('--n must be a whole number (got "1\t0")');
    },
    io,
  );

  expect(refused).toBeUndefined();
  expect(err).toEqual([
    'probe: --n must be a whole number (got "1\\t0")\n' +
      "Try 'npx tsx bench/probe.ts --help' for the options.",
  ]);
  expect(out).toEqual([]);
  expect(process.exitCode).toBe(2);
});
