import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { USAGE } from '../../../cli/options.js';
import { BIN, BUNDLE, ensureCliBuilt, REPO } from '../../helpers/built-cli.js';

/** Preloaded into the child: logs every module it resolves and every process it starts. */
const WATCH = `data:text/javascript,${encodeURIComponent(`
  import { appendFileSync } from 'node:fs';
  import childProcess from 'node:child_process';
  import { register, syncBuiltinESMExports } from 'node:module';
  const log = process.env.SESSIONIZE_TEST_LOG;
  for (const name of ['spawn', 'spawnSync', 'fork', 'exec', 'execSync', 'execFile', 'execFileSync']) {
    const original = childProcess[name];
    childProcess[name] = (...args) => { appendFileSync(log, 'process ' + String(args[0]) + '\\n'); return original(...args); };
  }
  syncBuiltinESMExports();
  register('data:text/javascript,' + encodeURIComponent(\`
    import { appendFileSync } from 'node:fs';
    let log;
    export function initialize(data) { log = data.log; }
    export async function resolve(specifier, context, next) {
      const resolved = await next(specifier, context);
      appendFileSync(log, 'module ' + resolved.url + '\\\\n');
      return resolved;
    }
  \`), { data: { log } });
`)}`;

function helpRun(preload: string, env: Record<string, string> = {}) {
  const run = spawnSync(process.execPath, ['--import', preload, BIN, '--help'], {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '', ...env },
  });
  expect(run.status).toBe(0);
  expect(run.stdout).toBe(USAGE);
  return run;
}

// How fast it starts is the benchmark's to measure (`npm run bench`, "CLI startup"); what keeps it fast is
// checked here: the built bundle alone, run by plain node.
describe('sessionize --help', () => {
  let logDir: string;

  beforeAll(async () => {
    await ensureCliBuilt();
    logDir = mkdtempSync(join(tmpdir(), 'sessionize-startup-'));
  }, 120_000);

  afterAll(() => rmSync(logDir, { recursive: true, force: true }));

  it('runs the bundle with plain node: no TypeScript source, no tsx, no other process', () => {
    const log = join(logDir, 'modules.log');
    helpRun(WATCH, { SESSIONIZE_TEST_LOG: log });
    const entries = readFileSync(log, 'utf8').trim().split('\n');
    expect(entries).toContain(`module ${pathToFileURL(BUNDLE).href}`);
    expect(entries.filter((entry) => entry.startsWith('process '))).toEqual([]);
    expect(entries.filter((entry) => /\.[cm]?ts$|tsx/.test(entry))).toEqual([]);
  });
});
