/**
 * Lambda bundle size per function (scripts/bundle-size.ts: the deploy's esbuild settings, so the sizes are
 * those CDK uploads), the part of it a cold start loads, and the module init time of those very bundles.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { esbuildOptionsFor } from '../lib/config/bundling.js';
import { type BundleSize, measureBundles, measureEntryBundle } from '../scripts/bundle-size.js';
import { HANDLER_ENV } from './handler-env.js';
import { measureProcess, OUT_DIR } from './processes.js';
import type { BundleRow } from './report.js';
import { median } from './stats.js';

const SDK_FLOOR_ENTRY = 'bench/sdk-clients-entry.ts';

/**
 * Runs in a fresh node: times the import (module evaluation, cold-start config, SDK client creation), in wall
 * time and in CPU time (which other work on the machine does not inflate).
 */
const IMPORT_TIMER = `const started = performance.now();
const cpu = process.cpuUsage();
await import(process.env.BENCH_BUNDLE_URL);
const used = process.cpuUsage(cpu);
console.log(JSON.stringify({ ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000 }));`;

async function timeImport(bundle: string, nodeOptions: string): Promise<{ ms: number; cpuMs: number }> {
  const { stdout } = await measureProcess(process.execPath, ['--input-type=module', '-e', IMPORT_TIMER], {
    // A clean environment: nothing from this shell (credentials, endpoints) changes what init does.
    env: {
      PATH: process.env.PATH ?? '',
      ...HANDLER_ENV,
      BENCH_BUNDLE_URL: pathToFileURL(bundle).href,
      NODE_OPTIONS: nodeOptions,
    },
  });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '') as { ms: number; cpuMs: number };
}

async function measureBundle(bundle: BundleSize, runs: number): Promise<BundleRow> {
  // Every file, as each is compressed into the uploaded archive.
  const files = await Promise.all(bundle.files.map((file) => readFile(file)));
  const deployed: { ms: number; cpuMs: number }[] = [];
  const sourceMaps: number[] = [];
  // Alternated so that drifting machine load affects both columns alike.
  for (let run = 0; run < runs; run++) {
    // The deployed functions run with no Node flags (lib/constructs/node-function.ts).
    deployed.push(await timeImport(bundle.path, ''));
    sourceMaps.push((await timeImport(bundle.path, '--enable-source-maps')).ms);
  }
  return {
    name: bundle.name,
    bytes: bundle.bytes,
    initBytes: bundle.initBytes,
    gzipBytes: files.reduce((total, code) => total + gzipSync(code, { level: 9 }).length, 0),
    initMs: median(deployed.map((time) => time.ms)),
    initCpuMs: median(deployed.map((time) => time.cpuMs)),
    initMsSourceMaps: median(sourceMaps),
    runs,
  };
}

/** The ingest's two SDK clients and nothing else, bundled as the functions are: the floor of its init. */
async function sdkFloorBundle(): Promise<BundleSize> {
  const dir = resolve(OUT_DIR, 'bundles', 'sdk-clients');
  const options = { ...esbuildOptionsFor(SDK_FLOOR_ENTRY, dir, { splitting: false }), outdir: dir };
  return measureEntryBundle("ingest's S3 and DynamoDB clients alone", SDK_FLOOR_ENTRY, options);
}

export async function benchmarkBundles(runs: number, log: (message: string) => void): Promise<BundleRow[]> {
  log('bundles: building with the deploy settings (scripts/bundle-size.ts)');
  const rows: BundleRow[] = [];
  for (const bundle of await measureBundles(resolve(OUT_DIR, 'bundles'))) {
    log(`bundles: ${bundle.name} module init`);
    rows.push(await measureBundle(bundle, runs));
  }
  log('bundles: the SDK clients alone (bench/sdk-clients-entry.ts)');
  rows.push({ ...(await measureBundle(await sdkFloorBundle(), runs)), floorOf: 'ingest' });
  return rows;
}
