// `npm start` configuration, and the checks that run before any server is started (ports, data dir lock).
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SOURCES } from '../../../contract/index.js';
import { acquireDataDirLock, DataDirLockedError } from '../../../local/data-dir-lock.js';
import { isPortFree } from '../../../local/process-utils.js';
import { PortInUseError, PortsInUseError, startLocalStack } from '../../../local/stack.js';
import { loadLocalStackConfig } from '../../../local/stack-config.js';

describe('loadLocalStackConfig', () => {
  it('has the documented defaults', () => {
    expect(loadLocalStackConfig({}, '/repo')).toEqual({
      port: 3000,
      s3Port: 4569,
      dynamoDbPort: 8000,
      sources: DEFAULT_SOURCES,
      sessionRules: { gapMinutes: 30, gapMinutesByPlatform: {}, identityStitching: false },
      queue: { batchSize: 5, maxConcurrency: 2, visibilityTimeoutMs: 30_000, maxReceiveCount: 3 },
      dataDir: '/repo/.sessionizer',
      corsAllowedOrigins: [],
    });
  });

  it('reads every variable; blank means default; relative dirs resolve against the repository root', () => {
    const config = loadLocalStackConfig(
      {
        PORT: '3001',
        S3_PORT: '',
        DYNAMODB_PORT: '0',
        SESSIONIZER_SOURCES: '[{"name":"amp","prefix":"amplitude/","format":"amplitude"}]',
        SESSION_GAP_MINUTES: '12.5',
        SESSION_GAP_MINUTES_BY_PLATFORM: '{"ios":5,"android":7.5}',
        SESSION_MAX_MINUTES: '1440',
        IDENTITY_STITCHING: 'true',
        INGEST_BATCH_SIZE: '10',
        INGEST_MAX_CONCURRENCY: '4',
        INGEST_VISIBILITY_TIMEOUT_SECONDS: '5',
        INGEST_MAX_RECEIVE_COUNT: '1',
        SESSIONIZER_DATA_DIR: 'data',
        SESSIONIZER_DROP_DIR: '/drop',
        CURSOR_SIGNING_KEY: 'k'.repeat(32),
        CORS_ALLOWED_ORIGINS: 'http://a.test, http://b.test',
      },
      '/repo',
    );
    expect(config).toEqual({
      port: 3001,
      s3Port: 4569,
      dynamoDbPort: 0,
      sources: [{ name: 'amp', prefix: 'amplitude/', format: 'amplitude' }],
      sessionRules: {
        gapMinutes: 12.5,
        gapMinutesByPlatform: { ios: 5, android: 7.5 },
        maxSessionMinutes: 1440,
        identityStitching: true,
      },
      queue: { batchSize: 10, maxConcurrency: 4, visibilityTimeoutMs: 5_000, maxReceiveCount: 1 },
      dataDir: '/repo/data',
      dropDir: '/drop',
      cursorSigningKey: 'k'.repeat(32),
      corsAllowedOrigins: ['http://a.test', 'http://b.test'],
    });
  });

  it('names every bad variable and never echoes the signing key', () => {
    const attempt = () =>
      loadLocalStackConfig({
        PORT: 'http',
        S3_PORT: '70000',
        SESSION_GAP_MINUTES: '-1',
        SESSION_MAX_MINUTES: '0x5A0',
        IDENTITY_STITCHING: 'yes',
        INGEST_BATCH_SIZE: '11',
        CURSOR_SIGNING_KEY: 'secret',
      });
    for (const variable of [
      'PORT',
      'S3_PORT',
      'SESSION_GAP_MINUTES: must be 0 or more',
      'SESSION_MAX_MINUTES: must be a decimal number of minutes such as 30, 2.5 or 1e3 (got "0x5A0")',
      'IDENTITY_STITCHING: must be true or false',
      'INGEST_BATCH_SIZE: must be from 1 to 10',
      'CURSOR_SIGNING_KEY',
    ]) {
      expect(attempt).toThrow(variable);
    }
    expect(attempt).not.toThrow(/secret/);
  });

  it.each([
    [{ PORT: '4150', S3_PORT: '4150' }, 'PORT and S3_PORT are both 4150'],
    [{ S3_PORT: '8000' }, 'S3_PORT and DYNAMODB_PORT are both 8000'],
    [{ PORT: '7', S3_PORT: '7', DYNAMODB_PORT: '7' }, 'PORT, S3_PORT and DYNAMODB_PORT are all 7'],
  ])(
    'refuses one port for two servers, naming the variables, before anything starts (%o)',
    (env, message) => {
      // Otherwise the second server fails to bind after the first started, and the stack blames "whatever holds it".
      expect(() => loadLocalStackConfig(env)).toThrow(`invalid local stack configuration: ${message}`);
    },
  );

  it.each([
    // Number() reads " " as 0: any free port, where a port was meant.
    [{ PORT: ' ' }, 'PORT: must be a port number from 0 to 65535 (got " ")'],
    [{ S3_PORT: '0x10' }, 'S3_PORT: must be a port number from 0 to 65535 (got "0x10")'],
    [{ DYNAMODB_PORT: '8e3' }, 'DYNAMODB_PORT: must be a port number from 0 to 65535 (got "8e3")'],
    [{ INGEST_BATCH_SIZE: '0x5' }, 'INGEST_BATCH_SIZE: must be a whole number from 1 to 10 (got "0x5")'],
  ])('refuses a port or a count that is no decimal whole number (%o)', (env, message) => {
    expect(() => loadLocalStackConfig(env)).toThrow(message);
  });

  it('lets several ports be 0 (each picks a free port of its own)', () => {
    expect(loadLocalStackConfig({ PORT: '0', S3_PORT: '0', DYNAMODB_PORT: '0' })).toMatchObject({
      port: 0,
      s3Port: 0,
      dynamoDbPort: 0,
    });
  });

  it.each([
    ['SESSION_GAP_MINUTES', '-0.5', 'SESSION_GAP_MINUTES: must be 0 or more'],
    ['SESSION_GAP_MINUTES', '525600001', 'SESSION_GAP_MINUTES: must be at most 525600000 (a thousand years)'],
    ['SESSION_MAX_MINUTES', '-1', 'SESSION_MAX_MINUTES: must be 0 or more'],
    ['SESSION_GAP_MINUTES', '-1e-400', 'SESSION_GAP_MINUTES: must be 0 or more'],
    ['SESSION_MAX_MINUTES', '-1e400', 'SESSION_MAX_MINUTES: must be 0 or more'],
    ['SESSION_MAX_MINUTES', '1e400', 'SESSION_MAX_MINUTES: must be at most 525600000'],
  ])('refuses %s=%s before anything starts, as the stages would', (variable, value, message) => {
    expect(() => loadLocalStackConfig({ [variable]: value })).toThrow(message);
  });

  it('keeps a platform gap whatever the platform is named, __proto__ included', () => {
    const config = loadLocalStackConfig({ SESSION_GAP_MINUTES_BY_PLATFORM: '{"__proto__":5,"ios":2}' });
    expect(Object.entries(config.sessionRules.gapMinutesByPlatform)).toEqual([
      ['__proto__', 5],
      ['ios', 2],
    ]);
  });

  it.each([
    ['not JSON', '{ios:5}', 'SESSION_GAP_MINUTES_BY_PLATFORM: must be JSON like {"ios":5,"android":5}'],
    ['a negative gap', '{"ios":-1}', 'SESSION_GAP_MINUTES_BY_PLATFORM.ios: a platform gap must be 0 or more'],
    ['a capitalised platform', '{"iOS":5}', "SESSION_GAP_MINUTES_BY_PLATFORM.iOS: 'iOS' must be lowercase"],
    ['a list', '[5]', 'SESSION_GAP_MINUTES_BY_PLATFORM'],
  ])('rejects SESSION_GAP_MINUTES_BY_PLATFORM with %s', (_what, value, message) => {
    expect(() => loadLocalStackConfig({ SESSION_GAP_MINUTES_BY_PLATFORM: value })).toThrow(message);
  });

  it.each([
    ['not JSON', 'incoming/', 'SESSIONIZER_SOURCES: must be JSON like'],
    ['an empty list', '[]', 'SESSIONIZER_SOURCES: must name at least one source'],
    [
      'a prefix without a slash',
      '[{"name":"a","prefix":"a","format":"auto"}]',
      'SESSIONIZER_SOURCES[0].prefix: must end with "/"',
    ],
    [
      'an unknown format',
      '[{"name":"a","prefix":"a/","format":"csv"}]',
      'SESSIONIZER_SOURCES[0].format: must be one of auto, segment, amplitude, mixpanel, posthog',
    ],
    [
      'the reports prefix',
      '[{"name":"r","prefix":"rejected/x/","format":"auto"}]',
      'must not contain or lie inside rejected/',
    ],
    [
      'nested prefixes',
      '[{"name":"a","prefix":"a/","format":"auto"},{"name":"b","prefix":"a/b/","format":"auto"}]',
      'SESSIONIZER_SOURCES[1]: prefix a/b/ lies inside a/ of source "a"',
    ],
    [
      'a repeated name',
      '[{"name":"a","prefix":"a/","format":"auto"},{"name":"a","prefix":"b/","format":"auto"}]',
      'repeats the source name "a"',
    ],
  ])('rejects SESSIONIZER_SOURCES with %s, saying where', (_what, value, message) => {
    expect(() => loadLocalStackConfig({ SESSIONIZER_SOURCES: value })).toThrow(message);
  });

  // The API echoes an Origin only when it equals a listed one, so an origin written otherwise never matches.
  it.each([
    ['a trailing slash', 'http://localhost:5173/'],
    ['a path', 'https://app.example.com/viewer'],
    ['capitals', 'https://App.example.com'],
    ['no scheme', 'localhost:5173'],
  ])('rejects a CORS_ALLOWED_ORIGINS entry with %s, as the stages do', (_what, origin) => {
    expect(() => loadLocalStackConfig({ CORS_ALLOWED_ORIGINS: `http://a.test, ${origin}` })).toThrow(
      `CORS_ALLOWED_ORIGINS: ${JSON.stringify(origin)} must be an origin as browsers send it`,
    );
  });

  it('takes * and origins with a port in CORS_ALLOWED_ORIGINS', () => {
    expect(
      loadLocalStackConfig({ CORS_ALLOWED_ORIGINS: '*,http://localhost:5173' }).corsAllowedOrigins,
    ).toEqual(['*', 'http://localhost:5173']);
  });

  it('reads SESSIONIZER_LOCAL_FAULTS as the share of DynamoDB calls to throttle; unset or blank injects none', () => {
    expect(loadLocalStackConfig({ SESSIONIZER_LOCAL_FAULTS: 'throttle:0.05' }).faults).toEqual({
      throttle: 0.05,
    });
    expect(loadLocalStackConfig({ SESSIONIZER_LOCAL_FAULTS: ' throttle:0 ' }).faults).toEqual({
      throttle: 0,
    });
    expect(loadLocalStackConfig({ SESSIONIZER_LOCAL_FAULTS: 'throttle:.25' }).faults).toEqual({
      throttle: 0.25,
    });
    expect(loadLocalStackConfig({ SESSIONIZER_LOCAL_FAULTS: '' })).not.toHaveProperty('faults');
    expect(loadLocalStackConfig({})).not.toHaveProperty('faults');
  });

  it.each([
    [
      'an unknown fault',
      'crash:0.1',
      'SESSIONIZER_LOCAL_FAULTS: must be like throttle:0.05; "crash:0.1" is not a known fault',
    ],
    [
      'no share',
      'throttle',
      'SESSIONIZER_LOCAL_FAULTS: must be like throttle:0.05; "throttle" is not a known fault',
    ],
    [
      'a percentage',
      'throttle:5',
      'SESSIONIZER_LOCAL_FAULTS: throttle must be a fraction of DynamoDB calls from 0 to below 1',
    ],
    [
      'every call',
      'throttle:1',
      'throttle must be a fraction of DynamoDB calls from 0 to below 1, in decimal digits, like throttle:0.05; not "1"',
    ],
    ['a word', 'throttle:some', 'not "some"'],
    ['an empty share', 'throttle:', 'not ""'],
    // Number() reads these as 0 and 0.01; a share is written in decimal digits.
    ['a hexadecimal share', 'throttle:0x0', 'in decimal digits, like throttle:0.05; not "0x0"'],
    ['an exponent', 'throttle:1e-2', 'not "1e-2"'],
    ['a point without digits after it', 'throttle:0.', 'not "0."'],
    ['spaces inside the share', 'throttle:0. 5', 'not "0. 5"'],
    [
      'a fault named twice',
      'throttle:0.1,throttle:0.2',
      'names throttle twice ("throttle:0.1,throttle:0.2")',
    ],
  ])('rejects SESSIONIZER_LOCAL_FAULTS with %s, saying what it takes', (_what, value, message) => {
    expect(() => loadLocalStackConfig({ SESSIONIZER_LOCAL_FAULTS: value })).toThrow(message);
  });
});

describe('startLocalStack checks', () => {
  async function occupy(host: string): Promise<{ server: Server; port: number }> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, host, resolve));
    const address = server.address();
    return { server, port: typeof address === 'object' && address !== null ? address.port : 0 };
  }

  it.each([
    ['PORT', 'port'],
    ['S3_PORT', 's3Port'],
    ['DYNAMODB_PORT', 'dynamoDbPort'],
  ] as const)(
    'fails before starting anything when %s is taken, naming the variable',
    async (envVar, option) => {
      const dataDir = mkdtempSync(join(tmpdir(), 'stack-ports-'));
      const { server, port } = await occupy('127.0.0.1');
      try {
        const attempt = startLocalStack({
          port: 0,
          s3Port: 0,
          dynamoDbPort: 0,
          dataDir,
          dropDir: false,
          [option]: port,
        });
        await expect(attempt).rejects.toBeInstanceOf(PortInUseError);
        const error = (await attempt.catch((caught: unknown) => caught)) as PortInUseError;
        // A port checked free, after the taken one, in the start given: its data dir and other ports kept.
        const suggested = new RegExp(`${envVar}=(\\d+) [^(]*npm start \\(free right now\\)`).exec(
          error.message,
        );
        expect(suggested, error.message).not.toBeNull();
        expect(error.suggestion).toBe(Number(suggested?.[1]));
        expect(error.suggestion).toBeGreaterThan(port);
        const ports = { PORT: 0, S3_PORT: 0, DYNAMODB_PORT: 0, [envVar]: error.suggestion };
        expect(error.message).toContain(
          `e.g. SESSIONIZER_DATA_DIR=${dataDir} PORT=${ports.PORT} S3_PORT=${ports.S3_PORT} ` +
            `DYNAMODB_PORT=${ports.DYNAMODB_PORT} npm start (free right now)`,
        );
        expect(await isPortFree(error.suggestion as number)).toBe(true);
        // The failed start gave the data dir back.
        expect(existsSync(join(dataDir, 'lock'))).toBe(false);
      } finally {
        server.close();
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  );

  it('names every taken port in one error, each with a distinct free suggestion, and writes nothing', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'stack-ports-')), 'data');
    const taken = [await occupy('127.0.0.1'), await occupy('127.0.0.1'), await occupy('127.0.0.1')];
    try {
      const [api, s3, dynamoDb] = taken.map(({ port }) => port) as [number, number, number];
      const attempt = startLocalStack({
        port: api,
        s3Port: s3,
        dynamoDbPort: dynamoDb,
        dataDir,
        dropDir: false,
      });
      const error = (await attempt.catch((caught: unknown) => caught)) as PortsInUseError;
      expect(error).toBeInstanceOf(PortsInUseError);
      expect(error.problems.map((problem) => [problem.envVar, problem.port])).toEqual([
        ['PORT', api],
        ['S3_PORT', s3],
        ['DYNAMODB_PORT', dynamoDb],
      ]);
      const suggested = error.problems.map((problem) => problem.suggestion as number);
      expect(new Set([...suggested, api, s3, dynamoDb]).size).toBe(6);
      for (const port of suggested) expect(await isPortFree(port)).toBe(true);
      expect(error.message).toContain(
        `e.g. SESSIONIZER_DATA_DIR=${dataDir} PORT=${suggested[0]} S3_PORT=${suggested[1]} ` +
          `DYNAMODB_PORT=${suggested[2]} npm start`,
      );
      // Nothing but the released lock's folder: no signing key, no queue.
      expect(readdirSync(dataDir)).toEqual([]);
    } finally {
      for (const { server } of taken) server.close();
      rmSync(dirname(dataDir), { recursive: true, force: true });
    }
  });

  it('refuses a data dir another stack holds, naming its pid, before starting anything', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'stack-lock-'));
    const lock = acquireDataDirLock(dataDir);
    try {
      const attempt = startLocalStack({ port: 0, s3Port: 0, dynamoDbPort: 0, dataDir, dropDir: false });
      await expect(attempt).rejects.toBeInstanceOf(DataDirLockedError);
      await expect(attempt).rejects.toThrow(`pid ${process.pid}`);
      expect(existsSync(join(dataDir, 'dynamodb'))).toBe(false);
    } finally {
      lock.release();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
