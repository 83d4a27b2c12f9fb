// `npm start` configuration, and the port check that runs before any server is started.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PortInUseError, startLocalStack } from '../../../local/stack.js';
import { loadLocalStackConfig } from '../../../local/stack-config.js';

describe('loadLocalStackConfig', () => {
  it('has the documented defaults', () => {
    expect(loadLocalStackConfig({}, '/repo')).toEqual({
      port: 3000,
      s3Port: 4569,
      dynamoDbPort: 8000,
      gapMinutes: 30,
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
        SESSION_GAP_MINUTES: '12.5',
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
      gapMinutes: 12.5,
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
        SESSION_GAP_MINUTES: '0',
        CURSOR_SIGNING_KEY: 'secret',
      });
    expect(attempt).toThrow(/PORT/);
    expect(attempt).toThrow(/S3_PORT/);
    expect(attempt).toThrow(/SESSION_GAP_MINUTES/);
    expect(attempt).toThrow(/CURSOR_SIGNING_KEY/);
    expect(attempt).not.toThrow(/secret/);
  });
});

describe('startLocalStack port check', () => {
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
          gapMinutes: 30,
          dataDir,
          dropDir: false,
          [option]: port,
        });
        await expect(attempt).rejects.toBeInstanceOf(PortInUseError);
        await expect(attempt).rejects.toThrow(`${envVar}=${port + 1} npm start`);
      } finally {
        server.close();
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  );
});
