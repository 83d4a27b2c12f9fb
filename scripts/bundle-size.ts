/**
 * Bundles every Lambda handler with the deploy's esbuild settings (lib/config/bundling.ts, the same ones
 * the CDK construct builds with) and reports the size of each bundle. Run: npm run bundle-size
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import { usageErrorText } from '../cli/command-line.js';
import {
  type LambdaHandlerName,
  lambdaBuildOptions,
  lambdaHandlers,
  repoRoot,
} from '../lib/config/bundling.js';

export interface BundleSize {
  name: string;
  /** Size of the bundle's JavaScript (index.mjs and every chunk), without source maps: what is uploaded. */
  bytes: number;
  /** Size of what a cold start loads: index.mjs and the chunks it imports statically, not those behind `import()`. */
  initBytes: number;
  /** Every JavaScript file of the bundle. */
  files: string[];
  /** The handler's file, index.mjs. Only kept when `keepIn` was given. */
  path: string;
}

export type HandlerBundleSize = BundleSize & { name: LambdaHandlerName };

/** Bytes of `entry` and of every output it imports statically, directly or not. */
function staticClosureBytes(outputs: Metafile['outputs'], entry: string): number {
  const loaded = new Set<string>();
  const pending = [entry];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (loaded.has(next)) continue;
    loaded.add(next);
    for (const { path, kind } of outputs[next]?.imports ?? []) {
      if (kind === 'import-statement' && path in outputs) pending.push(path);
    }
  }
  return [...loaded].reduce((total, path) => total + (outputs[path]?.bytes ?? 0), 0);
}

/**
 * Builds one bundle with `options` (the deploy's, from lib/config/bundling.ts) and sizes what it wrote. Its
 * folder is emptied first: a chunk left over from an earlier build would not be part of this one.
 */
export async function measureEntryBundle(
  name: string,
  entryPoint: string,
  options: BuildOptions & { outdir: string },
): Promise<BundleSize> {
  await rm(options.outdir, { recursive: true, force: true });
  const { metafile } = await build({ ...options, metafile: true });
  // Metafile paths are relative to the working directory (the repo root).
  const scripts = Object.entries(metafile.outputs).filter(([path]) => path.endsWith('.mjs'));
  // Chunks behind an `import()` name an entry point too: theirs.
  const entry = scripts.find(([, output]) => output.entryPoint === entryPoint)?.[0];
  if (entry === undefined) throw new Error(`bundle-size: esbuild wrote no entry file for ${name}`);
  return {
    name,
    bytes: scripts.reduce((total, [, output]) => total + output.bytes, 0),
    initBytes: staticClosureBytes(metafile.outputs, entry),
    files: scripts.map(([path]) => resolve(repoRoot, path)),
    path: resolve(repoRoot, entry),
  };
}

/** Bundles every handler; into `keepIn/<name>/` when given (to run them), else a removed temp dir. */
export async function measureBundles(keepIn?: string): Promise<HandlerBundleSize[]> {
  const outDir = keepIn ?? (await mkdtemp(join(tmpdir(), 'sessionizer-bundles-')));
  try {
    const sizes: HandlerBundleSize[] = [];
    for (const name of Object.keys(lambdaHandlers) as LambdaHandlerName[]) {
      const dir = join(outDir, name);
      const options = { ...lambdaBuildOptions(name, dir), outdir: dir };
      sizes.push({ ...(await measureEntryBundle(name, lambdaHandlers[name], options)), name });
    }
    return sizes;
  } finally {
    if (keepIn === undefined) await rm(outDir, { recursive: true, force: true });
  }
}

function formatKib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;

const USAGE = `Usage: npm run bundle-size

Bundles every Lambda handler with the deploy's esbuild settings and prints each bundle's size (minified,
source maps not counted) and the part of it a cold start loads (the chunks behind import() left out).
Takes no options.
`;

if (invokedDirectly && process.argv.length > 2) {
  const help = ['--help', '-h'].includes(process.argv[2] as string);
  if (help) console.log(USAGE);
  else process.stderr.write(usageErrorText('bundle-size', 'takes no options', 'npm run bundle-size --'));
  process.exitCode = help ? 0 : 2;
} else if (invokedDirectly) {
  const sizes = await measureBundles();
  const width = Math.max(...sizes.map((size) => size.name.length));
  for (const { name, bytes, initBytes } of sizes) {
    console.log(
      `${name.padEnd(width)}  ${formatKib(bytes).padStart(10)}  ${formatKib(initBytes).padStart(10)} at init`,
    );
  }
}
