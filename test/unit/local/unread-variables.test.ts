// A variable `npm start` and `npm run rebuild` would not read, where rules or settings were meant: refused,
// so a stack does not start (or a table get rebuilt) under the default rules without a word.
import { describe, expect, it } from 'vitest';
import { loadLocalStackConfig } from '../../../local/stack-config.js';

const RULE_VARIABLES =
  'SESSION_GAP_MINUTES, SESSION_GAP_MINUTES_BY_PLATFORM, SESSION_MAX_MINUTES, IDENTITY_STITCHING';

describe('loadLocalStackConfig and variables it does not read', () => {
  it.each([
    ['SESSION_GAP', '5'],
    ['SESSION_GAP_MINUTES_BY_PLATFORMS', '{"ios":5}'],
    ['SESSION_MAX_SESSION_MINUTES', '60'],
    ['SESSION_MAX', '60'],
    ['IDENTITY_STITCH', 'true'],
    ['SESSIONIZER_GAP_MINUTES', '5'],
  ])('refuses %s, listing the variables of the rules', (name, value) => {
    expect(() => loadLocalStackConfig({ [name]: value })).toThrow(
      `invalid local stack configuration: ${name} is not a variable of the local stack; the session rules are set by ${RULE_VARIABLES}`,
    );
  });

  it("refuses SESSION_RULES, the ingest function's own variable, naming the ones that set it", () => {
    expect(() => loadLocalStackConfig({ SESSION_RULES: '{"gapMinutes":5}' })).toThrow(
      `invalid local stack configuration: SESSION_RULES is the ingest function's variable, which the local stack sets from ${RULE_VARIABLES}: set those instead`,
    );
  });

  it('refuses another SESSIONIZER_ variable it does not read, listing the ones it does', () => {
    expect(() => loadLocalStackConfig({ SESSIONIZER_DATADIR: '/tmp/x' })).toThrow(
      'SESSIONIZER_DATADIR is not a variable of the local stack; its SESSIONIZER_ variables are SESSIONIZER_SOURCES, SESSIONIZER_DATA_DIR, SESSIONIZER_DROP_DIR, SESSIONIZER_LOCAL_FAULTS',
    );
  });

  it('names each such variable along with any bad one', () => {
    const attempt = () => loadLocalStackConfig({ SESSION_GAP: '5', SESSION_MAX: '60', PORT: 'http' });
    expect(attempt).toThrow(/PORT: must be a port number.*SESSION_GAP is not.*SESSION_MAX is not/);
  });

  it.each([
    // The fixture sync script's (scripts/sync-fixtures.mjs), and what a desktop session sets.
    { SESSIONIZER_SHARED_DATA: '/tmp/shared', SESSION_MANAGER: 'local/host:@/tmp/.ICE-unix/1' },
    { SESSION_GAP_MINUTES: '5', SESSIONIZER_DATA_DIR: '/tmp/d' },
  ])('takes the variables it reads, and others of its environment (%o)', (env) => {
    expect(() => loadLocalStackConfig(env)).not.toThrow();
  });
});
