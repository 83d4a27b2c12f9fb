// What `npm start` says when the data dir's table was cut under other rules than the ones it starts with.
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TableRules } from '../../../functions/adapters/dynamodb/rules-record.js';
import { compileRules, type SessionRules } from '../../../functions/domain/rules/session-rules.js';
import { rulesAsVariables } from '../../../local/ingest-env.js';
import { rulesMismatch, startRules } from '../../../local/rules-mismatch.js';
import { DEFAULT_PORTS, dataDirFrom, loadLocalStackConfig } from '../../../local/stack-config.js';

describe('rulesMismatch', () => {
  const cutUnder = (rules: SessionRules, target?: SessionRules): TableRules => ({
    fingerprint: compileRules(rules).fingerprint,
    rules,
    ...(target !== undefined && { target: { fingerprint: compileRules(target).fingerprint, rules: target } }),
  });
  const thirty: SessionRules = { gapMinutes: 30, gapMinutesByPlatform: {}, identityStitching: false };
  const five: SessionRules = { gapMinutes: 5, gapMinutesByPlatform: {}, identityStitching: false };
  const defaultDir = dataDirFrom({});
  const defaultPorts = {
    port: DEFAULT_PORTS.PORT,
    s3Port: DEFAULT_PORTS.S3_PORT,
    dynamoDbPort: DEFAULT_PORTS.DYNAMODB_PORT,
  };

  it('says nothing for a new data dir or the same rules', () => {
    expect(rulesMismatch(undefined, compileRules(five), defaultDir, defaultPorts)).toBeUndefined();
    expect(rulesMismatch(cutUnder(thirty), compileRules(thirty), defaultDir, defaultPorts)).toBeUndefined();
  });

  it('says, at start, that a rebuild to these rules did not finish, and how to finish it', () => {
    expect(rulesMismatch(cutUnder(thirty, five), compileRules(five), defaultDir, defaultPorts)).toBe(
      "a rebuild of this data dir's sessions to gap 5 min, stitching off did not finish: those it did not reach are still cut under gap 30 min, stitching off; run `npm run rebuild` (with the same variables) to finish it",
    );
  });

  it('says, at start, that uploads will be refused beside a rebuild to other rules that did not finish', () => {
    expect(rulesMismatch(cutUnder(thirty, five), compileRules(thirty), defaultDir, defaultPorts)).toBe(
      "a rebuild of this data dir's sessions to gap 5 min, stitching off did not finish, and this start's rules are gap 30 min, stitching off: every upload is refused until `npm run rebuild` (with the same variables) cuts them all under this start's rules, or start with the rebuild's (SESSION_GAP_MINUTES=5 SESSION_GAP_MINUTES_BY_PLATFORM= SESSION_MAX_MINUTES= IDENTITY_STITCHING=false npm start)",
    );
  });

  it('says, at start, that uploads will be refused under other rules, and both ways out', () => {
    expect(rulesMismatch(cutUnder(thirty), compileRules(five), defaultDir, defaultPorts)).toBe(
      "the sessions in this data dir were cut under gap 30 min, stitching off, not under this start's gap 5 min, stitching off: every upload is refused until `npm run rebuild` (with the same variables) cuts them again, or start with the rules they were cut under (SESSION_GAP_MINUTES=30 SESSION_GAP_MINUTES_BY_PLATFORM= SESSION_MAX_MINUTES= IDENTITY_STITCHING=false npm start)",
    );
  });

  it('names the data dir in the command to start with, when it is not the default one', () => {
    const dataDir = join(tmpdir(), 'other-data');
    expect(rulesMismatch(cutUnder(thirty), compileRules(five), dataDir, defaultPorts)).toContain(
      `(SESSIONIZER_DATA_DIR=${dataDir} SESSION_GAP_MINUTES=30 SESSION_GAP_MINUTES_BY_PLATFORM= SESSION_MAX_MINUTES= IDENTITY_STITCHING=false npm start)`,
    );
    expect(rulesMismatch(cutUnder(thirty, five), compileRules(thirty), dataDir, defaultPorts)).toContain(
      `(SESSIONIZER_DATA_DIR=${dataDir} SESSION_GAP_MINUTES=5 SESSION_GAP_MINUTES_BY_PLATFORM= SESSION_MAX_MINUTES= IDENTITY_STITCHING=false npm start)`,
    );
  });

  it('names the ports the stack was started on in the command to start with, those not the default', () => {
    const ports = { port: 7200, s3Port: DEFAULT_PORTS.S3_PORT, dynamoDbPort: 7202 };
    expect(rulesMismatch(cutUnder(thirty), compileRules(five), defaultDir, ports)).toContain(
      '(PORT=7200 DYNAMODB_PORT=7202 SESSION_GAP_MINUTES=30 SESSION_GAP_MINUTES_BY_PLATFORM= SESSION_MAX_MINUTES= IDENTITY_STITCHING=false npm start)',
    );
    const all = { port: 7200, s3Port: 7201, dynamoDbPort: 7202 };
    expect(rulesMismatch(cutUnder(thirty, five), compileRules(thirty), defaultDir, all)).toContain(
      '(PORT=7200 S3_PORT=7201 DYNAMODB_PORT=7202 SESSION_GAP_MINUTES=5 ',
    );
  });

  it("gives the warning as why uploads are refused only when the table refuses this start's rules", () => {
    const refused = (table: TableRules | undefined, rules: SessionRules) =>
      startRules(table, compileRules(rules), defaultDir, defaultPorts);
    for (const [table, rules] of [
      [cutUnder(thirty), five],
      [cutUnder(thirty, five), thirty],
    ] as const) {
      const said = refused(table, rules);
      expect(said.warning).toContain('every upload is refused');
      expect(said.uploadsRefused).toBe(said.warning);
    }
    // A rebuild to this start's rules left unfinished: its ingests are taken, so no upload is refused.
    const unfinished = refused(cutUnder(thirty, five), five);
    expect(unfinished.warning).toContain('did not finish');
    expect(unfinished.uploadsRefused).toBeUndefined();
    expect(refused(cutUnder(thirty), thirty)).toEqual({ warning: undefined, uploadsRefused: undefined });
    expect(refused(undefined, thirty)).toEqual({ warning: undefined, uploadsRefused: undefined });
  });

  it('names the variables of the rules to start with, which a shell hands npm start as those rules', () => {
    const rules: SessionRules = {
      gapMinutes: 12.5,
      gapMinutesByPlatform: { ios: 5, "o'brien os": 7 },
      maxSessionMinutes: 90,
      identityStitching: true,
    };
    for (const sent of [rules, thirty]) {
      const printed = execFileSync('sh', ['-c', `${rulesAsVariables(sent)} env`], {
        env: {},
        encoding: 'utf8',
      });
      const env = Object.fromEntries(
        printed
          .trimEnd()
          .split('\n')
          .map((line) => line.split(/=(.*)/s).slice(0, 2)),
      );
      expect(loadLocalStackConfig(env, '/repo').sessionRules).toEqual(sent);
    }
  });
});
