// `npm run soak` tells a usage error as every command here does: the error, then where the help is; its
// whole help after the error would push the one line that matters up and out of view.
import { spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';
import { SCENARIOS } from '../../integration/faults/scenarios.js';

function soak(args: string[], variables: Record<string, string> = {}) {
  const env = {
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('SOAK_'))),
    ...variables,
  };
  return spawnSync(process.execPath, ['--import', 'tsx', 'test/integration/faults/soak.ts', ...args], {
    encoding: 'utf8',
    env,
    // A soak that took the arguments would start a stack and run for minutes.
    timeout: 20_000,
  });
}

it.each([
  [['--bogus'], "Unknown option '--bogus'"],
  [['--events', 'x'], 'events (--events or SOAK_EVENTS) must be a whole number in decimal digits (got "x")'],
  // Quoted as typed: usageErrorText escapes the message once, where JSON's quoting showed a tab as \\t.
  [
    ['--scenarios', 'a\tb'],
    `scenarios (--scenarios or SOAK_SCENARIOS) must be a comma-separated list of ${SCENARIOS.map((scenario) => scenario.name).join(', ')}; not "a\\tb"`,
  ],
  [['--days', 'a\tb'], 'days (--days or SOAK_DAYS) must be a whole number in decimal digits (got "a\\tb")'],
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

it('names the flag and the variable a bad number may have come from', () => {
  const result = soak([], { SOAK_EVENTS: '20', SOAK_FILES: '30' });
  expect(result.status).toBe(2);
  expect(result.stderr).toBe(
    "soak: files (--files or SOAK_FILES) must be at most events (--events or SOAK_EVENTS): every file needs an event\nTry 'npm run soak -- --help' for the options.\n",
  );
}, 30_000);
