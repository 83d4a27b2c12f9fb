/**
 * Runs measurement scripts in fresh Node processes, so peak RSS belongs to one measurement and no JIT or
 * heap state leaks between them. The scripts are bundled by esbuild first (dependencies stay external and
 * resolve from node_modules): plain `node` then runs them without a TypeScript loader in the process.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { build } from 'esbuild';

export const OUT_DIR = resolve(import.meta.dirname, 'out');
const BIN_DIR = resolve(OUT_DIR, 'bin');

const CHILD_SCRIPTS = {
  throughput: 'bench/measure-throughput.ts',
  ingest: 'bench/ingest-child.ts',
} as const;

export type ChildScript = keyof typeof CHILD_SCRIPTS;

export async function buildChildScripts(): Promise<void> {
  await build({
    absWorkingDir: resolve(import.meta.dirname, '..'),
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

export interface ChildOptions {
  nodeArgs?: readonly string[];
  env?: NodeJS.ProcessEnv;
}

/** Runs a child script and parses the JSON object it prints as its last stdout line. */
export function runChild<T>(
  script: ChildScript,
  args: readonly string[],
  options: ChildOptions = {},
): Promise<T> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), childScriptPath(script), ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: options.env ?? process.env,
    });
    let stdout = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code !== 0) {
        reject(new Error(`${script} ${args.join(' ')} failed (${signal ?? `exit code ${code}`})`));
        return;
      }
      const lastLine = stdout.trim().split('\n').pop() ?? '';
      try {
        resolvePromise(JSON.parse(lastLine) as T);
      } catch {
        reject(new Error(`${script} printed no JSON result: ${stdout.slice(-500)}`));
      }
    });
  });
}
