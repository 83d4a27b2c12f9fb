/** One markdown section per measurement of the benchmark report. */

import { fixed, integer, megabytes, ratio, seconds, table } from './report-format.js';
import {
  type ApiPages,
  type BenchReport,
  commandLabel,
  cpuRatio,
  fileLabel,
  floorUnits,
  type IngestFigures,
  type IngestRow,
  type MemoryRow,
  type ProcessMeasure,
  per1k,
  type Startup,
  TARGETS,
  type ThroughputRow,
  wallRatio,
} from './report-model.js';

const wallAndCpu = (measure: ProcessMeasure) => `${seconds(measure.wallMs)} / ${seconds(measure.cpuMs)}`;

/** The largest peak of the runs; the smallest too when they differ by more than 10 %. */
function peakRss(measure: ProcessMeasure): string {
  const spread =
    measure.minPeakRssMiB < measure.peakRssMiB * 0.9 ? ` (runs from ${integer(measure.minPeakRssMiB)})` : '';
  return `${integer(measure.peakRssMiB)}${spread}`;
}

export function throughputSection(rows: readonly ThroughputRow[]): string | undefined {
  if (rows.length === 0) return undefined;
  const runs = rows.find((row) => row.floor !== undefined)?.floor?.runs ?? 0;
  const body = rows.map((row) => {
    const file = [
      fileLabel(row.kind, row.events),
      `${megabytes(row.compressedBytes)} → ${megabytes(row.uncompressedBytes)}`,
    ];
    const { floor, project, duckdb } = row;
    if (floor === undefined || project === undefined || duckdb === undefined) {
      return [...file, `failed: ${row.error ?? 'no result'}`, '', '', '', '', '', '', ''];
    }
    return [
      ...file,
      wallAndCpu(floor),
      wallAndCpu(project),
      wallAndCpu(duckdb),
      row.duckdbSessions === undefined ? '—' : integer(row.duckdbSessions),
      integer(row.events / (project.wallMs / 1000)),
      ratio(cpuRatio({ floor, project })),
      ratio(wallRatio({ duckdb, project })),
      `${peakRss(floor)} / ${peakRss(project)} / ${peakRss(duckdb)}`,
    ];
  });
  return `### 1. Throughput: the CLI against the floor and DuckDB

Whole processes, alternated floor → CLI → DuckDB, median of ${runs} runs each; peak RSS is the largest run's.

${table(
  [
    'File',
    'Size gz → raw (MB)',
    'Floor wall / CPU (s)',
    'CLI wall / CPU (s)',
    'DuckDB wall / CPU (s)',
    'Sessions (DuckDB)',
    'CLI events/s',
    `CPU ratio CLI / floor (≤ ${ratio(TARGETS.cpuRatioToFloor)})`,
    `Wall ratio CLI / DuckDB (≤ ${ratio(TARGETS.wallRatioToDuckdb)})`,
    'Peak RSS floor / CLI / DuckDB (MiB)',
  ],
  body,
)}`;
}

export function memorySection(rows: readonly MemoryRow[]): string | undefined {
  if (rows.length === 0) return undefined;
  const body = rows.map((row) => {
    const limit = TARGETS.cliRssMiB[row.events];
    const head = [fileLabel(row.kind, row.events), commandLabel(row.invocation, row.output)];
    if (row.measure === undefined) return [...head, `failed: ${row.error ?? 'no result'}`, '', ''];
    return [
      ...head,
      integer(row.measure.runs),
      wallAndCpu(row.measure),
      peakRss(row.measure),
      limit === undefined ? '—' : `≤ ${integer(limit)}`,
    ];
  });
  return `### 2. CLI peak RSS\n\n${table(['File', 'Command', 'Runs', 'Wall / CPU (s)', 'Peak RSS (MiB)', 'Target (MiB)'], body)}`;
}

const measured = (row: IngestRow): (IngestRow & IngestFigures) | undefined =>
  'error' in row ? undefined : row;

export function ingestMemorySection(rows: readonly IngestRow[]): string | undefined {
  const memory = rows.filter((row) => row.kind === 'memory');
  if (memory.length === 0) return undefined;
  const body = memory.map((row) => {
    const figures = measured(row);
    if (figures === undefined) {
      return [row.label, `failed: ${'error' in row ? row.error : ''}`, '', '', '', '', ''];
    }
    const calls = figures.calls;
    return [
      row.label,
      integer(figures.chunks),
      integer(figures.usersTouched),
      seconds(figures.ingestMs),
      calls === undefined ? 'one' : integer(calls.count),
      calls === undefined ? '' : seconds(calls.longestMs),
      integer(figures.peakRssMiB),
    ];
  });
  return `### 3. Ingest memory

\`ingestObject\` on one file into an empty DynamoDB Local table, in a process of its own; the function has ${integer(TARGETS.ingestRssMiB)} MB and a timeout of ${integer(TARGETS.ingestTimeoutSeconds)} s. The file is ingested in calls as the function runs them: each stops when the handler would (a fifth of its time left), saving its progress in the table, and the next resumes from it, reading the file from its start again.

${table(['File', 'Chunks', 'User merges', 'Time, all calls (s)', 'Calls', 'Longest call (s)', `Peak RSS (MiB; ≤ ${integer(TARGETS.ingestRssMiB)})`], body)}`;
}

export function writeUnitsSection(rows: readonly IngestRow[]): string | undefined {
  const daily = rows.filter((row) => row.kind !== 'memory');
  if (daily.length === 0) return undefined;
  const body = daily.map((row) => {
    const figures = measured(row);
    if (figures === undefined)
      return [row.label, `failed: ${'error' in row ? row.error : ''}`, '', '', '', '', '', '', '', ''];
    const units = per1k(figures.writeUnits, figures.records);
    const floor = per1k(floorUnits(figures.writtenBytes), figures.records);
    return [
      row.label,
      integer(figures.records),
      integer(figures.newEvents),
      integer(figures.usersTouched),
      integer(figures.sessionsWritten),
      integer(figures.writeUnits),
      fixed(units, 1),
      fixed(floor, 1),
      floor === 0 ? '—' : ratio(units / floor),
      fixed(per1k(figures.readUnits, figures.records), 1),
    ];
  });
  return `### 4. Write units per 1,000 events (the daily export)

${table(
  [
    'Run',
    'Events read',
    'New events',
    'User merges',
    'Sessions written',
    'WCU',
    `WCU / 1k events (≤ ${TARGETS.writeUnitsPer1k})`,
    'Floor: KB written / 1k events',
    'WCU / floor',
    'RCU / 1k events',
  ],
  body,
)}`;
}

export function apiSection(api: ApiPages): string {
  const title = '### 5. Read units per API page';
  if ('error' in api) return `${title}\n\nfailed: ${api.error}`;
  return `${title}

One user with ${integer(api.userSessions)} sessions (${integer(api.userEvents)} events) over three years, every list page walked (also under two filters)${
    api.longSessionEvents === undefined
      ? '.'
      : `; then a bot's one session of ${integer(api.longSessionEvents)} events (no length cap), every page of its events at the default limit.`
  }

${table(
  ['Request', 'Requests', 'RCU mean', `RCU max (≤ ${TARGETS.readUnitsPerPage})`],
  api.rows.map((row) => [
    row.label,
    integer(row.requests),
    fixed(row.meanReadUnits, 1),
    fixed(row.maxReadUnits, 1),
  ]),
)}`;
}

export function bundleSection(bundles: BenchReport['bundles']): string | undefined {
  const title = '### 6. Lambda bundles';
  if ('error' in bundles) return `${title}\n\nfailed: ${bundles.error}`;
  if (bundles.length === 0) return undefined;
  return `${title}

Module init: \`await import(bundle)\` in a fresh \`node\`, median of ${bundles[0]?.runs ?? 0}.

${table(
  [
    'Function',
    'Bundle (KiB)',
    'Loaded at init (KiB)',
    'gzip (KiB)',
    `Module init, as deployed: wall (ms; ≤ ${TARGETS.moduleInitMs})`,
    '… and its CPU time (ms)',
    "With Node's --enable-source-maps instead: wall (ms)",
  ],
  bundles.map((row) => [
    row.name,
    fixed(row.bytes / 1024, 1),
    row.initBytes === undefined ? '–' : fixed(row.initBytes / 1024, 1),
    fixed(row.gzipBytes / 1024, 1),
    integer(row.initMs),
    integer(row.initCpuMs),
    integer(row.initMsSourceMaps),
  ]),
)}`;
}

export function startupSection(startup: Startup): string {
  const title = '### 7. CLI startup';
  if ('error' in startup) return `${title}\n\nfailed: ${startup.error}`;
  return `${title}\n\n${table(
    ['Command', 'Runs', `Median wall (ms; < ${TARGETS.cliStartupMs})`, 'Median CPU (ms)'],
    [
      [
        `\`${startup.command}\``,
        integer(startup.runs),
        integer(startup.medianMs),
        integer(startup.medianCpuMs),
      ],
    ],
  )}`;
}
