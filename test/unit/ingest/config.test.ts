import { describe, expect, it } from 'vitest';
import { DEFAULT_SOURCES } from '../../../contract/index.js';
import { compileRules, DEFAULT_SESSION_RULES } from '../../../functions/domain/rules/session-rules.js';
import { loadIngestConfig } from '../../../functions/ingest/config.js';
import {
  COPIES_PER_READ,
  chunkBytesFor,
  DEFAULT_CHUNK_BYTES,
} from '../../../functions/ingest/memory-limits.js';

const REQUIRED = { TABLE_NAME: 'sessions', BUCKET_NAME: 'uploads' };

/** The message loadIngestConfig throws for this environment (fails the test if it does not throw). */
function problemsWith(env: NodeJS.ProcessEnv): string {
  try {
    loadIngestConfig(env);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
}

describe('loadIngestConfig', () => {
  it('fills in the default sources, report prefix, rules and member limit', () => {
    const config = loadIngestConfig({ ...REQUIRED });

    expect(config).toMatchObject({
      tableName: 'sessions',
      bucketName: 'uploads',
      sources: DEFAULT_SOURCES,
      rejectedPrefix: 'rejected/',
      maxMemberBytes: 4 * 1024 ** 3,
      metricsNamespace: 'Sessionizer',
      serviceName: 'sessionizer-ingest',
    });
    expect(config.rules.fingerprint).toBe(compileRules(DEFAULT_SESSION_RULES).fingerprint);
  });

  it('takes the queue continuations go to, and refuses one that is not a URL', () => {
    expect(loadIngestConfig({ ...REQUIRED }).queueUrl).toBeUndefined();
    expect(loadIngestConfig({ ...REQUIRED, INGEST_QUEUE_URL: '' }).queueUrl).toBeUndefined();
    const url = 'https://sqs.eu-west-1.amazonaws.com/000000000000/ingest';
    expect(loadIngestConfig({ ...REQUIRED, INGEST_QUEUE_URL: url }).queueUrl).toBe(url);
    expect(() => loadIngestConfig({ ...REQUIRED, INGEST_QUEUE_URL: 'ingest-queue' })).toThrow(
      /INGEST_QUEUE_URL/,
    );
  });

  it("refuses a queue's ARN, or any URL SQS is not reached at, naming the form it takes", () => {
    // Each parses as a URL, and would only fail the first continuation, after the call had merged its part.
    for (const wrong of ['arn:aws:sqs:eu-west-1:000000000000:ingest', 'sqs:ingest', 'ftp://host/q']) {
      expect(() => loadIngestConfig({ ...REQUIRED, INGEST_QUEUE_URL: wrong })).toThrow(
        "invalid ingest configuration: INGEST_QUEUE_URL: must be the ingest queue's URL (https://sqs.<region>.amazonaws.com/<account>/<name>), not its ARN or name",
      );
    }
    const local = 'http://127.0.0.1:9324/000000000000/ingest';
    expect(loadIngestConfig({ ...REQUIRED, INGEST_QUEUE_URL: local }).queueUrl).toBe(local);
  });

  it("sizes the merge chunks by the function's memory, as Lambda gives it", () => {
    const MiB = 1024 ** 2;
    expect(loadIngestConfig({ ...REQUIRED }).chunkBytes).toBe(DEFAULT_CHUNK_BYTES);
    expect(loadIngestConfig({ ...REQUIRED, AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024' }).chunkBytes).toBe(
      DEFAULT_CHUNK_BYTES,
    );
    expect(loadIngestConfig({ ...REQUIRED, AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '4096' }).chunkBytes).toBe(
      DEFAULT_CHUNK_BYTES,
    );
    expect(loadIngestConfig({ ...REQUIRED, AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512' }).chunkBytes).toBe(
      Math.floor((448 * MiB) / 5),
    );
    expect(chunkBytesFor(256)).toBe(Math.floor((192 * MiB) / 5));
    expect(chunkBytesFor(128)).toBe(Math.floor((64 * MiB) / 5));
    expect(chunkBytesFor(96)).toBe(8 * MiB);
    expect(() => loadIngestConfig({ ...REQUIRED, AWS_LAMBDA_FUNCTION_MEMORY_SIZE: 'lots' })).toThrow(
      /AWS_LAMBDA_FUNCTION_MEMORY_SIZE/,
    );
  });

  it("reads copies again as many at once as the function's memory holds, as its chunks", () => {
    // 100,000 copies' texts take some 70 MB, twice that held: past what a 256 MB function leaves free.
    const perRead = (memory?: string) =>
      loadIngestConfig({
        ...REQUIRED,
        ...(memory !== undefined && { AWS_LAMBDA_FUNCTION_MEMORY_SIZE: memory }),
      }).copiesPerRead;
    expect(perRead()).toBe(COPIES_PER_READ);
    expect(perRead('1024')).toBe(COPIES_PER_READ);
    expect(perRead('4096')).toBe(COPIES_PER_READ);
    expect(perRead('256')).toBe(19_999); // a fifth, its chunk's bytes rounded down
    expect(perRead('128')).toBe(Math.floor((COPIES_PER_READ * chunkBytesFor(128)) / DEFAULT_CHUNK_BYTES));
  });

  it('treats blank optional variables as unset', () => {
    const config = loadIngestConfig({
      ...REQUIRED,
      SOURCES: '',
      SESSION_RULES: '',
      REJECTED_PREFIX: '',
      MAX_MEMBER_BYTES: '',
    });

    expect(config.sources).toEqual(DEFAULT_SOURCES);
    expect(config.rules.fingerprint).toBe(compileRules(DEFAULT_SESSION_RULES).fingerprint);
    expect(config.rejectedPrefix).toBe('rejected/');
    expect(config.maxMemberBytes).toBe(4 * 1024 ** 3);
  });

  it('reads SOURCES as JSON', () => {
    const sources = [
      { name: 'amp', prefix: 'amplitude/', format: 'amplitude' },
      { name: 'drop', prefix: 'drop/', format: 'auto' },
    ];

    const config = loadIngestConfig({ ...REQUIRED, SOURCES: JSON.stringify(sources) });

    expect(config.sources).toEqual(sources);
  });

  it.each([
    ['not JSON', '[{name:'],
    ['an empty list', '[]'],
    ['a prefix without a trailing slash', '[{"name":"a","prefix":"drop","format":"auto"}]'],
    ['an unknown format', '[{"name":"a","prefix":"drop/","format":"csv"}]'],
    ['an unknown member', '[{"name":"a","prefix":"drop/","format":"auto","bucket":"x"}]'],
  ])('refuses SOURCES with %s, naming the variable', (_what, value) => {
    expect(problemsWith({ ...REQUIRED, SOURCES: value })).toMatch(/^invalid ingest configuration: SOURCES\b/);
  });

  it('points at the source entry and field that is wrong', () => {
    const sources = [
      { name: 'a', prefix: 'a/', format: 'auto' },
      { name: 'b', prefix: 'b', format: 'auto' },
    ];

    expect(problemsWith({ ...REQUIRED, SOURCES: JSON.stringify(sources) })).toContain('SOURCES[1].prefix');
  });

  it('reads SESSION_RULES through the shared schema, filling in its defaults', () => {
    const config = loadIngestConfig({
      ...REQUIRED,
      SESSION_RULES: '{"gapMinutes":2.5,"gapMinutesByPlatform":{"ios":5},"maxSessionMinutes":1440}',
    });

    expect(config.rules).toMatchObject({
      gapMs: 150_000,
      maxGapMs: 300_000,
      capMs: 1440 * 60_000,
      stitching: false,
    });
    expect(config.rules.gapMsByPlatform.get('ios')).toBe(300_000);
  });

  it.each([
    ['not JSON', '{gapMinutes: 5}', 'SESSION_RULES: SESSION_RULES is not valid JSON'],
    ['a negative gap', '{"gapMinutes":-1}', 'SESSION_RULES.gapMinutes: gapMinutes must be 0 or more'],
    [
      'an uppercase platform',
      '{"gapMinutesByPlatform":{"iOS":5}}',
      "SESSION_RULES.gapMinutesByPlatform.iOS: 'iOS' must be lowercase",
    ],
    [
      'an unknown option',
      '{"gap":5}',
      'SESSION_RULES: Unrecognized key: "gap"; the keys allowed here are gapMinutes, gapMinutesByPlatform, maxSessionMinutes, identityStitching',
    ],
  ])('refuses SESSION_RULES with %s, saying what is wrong', (_what, value, problem) => {
    expect(problemsWith({ ...REQUIRED, SESSION_RULES: value })).toContain(problem);
  });

  it('refuses a source with an unknown key, naming the keys a source takes', () => {
    const sources = '[{"name":"in","prefix":"in/","format":"auto","formats":"segment"}]';
    expect(problemsWith({ ...REQUIRED, SOURCES: sources })).toContain(
      'SOURCES[0]: Unrecognized key: "formats"; the keys allowed here are name, prefix, format',
    );
  });

  it.each([
    ['under a source prefix', 'incoming/rejected/'],
    ['containing a source prefix', 'segment-logs/'],
  ])('refuses a REJECTED_PREFIX %s: every report would be ingested again', (_where, prefix) => {
    const message = problemsWith({ ...REQUIRED, REJECTED_PREFIX: prefix });

    expect(message).toContain('REJECTED_PREFIX');
    expect(message).toContain('overlap');
  });

  it('refuses a REJECTED_PREFIX that overlaps a prefix given in SOURCES', () => {
    const sources = [{ name: 'everything', prefix: 'data/', format: 'auto' }];

    expect(
      problemsWith({ ...REQUIRED, SOURCES: JSON.stringify(sources), REJECTED_PREFIX: 'data/rejected/' }),
    ).toContain('REJECTED_PREFIX');
    expect(
      loadIngestConfig({ ...REQUIRED, SOURCES: JSON.stringify(sources), REJECTED_PREFIX: 'incoming/' })
        .rejectedPrefix,
    ).toBe('incoming/');
  });

  it('refuses a REJECTED_PREFIX that does not end with a slash', () => {
    expect(problemsWith({ ...REQUIRED, REJECTED_PREFIX: 'rejected' })).toContain('REJECTED_PREFIX');
  });

  it('reads MAX_MEMBER_BYTES as a number of bytes', () => {
    expect(loadIngestConfig({ ...REQUIRED, MAX_MEMBER_BYTES: '1048576' }).maxMemberBytes).toBe(1_048_576);
  });

  it.each(['abc', '0', '-1', '1.5'])('refuses MAX_MEMBER_BYTES=%s, naming the variable', (value) => {
    expect(problemsWith({ ...REQUIRED, MAX_MEMBER_BYTES: value })).toMatch(
      /^invalid ingest configuration: MAX_MEMBER_BYTES: /,
    );
  });

  it.each(['MAX_MEMBER_BYTES', 'AWS_LAMBDA_FUNCTION_MEMORY_SIZE'])(
    'refuses %s as white space, hex, binary, an exponent, a sign, a fraction or past 2^53, saying what it must be',
    (variable) => {
      for (const value of [' ', '\t', '0x10', '0b11', '1e3', '-1', '+5', '1.5', '0', '9'.repeat(20)]) {
        expect(problemsWith({ ...REQUIRED, [variable]: value }), JSON.stringify(value)).toBe(
          `invalid ingest configuration: ${variable}: must be a whole number of at least 1, in decimal digits (got ${JSON.stringify(value)})`,
        );
      }
    },
  );

  it('takes digits with white space around them, as the CLI takes a number', () => {
    expect(loadIngestConfig({ ...REQUIRED, MAX_MEMBER_BYTES: ' 1048576\n' }).maxMemberBytes).toBe(1_048_576);
  });

  it('names every bad variable in one error', () => {
    const message = problemsWith({
      BUCKET_NAME: 'uploads',
      SESSION_RULES: '{"gap":5}',
      MAX_MEMBER_BYTES: 'lots',
      REJECTED_PREFIX: 'incoming/reports/',
    });

    for (const variable of ['TABLE_NAME', 'SESSION_RULES', 'MAX_MEMBER_BYTES', 'REJECTED_PREFIX']) {
      expect(message).toContain(variable);
    }
    expect(message).not.toContain('BUCKET_NAME');
  });
});
