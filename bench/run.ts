/**
 * The benchmark: `npm run bench -- --quick` (smaller files, under 3 minutes, prints the tables) or
 * `npm run bench` (the full run, writes BENCHMARKS.md). Options: --out <file>, --seed <n>,
 * --only startup,bundles,throughput,memory,writes,ingest,api, --keep (with --only: the other sections come
 * from the last saved run of the same mode, marked as such), --render <results.json> (re-render a saved run).
 * Progress goes to stderr; stdout carries the tables only.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type DynamoDbLocal, startDynamoDbLocal } from '../local/dynamodb-local.js';
import { optionsOrExplained } from '../scripts/command-status.js';
import { benchmarkApiPages, benchmarkLongSessionPages } from './api-pages.js';
import { benchmarkBundles } from './bundles.js';
import { benchmarkCliMemory, benchmarkStartup } from './cli.js';
import {
  BOT_SESSION_ID,
  BOT_USER_ID,
  botExport,
  dailyExports,
  exportOf,
  issueExport,
  longHistoryExport,
} from './exports.js';
import { benchmarkDailyIngest, benchmarkIngestMemory, freshTable } from './ingest.js';
import { codeVersion, watchMachine } from './machine.js';
import { methodNotes } from './notes.js';
import { BENCH_USAGE, type BenchOptions, isWhole, parseBenchOptions } from './options.js';
import { LONG_HISTORY, PLANS } from './plan.js';
import { buildChildScripts, OUT_DIR, REPO_ROOT } from './processes.js';
import { type BenchReport, fileLabel, renderBenchmarksMd, renderTables, type Section } from './report.js';
import { shortCount } from './report-format.js';
import { keepSections } from './report-merge.js';
import { benchmarkThroughput } from './throughput.js';

const runStarted = performance.now();
const log = (message: string) =>
  process.stderr.write(`[bench ${Math.round((performance.now() - runStarted) / 1000)} s] ${message}\n`);

async function output(report: BenchReport, out: string | undefined): Promise<void> {
  process.stdout.write(`${renderTables(report)}\n`);
  if (out !== undefined) {
    await writeFile(out, renderBenchmarksMd(report));
    log(`wrote ${out}`);
  }
}

/**
 * Where a run's results are saved. A run of some sections that keeps nothing goes beside the last whole run,
 * not over it, so that a later `--keep` still finds every section.
 */
function resultsPath(mode: BenchReport['mode'], whole = true): string {
  return resolve(OUT_DIR, `results-${mode}${whole ? '' : '-partial'}.json`);
}

/** Writes what the run has measured so far: a run stopped midway can still be rendered with --render. */
async function saveResults(report: BenchReport, whole: boolean): Promise<void> {
  await mkdir(OUT_DIR, { recursive: true });
  await writeFile(resultsPath(report.mode, whole), `${JSON.stringify(report, null, 2)}\n`);
}

/** Measures the sections that need DynamoDB Local, each in a table of its own. */
async function withDynamoDb(
  report: BenchReport,
  sections: ReadonlySet<Section>,
  plan: (typeof PLANS)[BenchReport['mode']],
  seed: number,
  checkpoint: () => Promise<void>,
): Promise<void> {
  if (!sections.has('writes') && !sections.has('ingest') && !sections.has('api')) return;
  log('starting DynamoDB Local (in memory)');
  const dynamo: DynamoDbLocal = await startDynamoDbLocal();
  try {
    if (sections.has('writes')) {
      log(`writes: daily export of ${shortCount(plan.dailyEvents)} events`);
      const daily = await benchmarkDailyIngest(
        dynamo.endpoint,
        await dailyExports(plan.dailyEvents, seed),
        log,
      );
      // Ahead of a kept 10M row, as a whole run orders them.
      report.ingest = [...daily, ...report.ingest];
      await checkpoint();
    }
    if (sections.has('api')) {
      const user = await longHistoryExport(LONG_HISTORY.sessions, LONG_HISTORY.days, seed);
      const table = await freshTable(dynamo.endpoint, 'api');
      const bot = await botExport(plan.longSessionEvents);
      const botTable = await freshTable(dynamo.endpoint, 'api-bot');
      report.api = await benchmarkApiPages(dynamo.endpoint, table, user, log)
        .then(async (pages) => {
          const botUser = { file: bot, userId: BOT_USER_ID, sessionId: BOT_SESSION_ID };
          const rows = await benchmarkLongSessionPages(dynamo.endpoint, botTable, botUser, log);
          return { ...pages, longSessionEvents: bot.events, rows: [...pages.rows, ...rows] };
        })
        .catch((error: Error) => {
          log(`api failed: ${error.message}`);
          return { error: error.message };
        });
      await checkpoint();
    }
    if (sections.has('ingest')) {
      log(`ingest memory: generating/reusing ${shortCount(plan.ingestMemoryEvents)} events`);
      const file = await issueExport(plan.ingestMemoryEvents);
      report.ingest.push(await benchmarkIngestMemory(dynamo.endpoint, file, log));
    }
  } finally {
    await dynamo.stop();
  }
}

/** The last saved run of this mode, whose other sections a `--keep` run carries over. */
async function savedRun(mode: BenchReport['mode']): Promise<BenchReport> {
  const path = resultsPath(mode);
  try {
    return JSON.parse(await readFile(path, 'utf8')) as BenchReport;
  } catch (error) {
    throw new Error(
      `--keep: no saved ${mode} run to keep sections from (${path}): ${(error as Error).message}`,
    );
  }
}

async function measure(options: BenchOptions, argv: string[]): Promise<BenchReport> {
  const plan = PLANS[options.mode];
  const { sections, seed } = options;
  const watch = watchMachine();
  const started = performance.now();
  const report: BenchReport = {
    mode: options.mode,
    command: `npm run bench${argv.length > 0 ? ` -- ${argv.join(' ')}` : ''}`,
    code: codeVersion(),
    date: new Date().toISOString(),
    durationSec: 0,
    machine: watch.machine(),
    throughput: [],
    memory: [],
    ingest: [],
    bundles: [],
    notes: methodNotes(seed),
  };
  // Carried over before anything is measured, so that every checkpoint saves a whole report.
  if (options.keep) keepSections(report, await savedRun(options.mode), sections);
  const checkpoint = async () => {
    report.machine = watch.machine();
    report.durationSec = (performance.now() - started) / 1000;
    await saveResults(report, isWhole(options));
  };
  log('building the CLI (scripts/build-cli.mjs) and the child scripts');
  execFileSync(process.execPath, [resolve(REPO_ROOT, 'scripts', 'build-cli.mjs')], { stdio: 'inherit' });
  await buildChildScripts();

  if (sections.has('startup')) {
    log('startup: node bin/sessionize.mjs --help');
    report.startup = await benchmarkStartup(plan.startupRuns);
  }
  if (sections.has('bundles')) {
    report.bundles = await benchmarkBundles(plan.bundleRuns, log).catch((error: Error) => ({
      error: error.message,
    }));
  }
  await checkpoint();
  if (sections.has('throughput')) {
    for (const { kind, events } of plan.throughput) {
      log(`throughput: generating/reusing the ${kind} file of ${shortCount(events)} events`);
      const file = await exportOf(kind, events, seed);
      log(`throughput: ${kind} ${shortCount(events)} (${(file.bytes / 1e6).toFixed(1)} MB gz)`);
      report.throughput.push(
        await benchmarkThroughput(kind, file, plan.throughputRuns, log).catch((error: Error) => {
          log(`throughput failed: ${error.message}`);
          return { kind, events, compressedBytes: file.bytes, uncompressedBytes: 0, error: error.message };
        }),
      );
      await checkpoint();
    }
  }
  if (sections.has('memory')) {
    for (const { kind, events, invocation, output = 'json' } of plan.memory) {
      log(`memory: the CLI on ${fileLabel(kind, events)} events (${invocation}, ${output})`);
      const file = await exportOf(kind, events, seed);
      report.memory.push(await benchmarkCliMemory(kind, file, invocation, output, plan.memoryRuns, log));
      await checkpoint();
    }
  }
  await withDynamoDb(report, sections, plan, seed, checkpoint);
  await checkpoint();
  watch.stop();
  return report;
}

async function main(argv: string[]): Promise<void> {
  const options = optionsOrExplained({ name: 'bench', help: 'npm run bench --', usage: BENCH_USAGE }, () =>
    parseBenchOptions(argv),
  );
  if (options === undefined) return;
  if (options.render !== undefined) {
    await output(JSON.parse(await readFile(options.render, 'utf8')) as BenchReport, options.out);
    return;
  }
  // The SDK warns that this Node will be unsupported in 2027; Lambda runs a newer one. Children inherit it.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const report = await measure(options, argv);
  log(`results saved to ${resultsPath(report.mode, isWhole(options))}`);
  await output(report, options.out);
  log(`done in ${report.durationSec.toFixed(0)} s`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
