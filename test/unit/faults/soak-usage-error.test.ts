// `npm run soak` tells a usage error as every command here does: the error, then where the help is; its
// whole help after the error would push the one line that matters up and out of view.
import { spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';

function soak(args: string[]) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('SOAK_')));
  return spawnSync(process.execPath, ['--import', 'tsx', 'test/integration/faults/soak.ts', ...args], {
    encoding: 'utf8',
    env,
    // A soak that took the arguments would start a stack and run for minutes.
    timeout: 20_000,
  });
}

it.each([
  [['--bogus'], "Unknown option '--bogus'"],
  [['--events', 'x'], 'events must be a whole number in decimal digits (got "x")'],
] as const)(
  'exits 2 for %j, saying what is wrong and where the help is',
  (args, said) => {
    const result = soak([...args]);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(`soak: ${said}\nTry 'npm run soak -- --help' for the options.\n`);
    expect(result.stdout).toBe('');
  },
  30_000,
);
