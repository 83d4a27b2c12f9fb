// `npm start` on a machine without Java: it says what to install at once, before starting the S3 server and
// before writing anything to the data dir.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compileRules, DEFAULT_SESSION_RULES } from '../../../functions/domain/rules/session-rules.js';
import { findFreePort } from '../../../local/process-utils.js';
import { startGiven, startServers } from '../../../local/servers.js';
import { startLocalStack } from '../../../local/stack.js';

describe('startServers without Java', () => {
  const path = process.env.PATH;
  let dataDir: string | undefined;
  afterEach(() => {
    process.env.PATH = path;
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses before starting either server, saying what to install', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'sessionizer-no-java-'));
    const ports = {
      apiPort: await findFreePort(),
      s3Port: await findFreePort(),
      dynamoDbPort: await findFreePort(),
    };
    // A PATH with no java on it.
    process.env.PATH = dataDir;

    await expect(
      startServers({
        ...ports,
        dataDir,
        given: startGiven(ports, dataDir, compileRules(DEFAULT_SESSION_RULES)),
        bucket: 'sessionizer-local',
        onObjectCreated: () => {},
      }),
    ).rejects.toThrow('needs a Java runtime (>= 17)');
    expect(existsSync(join(dataDir, 's3'))).toBe(false);
    expect(existsSync(join(dataDir, 'dynamodb'))).toBe(false);
  });
});

describe('startLocalStack without Java', () => {
  const path = process.env.PATH;
  let parent: string | undefined;
  afterEach(() => {
    process.env.PATH = path;
    if (parent !== undefined) rmSync(parent, { recursive: true, force: true });
  });

  it('refuses before the data dir is made: no signing key, no queue folder', async () => {
    parent = mkdtempSync(join(tmpdir(), 'sessionizer-no-java-'));
    const dataDir = join(parent, 'data');
    // A PATH with no java on it.
    process.env.PATH = parent;

    await expect(
      startLocalStack({ port: 0, s3Port: 0, dynamoDbPort: 0, dataDir, dropDir: false }),
    ).rejects.toThrow('needs a Java runtime (>= 17)');
    expect(existsSync(dataDir)).toBe(false);
  });
});
