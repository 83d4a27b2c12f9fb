// `npx sessionize events/`, as a newcomer walking the README runs it: the folder holds the sample exports,
// every one of them an export the CLI reads, so none is refused and the run exits 0.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { ensureCliBuilt, REPO, runCli } from '../../helpers/built-cli.js';

beforeAll(ensureCliBuilt, 120_000);

it('reads every file of events/ as an export and exits 0', async () => {
  const run = await runCli(['--format', 'json', 'events/']);
  expect(run.stderr).not.toMatch(/^sessionize: events\/[^:]*: /m);
  expect(run.code, run.stderr).toBe(0);
}, 60_000);

it('counts the sample ZIP archive as one of the files given, its members apart', async () => {
  const run = await runCli(['events/']);
  const given = readdirSync(join(REPO, 'events')).length;
  // sample-export.amplitude.zip holds two gzipped members, as an Amplitude export does.
  expect(run.stdout).toContain(`in ${given} files (a ZIP archive read as its 2 members);`);
}, 60_000);
