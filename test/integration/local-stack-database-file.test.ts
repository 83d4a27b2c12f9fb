// `npm start` over a data dir whose DynamoDB Local database is damaged: it must say at once which file and
// what to do (DynamoDB Local keeps running and fails every call, so the start used to wait out its 60 s),
// and delete nothing.
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanupsAfterEachTest, ownPortsEnv, startRefused } from './local-stack-harness.js';

/** Where DynamoDB Local, run with -sharedDb, keeps every table. */
const SHARED_DB_FILE = 'shared-local-instance.db';

describe('npm start with a damaged database file', () => {
  const { tempDir } = cleanupsAfterEachTest();

  it('says at once that the database file is corrupt, names it and how to go on, and keeps it', async () => {
    const dataDir = tempDir('corrupt');
    const file = join(dataDir, 'dynamodb', SHARED_DB_FILE);
    mkdirSync(join(dataDir, 'dynamodb'));
    // What a disk that filled up, or a copy cut short, can leave: not an SQLite database.
    const garbage = Buffer.from(
      'this is no SQLite database, just the bytes a bad copy left behind\n'.repeat(80),
    );
    writeFileSync(file, garbage);

    // DynamoDB Local answers every call with an error and would be waited for 60 s.
    const env = await ownPortsEnv(dataDir);
    const result = await startRefused(env, 40_000);

    expect(result.code, result.output).toBe(1);
    expect(result.output).toContain(`DynamoDB Local cannot read its database: ${file} is corrupt (SQLite:`);
    expect(result.output).toContain(`mv ${join(dataDir, 'dynamodb')} ${join(dataDir, 'dynamodb')}.corrupt`);
    // Start again as this start was given, not with a bare `npm start` on the default data dir.
    expect(result.output).toContain(
      `start again (\`SESSIONIZER_DATA_DIR=${dataDir} PORT=${env.PORT} S3_PORT=${env.S3_PORT} ` +
        `DYNAMODB_PORT=${env.DYNAMODB_PORT} npm start\`)`,
    );
    expect(result.output).toContain(`SESSIONIZER_DATA_DIR=${dataDir} npm run replay`);
    // A replay into an empty table brings back the users erased before.
    expect(result.output).toContain('erase them again');
    expect(readFileSync(file)).toEqual(garbage);
  }, 60_000);

  it('says at once that the database path is no file, instead of waiting for ever', async () => {
    const dataDir = tempDir('not-a-file');
    const path = join(dataDir, 'dynamodb', SHARED_DB_FILE);
    // DynamoDB Local accepts every call on such a path and never answers one.
    mkdirSync(path, { recursive: true });

    const result = await startRefused(await ownPortsEnv(dataDir), 40_000);

    expect(result.code, result.output).toBe(1);
    expect(result.output).toContain(`DynamoDB Local cannot read its database: ${path} is not a file`);
    expect(statSync(path).isDirectory()).toBe(true);
  }, 60_000);
});
