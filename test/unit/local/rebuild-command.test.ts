// npm run rebuild where nothing was ingested: a data dir holding no database (a mistyped one, left as it was)
// and a sessions table nothing was ingested into (nothing to do, as on AWS).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { LOCAL_TABLE } from '../../../local/s3-client.js';
import { createSessionTable } from '../../../local/session-table.js';
import { startLocalDynamoDb } from '../../helpers/local-servers.js';

const parent = mkdtempSync(join(tmpdir(), 'sessionizer-rebuild-'));
afterAll(() => rmSync(parent, { recursive: true, force: true }));

it('says there is nothing to rebuild on a data dir that does not exist, and creates none', () => {
  // A mistyped SESSIONIZER_DATA_DIR: DynamoDB Local started on it would leave a folder and an empty database.
  const dataDir = join(parent, 'mistyped');
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'local/rebuild.ts'], {
    encoding: 'utf8',
    env: { ...process.env, SESSIONIZER_DATA_DIR: dataDir },
    timeout: 60_000,
  });
  expect(result.stderr).toBe(
    `rebuild: no sessions table in ${dataDir}: nothing was ingested there, so there is nothing to rebuild\n`,
  );
  expect(result.status).toBe(1);
  expect(existsSync(dataDir)).toBe(false);
}, 90_000);

it('ends as done (exit 0) on a sessions table nothing was ingested into, as the rebuild Lambda does', async () => {
  // A stack started and stopped before any upload: its table exists and records no rules yet.
  const dataDir = join(parent, 'started-once');
  const dynamo = await startLocalDynamoDb({ dataDir: join(dataDir, 'dynamodb') });
  try {
    await createSessionTable(dynamo.client, LOCAL_TABLE);
  } finally {
    await dynamo.stop();
  }
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'local/rebuild.ts'], {
    encoding: 'utf8',
    env: { ...process.env, SESSIONIZER_DATA_DIR: dataDir },
    timeout: 60_000,
  });
  expect(result.stderr).toBe('');
  expect(result.stdout).toBe(
    'rebuild: this table records no session rules yet: nothing was ingested into it, so there is nothing to rebuild (the first ingest records its rules)\n',
  );
  expect(result.status).toBe(0);
}, 90_000);

it('names the variable to set for an option of the batch CLI or npm start, which it takes from the environment', () => {
  // operations.md sets the new rules as variables; `--gap 20`, as npx sessionize takes it, was only "Unknown option".
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'local/rebuild.ts', '--gap', '20'], {
    encoding: 'utf8',
    env: { ...process.env, SESSIONIZER_DATA_DIR: join(parent, 'options') },
    timeout: 60_000,
  });

  // The error alone, then where the help is: the whole help after it would scroll it out of view.
  expect(result.stderr).toBe(
    'rebuild: --gap is no option of npm run rebuild: it takes the rules from the environment, as npm start does; for this one, SESSION_GAP_MINUTES=20 npm run rebuild\n' +
      "Try 'npm run rebuild -- --help' for the options.\n",
  );
  expect(result.stdout).toBe('');
  expect(result.status).toBe(2);
}, 90_000);

it('prints its whole usage on stdout for --help, exit status 0', () => {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'local/rebuild.ts', '--help'], {
    encoding: 'utf8',
    env: { ...process.env, SESSIONIZER_DATA_DIR: join(parent, 'help') },
    timeout: 60_000,
  });
  expect(result.stdout).toMatch(/^Usage: npm run rebuild -- \[--segments N\]\n.*--segments N.*-h, --help/s);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
}, 90_000);
