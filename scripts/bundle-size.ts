/**
 * Bundles every Lambda handler with the deploy's esbuild settings (lib/config/bundling.ts, the same ones
 * NodejsFunction uses) and reports the size of each bundle. Run: npm run bundle-size
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { esbuildOptionsFor, type LambdaHandlerName, lambdaHandlers } from '../lib/config/bundling.js';

export interface BundleSize {
  name: LambdaHandlerName;
  /** Size of the JavaScript bundle (index.mjs), without its source map. */
  bytes: number;
  /** Where the bundle is: only kept when `keepIn` was given. */
  path: string;
}

/** Bundles every handler; into `keepIn/<name>/index.mjs` when given (to run them), else a removed temp dir. */
export async function measureBundles(keepIn?: string): Promise<BundleSize[]> {
  const outDir = keepIn ?? (await mkdtemp(join(tmpdir(), 'sessionizer-bundles-')));
  try {
    const sizes: BundleSize[] = [];
    for (const name of Object.keys(lambdaHandlers) as LambdaHandlerName[]) {
      const path = join(outDir, name, 'index.mjs');
      await build(esbuildOptionsFor(lambdaHandlers[name], path));
      sizes.push({ name, bytes: (await stat(path)).size, path });
    }
    return sizes;
  } finally {
    if (keepIn === undefined) await rm(outDir, { recursive: true, force: true });
  }
}

function formatKb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;

const USAGE = `Usage: npm run bundle-size

Bundles every Lambda handler with the deploy's esbuild settings and prints each bundle's size (minified,
source maps not counted). Takes no options.
`;

if (invokedDirectly && process.argv.length > 2) {
  const help = ['--help', '-h'].includes(process.argv[2] as string);
  (help ? console.log : console.error)(help ? USAGE : `bundle-size: takes no options\n\n${USAGE}`);
  process.exitCode = help ? 0 : 2;
} else if (invokedDirectly) {
  const sizes = await measureBundles();
  const width = Math.max(...sizes.map((size) => size.name.length));
  for (const { name, bytes } of sizes) {
    console.log(`${name.padEnd(width)}  ${formatKb(bytes).padStart(10)}`);
  }
}
