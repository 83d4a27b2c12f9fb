// The sample exports in events/, as a newcomer runs them: every one is an export the CLI reads, so none is
// refused and the run exits 0. (events/lambda/ holds the functions' sample events, no exports.)
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { ensureCliBuilt, REPO, runCli } from '../../helpers/built-cli.js';

beforeAll(ensureCliBuilt, 120_000);

const sampleExports = readdirSync(join(REPO, 'events'), { withFileTypes: true })
  .filter((entry) => entry.isFile())
  .map((entry) => `events/${entry.name}`);

it('reads every sample export as an export and exits 0', async () => {
  expect(sampleExports.length).toBeGreaterThanOrEqual(5);
  const run = await runCli(['--format', 'json', ...sampleExports]);
  expect(run.stderr).not.toMatch(/^sessionize: events\/[^:]*: /m);
  expect(run.code, run.stderr).toBe(0);
}, 60_000);

it('counts the sample ZIP archive as one of the files given, its members apart', async () => {
  const run = await runCli(sampleExports);
  // sample-export.amplitude.zip holds two gzipped members, as an Amplitude export does.
  expect(run.stdout).toContain(`in ${sampleExports.length} files (a ZIP archive read as its 2 members);`);
}, 60_000);
