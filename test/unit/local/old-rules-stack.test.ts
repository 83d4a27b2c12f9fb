// `npm run rebuild` finishes without waiting only when no ingest of the old rules can still be running: the
// data dir's stack, the one process that ingests into it, runs the target rules (or none runs).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compileRules } from '../../../functions/domain/rules/session-rules.js';
import { acquireDataDirLock } from '../../../local/data-dir-lock.js';
import { oldRulesStack } from '../../../local/old-rules-stack.js';

const OLD = compileRules({ gapMinutes: 30, gapMinutesByPlatform: {}, identityStitching: false });
const TARGET = compileRules({ gapMinutes: 20, gapMinutesByPlatform: {}, identityStitching: false });

describe('oldRulesStack', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'sessionizer-old-rules-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('lets the rebuild finish when no stack runs, or the rebuild itself holds the data dir', () => {
    expect(oldRulesStack(dataDir, TARGET)).toBeUndefined();
    const lock = acquireDataDirLock(dataDir, { command: 'npm run rebuild' });
    expect(oldRulesStack(dataDir, TARGET)).toBeUndefined();
    lock.release();
  });

  it('lets it finish when the running stack ingests under the target rules', () => {
    const lock = acquireDataDirLock(dataDir);
    lock.update({ rulesFingerprint: TARGET.fingerprint });
    expect(oldRulesStack(dataDir, TARGET)).toBeUndefined();
    lock.release();
  });

  it.each([
    ['other rules', OLD.fingerprint],
    ['rules it does not record (a stack started before it recorded them)', undefined],
  ])(
    'refuses while the running stack ingests under %s, saying to restart it and run again',
    (_, fingerprint) => {
      const lock = acquireDataDirLock(dataDir);
      lock.update(fingerprint === undefined ? {} : { rulesFingerprint: fingerprint });
      const problem = oldRulesStack(dataDir, TARGET);
      lock.release();

      expect(problem).toMatch(
        new RegExp(
          `^the running stack \\(pid ${process.pid}\\) was not started with gap 20 min.*restart it with these rules.*run the rebuild again; it resumes$`,
        ),
      );
    },
  );

  it("names the restart command with the stack's data dir, its ports and the target rules", () => {
    const lock = acquireDataDirLock(dataDir);
    lock.update({
      rulesFingerprint: OLD.fingerprint,
      apiUrl: 'http://127.0.0.1:7800',
      s3Endpoint: 'http://127.0.0.1:7801',
      dynamoDbEndpoint: 'http://127.0.0.1:7802',
    });
    const problem = oldRulesStack(dataDir, TARGET);
    lock.release();

    expect(problem).toContain(
      `restart it with these rules (SESSIONIZER_DATA_DIR=${dataDir} PORT=7800 S3_PORT=7801 DYNAMODB_PORT=7802 ` +
        'SESSION_GAP_MINUTES=20 SESSION_GAP_MINUTES_BY_PLATFORM= SESSION_MAX_MINUTES= IDENTITY_STITCHING=false npm start)',
    );
  });
});
