/**
 * Every measurement runs in a process of its own, so its peak RSS and CPU time are its own and no JIT or heap
 * state leaks between runs. The benchmark's own child scripts are bundled by esbuild first (dependencies stay
 * external and resolve from node_modules), so plain `node` runs them without a TypeScript loader.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import type { ResourceUsage } from './rusage-preload.js';

export const REPO_ROOT = resolve(import.meta.dirname, '..');
export const OUT_DIR = resolve(REPO_ROOT, 'bench', 'out');
const BIN_DIR = resolve(OUT_DIR, 'bin');

const CHILD_SCRIPTS = {
  floor: 'bench/floor-child.ts',
  duckdb: 'bench/duckdb-child.ts',
  ingest: 'bench/ingest-child.ts',
  rusage: 'bench/rusage-preload.ts',
} as const;

export type ChildScript = keyof typeof CHILD_SCRIPTS;

export async function buildChildScripts(): Promise<void> {
  await build({
    absWorkingDir: REPO_ROOT,
    entryPoints: Object.entries(CHILD_SCRIPTS).map(([name, path]) => ({ in: path, out: name })),
    outdir: BIN_DIR,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Readable names in CPU profiles matter more than size here.
    minify: false,
    logLevel: 'warning',
  });
}

export function childScriptPath(script: ChildScript): string {
  return resolve(BIN_DIR, `${script}.mjs`);
}

/** One run of a whole process: from spawn to exit, CPU of all its threads, its peak resident set. */
export interface ProcessSample {
  wallMs: number;
  cpuMs: number;
  peakRssMiB: number;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  /** 'ignore' sends stdout to /dev/null, as `> /dev/null` would. */
  stdout?: 'ignore' | 'pipe';
  /** Receives the child's stderr lines that start with `progress: ` (without it), as they come. */
  onProgress?: (line: string) => void;
}

const PROGRESS = 'progress: ';

function tail(text: string): string {
  const trimmed = text.trim();
  return trimmed.length > 800 ? `…${trimmed.slice(-800)}` : trimmed;
}

/**
 * Runs `command args` as a user would and measures the whole process. A Node process measures itself: a
 * module preloaded through NODE_OPTIONS writes `process.resourceUsage()` to a file as it exits, so the
 * command line stays exactly the one measured (flags in a script's shebang still apply).
 */
export async function measureProcess(
  command: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<ProcessSample & { stdout: string }> {
  const usageFile = resolve(OUT_DIR, `rusage-${process.pid}-${randomUUID()}.json`);
  const base = options.env ?? process.env;
  const env = {
    ...base,
    NODE_OPTIONS:
      `${base.NODE_OPTIONS ?? ''} --import=${pathToFileURL(childScriptPath('rusage')).href}`.trim(),
    BENCH_RUSAGE_FILE: usageFile,
  };
  const started = performance.now();
  const { code, signal, stdout, stderr } = await new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>((resolvePromise, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', options.stdout ?? 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let forwarded = 0;
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      err += chunk;
      for (let end = err.indexOf('\n', forwarded); end !== -1; end = err.indexOf('\n', forwarded)) {
        const line = err.slice(forwarded, end);
        if (line.startsWith(PROGRESS)) options.onProgress?.(line.slice(PROGRESS.length));
        forwarded = end + 1;
      }
    });
    child.once('error', reject);
    child.once('close', (exitCode, exitSignal) =>
      resolvePromise({ code: exitCode, signal: exitSignal, stdout: out, stderr: err }),
    );
  });
  const wallMs = performance.now() - started;
  const commandLine = [command, ...args].join(' ');
  if (code !== 0) {
    await rm(usageFile, { force: true });
    throw new Error(`\`${commandLine}\` failed (${signal ?? `exit code ${code}`}): ${tail(stderr)}`);
  }
  let usage: ResourceUsage;
  try {
    usage = JSON.parse(await readFile(usageFile, 'utf8')) as ResourceUsage;
  } catch {
    throw new Error(`\`${commandLine}\` left no resource usage: is it a Node process? ${tail(stderr)}`);
  } finally {
    await rm(usageFile, { force: true });
  }
  return { wallMs, cpuMs: usage.cpuMs, peakRssMiB: usage.maxRssKiB / 1024, stdout };
}

/** Runs one of the benchmark's child scripts, measured, and parses the JSON it prints as its last line. */
export async function runChild<T>(
  script: ChildScript,
  args: readonly string[],
  options: RunOptions = {},
): Promise<T & ProcessSample> {
  const { stdout, ...sample } = await measureProcess(
    process.execPath,
    [childScriptPath(script), ...args],
    options,
  );
  const lastLine = stdout.trim().split('\n').pop() ?? '';
  try {
    return { ...(JSON.parse(lastLine) as T), ...sample };
  } catch {
    throw new Error(`${script} printed no JSON result: ${tail(stdout)}`);
  }
}
