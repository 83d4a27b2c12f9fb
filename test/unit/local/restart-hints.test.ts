// The starts `npm start` suggests to be copied: for an argument such as `--port 3100`, and for a taken port.
// Copied, each must start the stack that was asked for: the same data dir, ports and rules, but the one thing
// changed. Variables typed before `npm start` are not set for the copy, and the data dir records its rules: a
// start with other rules is refused (docs/local.md).

import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionRules } from '../../../functions/domain/rules/session-rules.js';
import { type PortInUseError, startLocalStack } from '../../../local/stack.js';
import { loadLocalStackConfig } from '../../../local/stack-config.js';
import { startArguments } from '../../../local/start-arguments.js';

/** The variables a suggested `A=1 B='x y' npm start` sets, read as a POSIX shell reads its words. */
function variablesOf(command: string): Record<string, string> {
  const start = command.lastIndexOf(' npm start');
  const words: string[] = [];
  let word = '';
  let quoted = false;
  for (const char of command.slice(0, start)) {
    if (char === "'") quoted = !quoted;
    else if (char === ' ' && !quoted) {
      words.push(word);
      word = '';
    } else word += char;
  }
  words.push(word);
  return Object.fromEntries(
    words.filter((w) => w !== '').map((w) => [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)]),
  );
}

const RULES_ENV = {
  SESSION_GAP_MINUTES: '20',
  SESSION_GAP_MINUTES_BY_PLATFORM: `{"ios":5,"tv box":7}`,
  SESSION_MAX_MINUTES: '90',
  IDENTITY_STITCHING: 'true',
};

describe('npm start -- --port 3100', () => {
  it('suggests the start this environment gives, with only the port changed', () => {
    const env = { SESSIONIZER_DATA_DIR: '/tmp/a b/data', S3_PORT: '4570', ...RULES_ENV };
    const text = startArguments(['--port', '3100'], env)?.text ?? '';
    const command = /for this one, (.* npm start) \(/.exec(text)?.[1] ?? '';
    expect(command).toMatch(/^PORT=3100 .*SESSIONIZER_DATA_DIR='\/tmp\/a b\/data' npm start$/);
    expect(loadLocalStackConfig(variablesOf(command), '/repo')).toEqual(
      loadLocalStackConfig({ ...env, PORT: '3100' }, '/repo'),
    );
  });

  it('repeats only the variables the stack takes, saying which it left out and why', () => {
    const env = { SESSIONIZER_DATA_DIR: '/tmp/x', INGEST_BATCH_SIZE: '0', S3_PORT: 'x', ...RULES_ENV };
    const text = startArguments(['--port', '3100'], env)?.text ?? '';
    const command = /for this one, (.* npm start); left out/.exec(text)?.[1] ?? '';
    const { INGEST_BATCH_SIZE: _, S3_PORT: __, ...valid } = env;
    expect(variablesOf(command)).toEqual({ ...valid, PORT: '3100' });
    expect(loadLocalStackConfig(variablesOf(command), '/repo')).toEqual(
      loadLocalStackConfig({ ...valid, PORT: '3100' }, '/repo'),
    );
    expect(text).toContain(
      '; left out, as the stack refuses them: S3_PORT must be a port number from 0 to 65535 (got "x"); INGEST_BATCH_SIZE must be from 1 to 10 (',
    );
  });

  it('replaces the variable the argument stands for', () => {
    const text = startArguments(['--data-dir', '/tmp/y'], {
      SESSIONIZER_DATA_DIR: '/tmp/x',
      PORT: '3100',
    })?.text;
    expect(text).toContain('for this one, PORT=3100 SESSIONIZER_DATA_DIR=/tmp/y npm start (');
  });
});

describe('a taken port', () => {
  let server: Server | undefined;
  let dataDir: string | undefined;
  afterEach(() => {
    server?.close();
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  });

  it('suggests a start with the rules the stack was given too, so its data dir takes it', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'restart-hints-'));
    const taken = createServer();
    server = taken;
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    const config = loadLocalStackConfig({ ...RULES_ENV, SESSIONIZER_DATA_DIR: dataDir }, '/repo');
    const rules: SessionRules = config.sessionRules;
    const error = (await startLocalStack({
      port,
      s3Port: 0,
      dynamoDbPort: 0,
      dataDir,
      dropDir: false,
      sessionRules: rules,
    }).catch((caught: unknown) => caught)) as PortInUseError;
    const command = /e\.g\. (.* npm start) \(free right now\)/.exec(error.message)?.[1] ?? '';
    expect(command, error.message).not.toBe('');
    const copied = loadLocalStackConfig(variablesOf(command), '/repo');
    expect(copied.sessionRules).toEqual(rules);
    expect(copied.dataDir).toBe(dataDir);
    expect(copied.port).toBe(error.suggestion);
  });
});
