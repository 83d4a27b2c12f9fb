import { execFile, spawn } from 'node:child_process';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** The repository root, the `sessionize` entry point and the bundle it runs. */
export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = join(REPO, 'bin', 'sessionize.mjs');
export const BUNDLE = join(REPO, 'dist', 'cli', 'sessionize.mjs');

const SOURCES = ['cli', 'functions', 'contract', join('scripts', 'build-cli.mjs'), 'package-lock.json'];
const LOCK = join(REPO, 'dist', '.cli-build-lock');
const STALE_LOCK_MS = 120_000;

async function newestMtime(path: string): Promise<number> {
  const info = await stat(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of await readdir(path)) newest = Math.max(newest, await newestMtime(join(path, entry)));
  return newest;
}

async function isStale(): Promise<boolean> {
  const built = await stat(BUNDLE).then(
    (info) => info.mtimeMs,
    () => Number.NEGATIVE_INFINITY,
  );
  const sources = await Promise.all(SOURCES.map((source) => newestMtime(join(REPO, source))));
  return Math.max(...sources) > built;
}

/** Takes the build lock (a directory: creating one is atomic), clearing one left by a test run that died. */
async function lock(): Promise<void> {
  await mkdir(join(REPO, 'dist'), { recursive: true });
  for (;;) {
    try {
      await mkdir(LOCK);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = await stat(LOCK).then(
        (info) => Date.now() - info.mtimeMs,
        () => 0,
      );
      if (age > STALE_LOCK_MS) await rm(LOCK, { recursive: true, force: true });
      else await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/**
 * Builds the CLI bundle (`npm run build:cli`) when a source is newer than it, so the tests run the code as it
 * is. Test files run in parallel: one builds under a lock while the others wait, and none runs the bundle
 * while it is being written.
 */
export async function ensureCliBuilt(): Promise<void> {
  if (!(await isStale())) return;
  await lock();
  try {
    if (await isStale()) {
      await promisify(execFile)(process.execPath, [join(REPO, 'scripts', 'build-cli.mjs')], { cwd: REPO });
    }
  } finally {
    await rm(LOCK, { recursive: true, force: true });
  }
}

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The bytes as written, to check that nothing raw slipped through. */
  readonly rawStdout: Buffer;
  readonly rawStderr: Buffer;
}

/** Runs `node bin/sessionize.mjs ARGS` as a user would, optionally feeding standard input. */
export function runCli(
  args: readonly string[],
  options: { cwd?: string; input?: string | Uint8Array; env?: Record<string, string> } = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? REPO,
      env: { ...process.env, NODE_OPTIONS: '', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const rawStdout = Buffer.concat(stdout);
      const rawStderr = Buffer.concat(stderr);
      resolve({
        code,
        stdout: rawStdout.toString('utf8'),
        stderr: rawStderr.toString('utf8'),
        rawStdout,
        rawStderr,
      });
    });
    // A run that never reads standard input may close it first.
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

/**
 * Whether output holds a control character raw: C0 (tab and line feed aside), DEL, or a C1 character
 * (U+0080-U+009F, bytes C2 80 to C2 9F in UTF-8), any of which a terminal may act on.
 */
export function hasRawControl(bytes: Buffer): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i] as number;
    if ((byte < 0x20 && byte !== 0x09 && byte !== 0x0a) || byte === 0x7f) return true;
    const next = bytes[i + 1] ?? 0;
    if (byte === 0xc2 && next >= 0x80 && next <= 0x9f) return true;
  }
  return false;
}
