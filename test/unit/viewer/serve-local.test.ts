// `npm run viewer -- --api-url http://127.0.0.1:3000/` in front of the local stack, on a machine without AWS
// credentials: the local API checks no signature, so the viewer forwards its calls unsigned.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';

let api: Server | undefined;
let viewer: ChildProcess | undefined;

afterEach(async () => {
  viewer?.kill();
  viewer = undefined;
  await new Promise<void>((resolve) => (api ? api.close(() => resolve()) : resolve()));
  api = undefined;
});

/** The environment with every AWS variable gone and the credential files and instance metadata out of reach. */
function envWithoutCredentials(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));
  return {
    ...env,
    AWS_CONFIG_FILE: '/nonexistent/config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

/** Starts `npm run viewer`'s script and resolves with its address, or rejects with its stderr if it exits. */
function startViewer(apiUrl: string, port = 0, more: readonly string[] = [], said?: (line: string) => void) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join('scripts', 'viewer.ts'), '--api-url', apiUrl, '--port', String(port), ...more],
    { env: envWithoutCredentials(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  viewer = child;
  let stdout = '';
  let stderr = '';
  return new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk;
      const address = /(http:\/\/127\.0\.0\.1:\d+)\//.exec(stdout);
      if (address) {
        said?.(stdout);
        resolve(address[1] as string);
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk;
    });
    child.on('close', (code) => reject(new Error(`viewer exited with ${code}: ${stderr}`)));
  });
}

it('forwards to a loopback API without AWS credentials, unsigned', async () => {
  const seen: IncomingHttpHeaders[] = [];
  api = createServer((req, res) => {
    seen.push(req.headers);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ path: req.url }));
  });
  await new Promise<void>((resolve) => api?.listen(0, '127.0.0.1', resolve));
  const apiPort = (api.address() as AddressInfo).port;

  const origin = await startViewer(`http://127.0.0.1:${apiPort}/`);
  const response = await fetch(`${origin}/users/u-1/sessions?limit=5`);

  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ path: '/users/u-1/sessions?limit=5' });
  expect(seen).toHaveLength(1);
  expect(seen[0]?.authorization).toBeUndefined();
  expect(seen[0]?.['x-amz-date']).toBeUndefined();
}, 60_000);

it('says which port is taken and how to choose another, instead of an unhandled error', async () => {
  api = createServer();
  await new Promise<void>((resolve) => api?.listen(0, '127.0.0.1', resolve));
  const takenPort = (api.address() as AddressInfo).port;

  const started = startViewer(`http://127.0.0.1:${takenPort}/`, takenPort);

  await expect(started).rejects.toThrow(
    new RegExp(
      `exited with 1: viewer: port ${takenPort} on 127\\.0\\.0\\.1 is already in use: it is held by pid ${process.pid} .*; or give another with --port`,
    ),
  );
  await expect(started).rejects.not.toThrow(/Unhandled 'error' event/);
}, 60_000);

// Beside --api-url the stage looks nothing up: it only names what the viewer shows, so any name is taken.
it('takes a --stage that is no deployed stage beside --api-url, as a label', async () => {
  api = createServer((_req, res) => res.end('{}'));
  await new Promise<void>((resolve) => api?.listen(0, '127.0.0.1', resolve));
  const apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}/`;
  let firstLine = '';

  await startViewer(apiUrl, 0, ['--stage', 'feature-x'], (line) => {
    firstLine = line;
  });

  expect(firstLine.startsWith(`Session viewer for stage feature-x (${apiUrl}): http://127.0.0.1:`)).toBe(
    true,
  );
}, 60_000);
