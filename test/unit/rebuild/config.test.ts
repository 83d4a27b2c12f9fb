import { describe, expect, it } from 'vitest';
import { compileRules, DEFAULT_SESSION_RULES } from '../../../functions/domain/rules/session-rules.js';
import { loadRebuildConfig } from '../../../functions/rebuild/config.js';

/** The message loadRebuildConfig throws for this environment (fails the test if it does not throw). */
function problemsWith(env: NodeJS.ProcessEnv): string {
  try {
    loadRebuildConfig(env);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
}

const BASE = { TABLE_NAME: 'sessions', INGEST_TIMEOUT_SECONDS: '300' };

describe('loadRebuildConfig', () => {
  it('reads the table and the target rules', () => {
    const rules = {
      gapMinutes: 20,
      gapMinutesByPlatform: { ios: 5 },
      maxSessionMinutes: 1440,
      identityStitching: true,
    };

    const config = loadRebuildConfig({ ...BASE, SESSION_RULES: JSON.stringify(rules) });

    expect(config.tableName).toBe('sessions');
    expect(config.rules.fingerprint).toBe(compileRules(rules).fingerprint);
    expect(config.serviceName).toBe('sessionizer-rebuild');
  });

  it('reads the exports bucket, where tied copies are read again; none when unset or blank', () => {
    expect(loadRebuildConfig({ ...BASE, BUCKET_NAME: 'exports' }).bucketName).toBe('exports');
    expect(loadRebuildConfig({ ...BASE, BUCKET_NAME: '' }).bucketName).toBeUndefined();
    expect(loadRebuildConfig({ ...BASE }).bucketName).toBeUndefined();
  });

  it("reads the ingest function's timeout, which bounds how long an old-rules ingest writes", () => {
    expect(loadRebuildConfig(BASE).ingestTimeoutMs).toBe(300_000);
  });

  it("reads MAX_MEMBER_BYTES, the ingest's member limit, as a number of bytes; none when unset or blank", () => {
    expect(loadRebuildConfig({ ...BASE, MAX_MEMBER_BYTES: ' 1048576\n' }).maxMemberBytes).toBe(1_048_576);
    expect(loadRebuildConfig({ ...BASE, MAX_MEMBER_BYTES: '' }).maxMemberBytes).toBeUndefined();
    expect(loadRebuildConfig(BASE).maxMemberBytes).toBeUndefined();
  });

  it('refuses a MAX_MEMBER_BYTES that is not decimal digits of a whole number of at least 1', () => {
    for (const value of [' ', '0x10', '0b11', '1e3', '-1', '+5', '1.5', '0', '9'.repeat(20)]) {
      expect(problemsWith({ ...BASE, MAX_MEMBER_BYTES: value }), JSON.stringify(value)).toBe(
        `invalid rebuild configuration: MAX_MEMBER_BYTES: must be a whole number of at least 1, in decimal digits (got ${JSON.stringify(value)})`,
      );
    }
  });

  it('takes the default rules when SESSION_RULES is unset or blank', () => {
    const config = loadRebuildConfig({ ...BASE, SESSION_RULES: '' });

    expect(config.rules.fingerprint).toBe(compileRules(DEFAULT_SESSION_RULES).fingerprint);
  });

  it('refuses an INGEST_TIMEOUT_SECONDS that is not decimal digits of a whole number of at least 1', () => {
    for (const value of [' ', '0x10', '0b11', '1e3', '-1', '1.5', '0']) {
      expect(problemsWith({ ...BASE, INGEST_TIMEOUT_SECONDS: value }), JSON.stringify(value)).toBe(
        `invalid rebuild configuration: INGEST_TIMEOUT_SECONDS: must be a whole number of at least 1, in decimal digits (got ${JSON.stringify(value)})`,
      );
    }
    for (const value of ['', undefined]) {
      expect(problemsWith({ ...BASE, INGEST_TIMEOUT_SECONDS: value })).toBe(
        'invalid rebuild configuration: INGEST_TIMEOUT_SECONDS: must be set (a whole number of at least 1, in decimal digits)',
      );
    }
  });

  it.each([
    [{}, /TABLE_NAME/],
    [{ TABLE_NAME: 'sessions' }, /INGEST_TIMEOUT_SECONDS/],
    [{ ...BASE, INGEST_TIMEOUT_SECONDS: '0' }, /INGEST_TIMEOUT_SECONDS/],
    [{ ...BASE, INGEST_TIMEOUT_SECONDS: 'soon' }, /INGEST_TIMEOUT_SECONDS/],
    [{ ...BASE, SESSION_RULES: '{gap' }, /SESSION_RULES is not valid JSON/],
    [
      { ...BASE, SESSION_RULES: '{"gapMinutes":-1}' },
      /SESSION_RULES.gapMinutes: gapMinutes must be 0 or more/,
    ],
    [{ ...BASE, SESSION_RULES: '{"gapMinutesByPlatform":{"iOS":5}}' }, /must be lowercase/],
  ])('refuses %j, naming the variable', (env, message) => {
    expect(problemsWith(env)).toMatch(message);
  });
});
