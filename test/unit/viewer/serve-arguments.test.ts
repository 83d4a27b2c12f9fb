// `npm run viewer` without an API to call: the error names both ways to give one, the local stack's API among
// them, so a newcomer running the stack on this machine need not look it up.
import { spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';
import { DEFAULT_PORTS } from '../../../local/stack-config.js';

it("without --stage or --api-url, names the local stack's API URL and exits 2", () => {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/viewer.ts'], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  const [firstLine, ...rest] = result.stderr.split('\n');
  expect(firstLine).toContain('viewer: give --stage (to look up the API URL) or --api-url');
  expect(firstLine).toContain(`--api-url http://127.0.0.1:${DEFAULT_PORTS.PORT}/`);
  // The error alone, then where the help is, as sessionize says its own: the whole help would scroll it away.
  expect(rest).toEqual(["Try 'npm run viewer -- --help' for the options.", '']);
  expect(result.status).toBe(2);
}, 30_000);

it('says an unknown option and where the help is, in two lines', () => {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/viewer.ts', '--prot', '5174'], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  expect(result.stderr).toMatch(
    /^viewer: Unknown option '--prot'[^\n]*\nTry 'npm run viewer -- --help' for the options\.\n$/,
  );
  expect(result.status).toBe(2);
}, 30_000);

// As replay and erase answer it (scripts/aws/deployed-stage.ts), before any AWS call: a region given or not.
// Beside --api-url the stage is only a label and any name goes (serve-local.test.ts).
it.each([
  [['--stage', 'nope']],
  [['--stage', 'nope', '--region', 'eu-west-1']],
  [['--stage', 'dev/x', '--port', '5174']],
])(
  'says a --stage that is no deployed stage (%j) and the stages there are, exit 2',
  (args) => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/viewer.ts', ...args], {
      encoding: 'utf8',
      timeout: 20_000,
      // No region anywhere: the stage is refused before one is looked for.
      env: Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_'))),
    });
    expect(result.stderr).toBe(
      `viewer: --stage ${args[1]} is not a deployed stage; the stages are dev, prod\nTry 'npm run viewer -- --help' for the options.\n`,
    );
    expect(result.status).toBe(2);
  },
  30_000,
);

// The stage was checked only once every other option was valid: `--stage nope --port x` named the port alone,
// and the stage only after it was mended. Now it comes first, with the others, as replay and erase name it.
it('says a --stage that is no deployed stage first, together with the other options refused, exit 2', () => {
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'scripts/viewer.ts', '--stage', 'nope', '--port', 'x'],
    { encoding: 'utf8', timeout: 20_000 },
  );
  expect(result.stderr).toBe(
    'viewer: --stage nope is not a deployed stage; the stages are dev, prod; ' +
      `--port must be a port number from 0 to 65535 (got "x")\nTry 'npm run viewer -- --help' for the options.\n`,
  );
  expect(result.status).toBe(2);
}, 30_000);
