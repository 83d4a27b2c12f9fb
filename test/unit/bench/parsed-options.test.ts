// The one way the bench commands (run, measure-cost, scan-throughput, profile) read their command line:
// options, the help on -h, or a usage error and where the help is, status 2.
import { afterEach, beforeEach, expect, it, type MockInstance, vi } from 'vitest';
import { parsedOrExplained } from '../../../bench/parsed-options.js';

const command = { name: 'probe', run: 'npx tsx bench/probe.ts', usage: 'Usage: probe [--n N]' };
let stderr: MockInstance;
let stdout: MockInstance;

beforeEach(() => {
  process.exitCode = undefined;
  stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  stdout = vi.spyOn(console, 'log').mockImplementation(() => undefined);
});
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

it('gives the options parsed, saying nothing', () => {
  expect(parsedOrExplained(command, () => ({ n: 3, help: false }))).toEqual({ n: 3, help: false });
  expect(stderr).not.toHaveBeenCalled();
  expect(stdout).not.toHaveBeenCalled();
  expect(process.exitCode).toBeUndefined();
});

it('prints the help when asked, and is done, status 0', () => {
  expect(parsedOrExplained(command, () => ({ help: true }))).toBeUndefined();
  expect(stdout).toHaveBeenCalledWith('Usage: probe [--n N]');
  expect(process.exitCode).toBeUndefined();
});

it('says a usage error alone, escaped, then where the help is, status 2', () => {
  const refused = parsedOrExplained(command, (): { help?: boolean } => {
    throw new RangeError('--n must be a whole number (got "1\t0")');
  });

  expect(refused).toBeUndefined();
  expect(stderr.mock.calls.map(([text]) => text).join('')).toBe(
    'probe: --n must be a whole number (got "1\\t0")\n' +
      "Try 'npx tsx bench/probe.ts --help' for the options.\n",
  );
  expect(stdout).not.toHaveBeenCalled();
  expect(process.exitCode).toBe(2);
});
