/**
 * The benchmark: `npm run bench -- --quick` (under 3 minutes, prints the tables) or `npm run bench` (the
 * full run, writes BENCHMARKS.md). Options: --out <file>, --seed <n>, --only throughput,ingest,api,bundles.
 * Progress goes to stderr; stdout carries the tables only.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, release, totalmem, type } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type DynamoDbLocal, startDynamoDbLocal } from '../local/dynamodb-local.js';
import { benchmarkApiLatency } from './api-latency.js';
import { benchmarkBundles } from './bundles.js';
import { buildChildScripts, OUT_DIR } from './child.js';
import { heavyUserExport, ingestExports, throughputExport } from './exports.js';
import { benchmarkIngest, benchmarkIngestMemory } from './ingest.js';
import { type BenchReport, type Machine, renderBenchmarksMd, renderTables, shortCount } from './report.js';
import { benchmarkThroughput } from './throughput.js';
import type { ExportFormat } from './write-export.js';

interface Plan {
  throughput: Array<{ events: number; format: ExportFormat }>;
  throughputRuns: number;
  ingestEvents: number;
  /** Also ingest the 1M throughput file to see the ingest's peak memory. */
  ingestMemoryEvents?: number;
  apiSamples: number;
  bundleRuns: number;
}

const PLANS: Record<BenchReport['mode'], Plan> = {
  quick: {
    throughput: [
      { events: 100_000, format: 'ndjson' },
      { events: 100_000, format: 'json-array' },
    ],
    throughputRuns: 3,
    ingestEvents: 20_000,
    apiSamples: 200,
    bundleRuns: 5,
  },
  full: {
    throughput: [
      { events: 100_000, format: 'ndjson' },
      { events: 1_000_000, format: 'ndjson' },
      { events: 5_000_000, format: 'ndjson' },
      { events: 100_000, format: 'json-array' },
      { events: 1_000_000, format: 'json-array' },
    ],
    throughputRuns: 3,
    ingestEvents: 200_000,
    ingestMemoryEvents: 1_000_000,
    apiSamples: 300,
    bundleRuns: 5,
  },
};

const SECTIONS = ['throughput', 'ingest', 'api', 'bundles'] as const;
type Section = (typeof SECTIONS)[number];

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

function cpuModel(): string {
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (match?.[1] !== undefined) return match[1].trim();
  } catch {
    // Not Linux: fall back to what Node reports.
  }
  return cpus()[0]?.model ?? 'unknown CPU';
}

function machine(loadStart: number): Machine {
  return {
    cpu: cpuModel(),
    cores: availableParallelism(),
    memoryGiB: totalmem() / 1024 ** 3,
    node: process.version,
    os: `${type()} ${release()}`,
    loadStart,
    loadEnd: loadavg()[0] ?? 0,
  };
}

/** HEAD, and whether the code a run measures (not its own output) differs from it. */
function codeVersion(): BenchReport['code'] {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8' }).trim();
    const dirty = git(
      'status',
      '--porcelain',
      '--',
      'functions',
      'bench',
      'lib',
      'scripts',
      'package-lock.json',
    );
    return { commit: git('rev-parse', '--short', 'HEAD'), dirty: dirty !== '' };
  } catch {
    return undefined;
  }
}

function parseOptions(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      out: { type: 'string' },
      seed: { type: 'string', default: '1' },
      only: { type: 'string' },
      render: { type: 'string' },
    },
    strict: true,
  });
  const seed = Number(values.seed);
  if (!Number.isSafeInteger(seed)) throw new RangeError(`--seed must be an integer, got ${values.seed}`);
  const only = values.only?.split(',').map((name) => name.trim()) ?? [...SECTIONS];
  for (const name of only) {
    if (!(SECTIONS as readonly string[]).includes(name)) {
      throw new RangeError(`--only takes ${SECTIONS.join(', ')}; got ${name}`);
    }
  }
  const mode: BenchReport['mode'] = values.quick ? 'quick' : 'full';
  // The full run fills BENCHMARKS.md unless told otherwise; a quick run or a re-render only prints.
  const out = values.out ?? (mode === 'full' && values.render === undefined ? 'BENCHMARKS.md' : undefined);
  return { mode, seed, out, render: values.render, sections: new Set(only as Section[]) };
}

async function output(report: BenchReport, out: string | undefined): Promise<void> {
  process.stdout.write(`${renderTables(report)}\n`);
  if (out !== undefined) {
    await writeFile(out, renderBenchmarksMd(report));
    log(`wrote ${out}`);
  }
}

async function main(argv: string[]): Promise<void> {
  const options = parseOptions(argv);
  if (options.render !== undefined) {
    const report = JSON.parse(await readFile(options.render, 'utf8')) as BenchReport;
    await output(report, options.out);
    return;
  }
  // The SDK warns that this Node will be unsupported in 2027; Lambda runs a newer one. Children inherit it.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const plan = PLANS[options.mode];
  const started = performance.now();
  const loadStart = loadavg()[0] ?? 0;
  const report: BenchReport = {
    mode: options.mode,
    command: `npm run bench${argv.length > 0 ? ` -- ${argv.join(' ')}` : ''}`,
    code: codeVersion(),
    date: new Date().toISOString(),
    durationSec: 0,
    machine: machine(loadStart),
    throughput: [],
    ingest: [],
    bundles: [],
    notes: [],
  };
  await buildChildScripts();

  if (options.sections.has('throughput')) {
    for (const { events, format } of plan.throughput) {
      log(`throughput: generating/reusing ${shortCount(events)} ${format}.gz`);
      const file = await throughputExport(events, format, options.seed);
      log(`throughput: ${shortCount(events)} ${format}.gz (${(file.bytes / 1e6).toFixed(1)} MB)`);
      try {
        report.throughput.push(await benchmarkThroughput(file, format, plan.throughputRuns, log));
      } catch (error) {
        log(`throughput failed: ${(error as Error).message}`);
        report.throughput.push({
          format,
          events,
          compressedBytes: file.bytes,
          uncompressedBytes: 0,
          error: (error as Error).message,
        });
      }
    }
  }

  if (options.sections.has('ingest') || options.sections.has('api')) {
    log('starting DynamoDB Local (in memory)');
    const dynamo: DynamoDbLocal = await startDynamoDbLocal();
    try {
      if (options.sections.has('ingest')) {
        const files = await ingestExports(plan.ingestEvents, options.seed);
        report.ingest.push(...(await benchmarkIngest(dynamo.endpoint, files, log)));
        if (plan.ingestMemoryEvents !== undefined) {
          const file = await throughputExport(plan.ingestMemoryEvents, 'ndjson', options.seed);
          report.ingest.push(await benchmarkIngestMemory(dynamo.endpoint, file, log));
        }
      }
      if (options.sections.has('api')) {
        const user = await heavyUserExport(options.seed);
        report.api = await benchmarkApiLatency(dynamo.endpoint, user, plan.apiSamples, log);
      }
    } finally {
      await dynamo.stop();
    }
  }

  if (options.sections.has('bundles')) {
    report.bundles = await benchmarkBundles(plan.bundleRuns, log);
  }

  report.machine = machine(loadStart);
  report.durationSec = (performance.now() - started) / 1000;
  report.notes.push(...notes(options.seed));
  await writeFile(resolve(OUT_DIR, `results-${report.mode}.json`), `${JSON.stringify(report, null, 2)}\n`);
  await output(report, options.out);
  log(`done in ${report.durationSec.toFixed(0)} s`);
}

function notes(seed: number): string[] {
  return [
    `Inputs come from the deterministic generator (bench/generator.ts, seed ${seed}): Segment-style events, ~40 a user, 15 % anonymous users, 1 % late, 0.5 % duplicates, 0.2 % without messageId; gzip level 6. Files are cached in bench/out/.`,
    'Floor = `fs.createReadStream` → `zlib.createGunzip` → split lines → `JSON.parse` each (JSON-array files hold one element per line; brackets and trailing commas are stripped). Project = `sessionizeFiles` (readEvents + EventSet + sessionizeSet), the CLI path. Ratio = floor wall time / project wall time (the target applies to it); the CPU-time ratio (user + system, all threads) is shown beside it because it is steadier when other work shares the cores. Clocks exclude process start and module loading.',
    'Child scripts are bundled with esbuild (dependencies external) and run with plain `node`; peak RSS is `process.resourceUsage().maxRSS` at the end of each child process.',
    'Peak RSS of the same file varies from run to run (V8 grows the heap more or less eagerly depending on GC timing, more so on a busy machine); the table shows the largest run, and the smallest in parentheses when they differ by more than 10 %. Targets are held against the largest.',
    'MB = 10^6 bytes; MiB = 2^20 bytes. "Size gz → raw" is the file on disk and after gunzip.',
    'Ingest: `ingestObject` (the Lambda use case minus S3) reading the file from disk and merging into DynamoDB Local (in memory, -sharedDb) with the default merge concurrency; capacity units are those DynamoDB Local reports via ReturnConsumedCapacity, summed by the store. Rejection reports are counted, not uploaded. DynamoDB Local runs on the same 2 cores, so events/s and latencies are far below what AWS gives; the unit counts are what AWS would bill.',
    'Late run: the day-2 export (new seed: identified users return, anonymous visitors are new) with the 1 % of day-1 events that were held back from the day-1 file spread through it.',
    'API latency: `createApiHandler` with the DynamoDB reader, called in-process (no HTTP server, no API Gateway), after 3 warm-up walks.',
    "Bundles: sizes from `measureBundles()` (scripts/bundle-size.ts), i.e. the deploy settings of lib/config/bundling.ts (esbuild, ESM, minified, AWS SDK bundled, source map external and not counted); gzip -9 of the same file approximates the upload. Module init = `await import()` of the bundle in a fresh `node` with dummy configuration; it excludes the Lambda runtime's own start. Node here is the local one, not the Lambda runtime's.",
  ];
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
