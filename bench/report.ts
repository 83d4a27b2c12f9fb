/**
 * Turns benchmark results into markdown. Pure: all figures come in, text goes out, so the formatting is
 * testable without running anything.
 */

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  os: string;
  /** 1-minute load average when the run started and ended: other work on the machine skews figures. */
  loadStart: number;
  loadEnd: number;
}

/** One measurement kind on one file: median time over the runs, peak RSS the largest seen. */
export interface ThroughputMeasure {
  ms: number;
  /** CPU time of the process (all threads): steadier than wall time when other work shares the cores. */
  cpuMs: number;
  /** The largest peak of the runs; targets are held against it. */
  peakRssMiB: number;
  /** The smallest peak of the runs: V8's heap growth varies from run to run on the same input. */
  minPeakRssMiB?: number;
  runs: number;
}

export interface ThroughputRow {
  format: 'ndjson' | 'json-array';
  events: number;
  compressedBytes: number;
  uncompressedBytes: number;
  floor?: ThroughputMeasure;
  project?: ThroughputMeasure;
  error?: string;
}

export type IngestKind = 'daily' | 'redelivery' | 'late' | 'memory';

export interface IngestRow {
  kind: IngestKind;
  label: string;
  eventsRead: number;
  newEvents: number;
  usersTouched: number;
  sessionsWritten: number;
  ms: number;
  readUnits: number;
  writeUnits: number;
  peakRssMiB: number;
  error?: string;
}

export interface LatencyStats {
  requests: number;
  p50: number;
  p99: number;
  max: number;
  /** Mean DynamoDB read units a request consumed. */
  readUnits?: number;
}

export interface ApiLatency {
  userSessions: number;
  pageSize: number;
  firstPage: LatencyStats;
  cursorPages: LatencyStats;
}

export interface BundleRow {
  name: string;
  bytes: number;
  gzipBytes: number;
  initMs: number;
  initMsSourceMaps: number;
  runs: number;
}

export interface BenchReport {
  mode: 'quick' | 'full';
  command: string;
  /** The commit measured, and whether the measured code differed from it. */
  code?: { commit: string; dirty: boolean };
  /** ISO-8601. */
  date: string;
  durationSec: number;
  machine: Machine;
  throughput: ThroughputRow[];
  ingest: IngestRow[];
  api?: ApiLatency;
  bundles: BundleRow[];
  notes: string[];
}

export const TARGETS = {
  throughputRatio: 0.8,
  /** Peak RSS of the project path on the 1M-event file. */
  rssAt1MMiB: 512,
  writeUnitsPer1k: 150,
  /** A redelivered file must cost (almost) no writes. */
  redeliveryWriteUnitsPer1k: 1,
  ingestLambdaMiB: 1024,
} as const;

const ONE_MILLION = 1_000_000;

type Verdict = 'PASS' | 'MISS' | '—';

const verdict = (pass: boolean | undefined): Verdict => (pass === undefined ? '—' : pass ? 'PASS' : 'MISS');

function fixed(value: number, digits: number): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

const integer = (value: number) => fixed(value, 0);

/** 100000 → 100k, 1000000 → 1M. */
export function shortCount(value: number): string {
  if (value >= ONE_MILLION && value % ONE_MILLION === 0) return `${value / ONE_MILLION}M`;
  if (value >= 1000 && value % 1000 === 0) return `${value / 1000}k`;
  return integer(value);
}

const megabytes = (bytes: number) => bytes / 1e6;
const perSecond = (amount: number, ms: number) => amount / (ms / 1000);

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Project throughput as a share of the floor's on the same file (> 1 would mean faster than the floor). */
export function throughputRatio(row: ThroughputRow, clock: 'ms' | 'cpuMs' = 'ms'): number | undefined {
  if (row.floor === undefined || row.project === undefined) return undefined;
  return row.floor[clock] / row.project[clock];
}

/** MB/s of the compressed file and of its gunzipped content. */
function bandwidth(row: ThroughputRow, ms: number): string {
  const compressed = perSecond(megabytes(row.compressedBytes), ms);
  return `${fixed(compressed, 1)} / ${fixed(perSecond(megabytes(row.uncompressedBytes), ms), 1)}`;
}

/** Shown when the runs' peaks differ by more than 10 %, so a single high run is not read as typical. */
function rssSpread(measure: ThroughputMeasure): string {
  const min = measure.minPeakRssMiB;
  if (min === undefined || min >= measure.peakRssMiB * 0.9) return '';
  return ` (runs from ${integer(min)})`;
}

function rssTarget(row: ThroughputRow): boolean | undefined {
  if (row.events !== ONE_MILLION || row.project === undefined) return undefined;
  return row.project.peakRssMiB < TARGETS.rssAt1MMiB;
}

function throughputTable(rows: readonly ThroughputRow[]): string {
  const header = [
    'File',
    'Events',
    'Size gz → raw (MB)',
    'Floor events/s',
    'Floor MB/s gz / raw',
    'Project events/s',
    'Project MB/s gz / raw',
    `Ratio, wall (≥ ${TARGETS.throughputRatio}×)`,
    'Ratio, CPU time',
    'Floor peak RSS (MiB)',
    `Project peak RSS (MiB; < ${TARGETS.rssAt1MMiB} at 1M)`,
  ];
  const body = rows.map((row) => {
    const file = `${row.format === 'ndjson' ? 'NDJSON' : 'JSON array'}.gz`;
    const size = `${fixed(megabytes(row.compressedBytes), 1)} → ${fixed(megabytes(row.uncompressedBytes), 1)}`;
    if (row.error !== undefined || row.floor === undefined || row.project === undefined) {
      const failed = `failed: ${row.error ?? 'no result'}`;
      return [file, shortCount(row.events), size, failed, '', '', '', 'MISS', '', '', ''];
    }
    const { floor, project } = row;
    const ratio = throughputRatio(row) as number;
    const rssVerdict = rssTarget(row);
    return [
      file,
      shortCount(row.events),
      size,
      integer(perSecond(row.events, floor.ms)),
      bandwidth(row, floor.ms),
      integer(perSecond(row.events, project.ms)),
      bandwidth(row, project.ms),
      `${fixed(ratio, 2)}× ${verdict(ratio >= TARGETS.throughputRatio)}`,
      `${fixed(throughputRatio(row, 'cpuMs') as number, 2)}×`,
      integer(floor.peakRssMiB),
      `${integer(project.peakRssMiB)}${rssVerdict === undefined ? '' : ` ${verdict(rssVerdict)}`}${rssSpread(project)}`,
    ];
  });
  return table(header, body);
}

const per1k = (units: number, events: number) => (events === 0 ? 0 : (units / events) * 1000);

/** The target a row is held to, as text, and whether it meets it. */
function ingestTarget(row: IngestRow): { text: string; pass: boolean | undefined } {
  const writes = per1k(row.writeUnits, row.eventsRead);
  switch (row.kind) {
    case 'daily':
    case 'late':
      return { text: `≤ ${TARGETS.writeUnitsPer1k} WCU/1k`, pass: writes <= TARGETS.writeUnitsPer1k };
    case 'redelivery':
      return {
        text: `≤ ${TARGETS.redeliveryWriteUnitsPer1k} WCU/1k`,
        pass: writes <= TARGETS.redeliveryWriteUnitsPer1k,
      };
    case 'memory':
      return { text: `RSS < ${TARGETS.ingestLambdaMiB} MiB`, pass: row.peakRssMiB < TARGETS.ingestLambdaMiB };
  }
}

function ingestTable(rows: readonly IngestRow[]): string {
  const header = [
    'Run',
    'Events read',
    'New events',
    'Users',
    'Sessions written',
    'Time (s)',
    'Events/s',
    'WCU',
    'WCU / 1k events',
    'RCU / 1k events',
    'Peak RSS (MiB)',
    'Target',
  ];
  const body = rows.map((row) => {
    if (row.error !== undefined)
      return [row.label, `failed: ${row.error}`, '', '', '', '', '', '', '', '', '', 'MISS'];
    const target = ingestTarget(row);
    return [
      row.label,
      integer(row.eventsRead),
      integer(row.newEvents),
      integer(row.usersTouched),
      integer(row.sessionsWritten),
      fixed(row.ms / 1000, 1),
      integer(perSecond(row.eventsRead, row.ms)),
      integer(row.writeUnits),
      fixed(per1k(row.writeUnits, row.eventsRead), 1),
      fixed(per1k(row.readUnits, row.eventsRead), 1),
      integer(row.peakRssMiB),
      `${target.text} ${verdict(target.pass)}`,
    ];
  });
  return table(header, body);
}

function apiTable(api: ApiLatency): string {
  const row = (label: string, stats: LatencyStats) => [
    label,
    integer(stats.requests),
    fixed(stats.p50, 1),
    fixed(stats.p99, 1),
    fixed(stats.max, 1),
    stats.readUnits === undefined ? '—' : fixed(stats.readUnits, 1),
  ];
  return table(
    ['Request', 'Requests', 'p50 (ms)', 'p99 (ms)', 'max (ms)', 'RCU / request'],
    [
      row(`GET /users/{id}/sessions?limit=${api.pageSize} (first page)`, api.firstPage),
      row(`… &cursor= (following pages)`, api.cursorPages),
    ],
  );
}

function bundleTable(rows: readonly BundleRow[]): string {
  return table(
    [
      'Function',
      'Bundle (KiB)',
      'gzip (KiB)',
      'Module init (ms, median)',
      'Module init with --enable-source-maps (ms, median)',
    ],
    rows.map((row) => [
      row.name,
      fixed(row.bytes / 1024, 0),
      fixed(row.gzipBytes / 1024, 0),
      fixed(row.initMs, 0),
      fixed(row.initMsSourceMaps, 0),
    ]),
  );
}

/** A load average above the core count means other processes took CPU time from the measurements. */
export function busyMachineWarning(machine: Machine): string | undefined {
  const load = Math.max(machine.loadStart, machine.loadEnd);
  if (load <= machine.cores) return undefined;
  return `> **Busy machine:** load average up to ${fixed(load, 1)} on ${machine.cores} cores during this run. Wall-clock figures (events/s, latencies, init times) are inflated and noisy; the CPU-time ratio is the steadier comparison of project and floor.`;
}

/** The tables printed at the end of every run. */
export function renderTables(report: BenchReport): string {
  const sections: string[] = [];
  const warning = busyMachineWarning(report.machine);
  if (
    warning !== undefined &&
    (report.throughput.length > 0 ||
      report.ingest.length > 0 ||
      report.api !== undefined ||
      report.bundles.length > 0)
  ) {
    sections.push(warning);
  }
  if (report.throughput.length > 0) {
    const runs = report.throughput.find((row) => row.floor !== undefined)?.floor?.runs ?? 0;
    sections.push(
      `### Parse + validate + sessionize vs. the read + gunzip + split + JSON.parse floor\n\nMedian time of ${runs} runs each, peak RSS the largest seen; each run in a fresh process.\n\n${throughputTable(report.throughput)}`,
    );
  }
  if (report.ingest.length > 0) {
    sections.push(`### End-to-end ingest into DynamoDB Local\n\n${ingestTable(report.ingest)}`);
  }
  if (report.api !== undefined) {
    sections.push(
      `### API lookup latency (handler + DynamoDB reader against DynamoDB Local; user with ${integer(report.api.userSessions)} sessions)\n\n${apiTable(report.api)}`,
    );
  }
  if (report.bundles.length > 0) {
    const runs = report.bundles[0]?.runs ?? 0;
    sections.push(
      `### Lambda bundles\n\nModule init: \`await import(bundle)\` in a fresh \`node\`, median of ${runs}.\n\n${bundleTable(report.bundles)}`,
    );
  }
  return sections.join('\n\n');
}

/** BENCHMARKS.md: how, where and when the figures were taken, then the tables. */
export function renderBenchmarksMd(report: BenchReport): string {
  const { machine } = report;
  const notes = report.notes.map((note) => `- ${note}`).join('\n');
  return `# Benchmarks

Generated by \`bench/run.ts\`; do not edit by hand. Re-run with the command below.

- **Command:** \`${report.command}\`
${report.code === undefined ? '' : `- **Code:** \`${report.code.commit}\`${report.code.dirty ? ' plus uncommitted changes' : ''}\n`}- **Date:** ${report.date} (${report.mode} run, ${fixed(report.durationSec / 60, 1)} min)
- **Machine:** ${machine.cpu}, ${machine.cores} cores, ${fixed(machine.memoryGiB, 1)} GiB RAM, ${machine.os}
- **Node:** ${machine.node}
- **Load average (1 min):** ${fixed(machine.loadStart, 2)} at start, ${fixed(machine.loadEnd, 2)} at end

${renderTables(report)}
${notes === '' ? '' : `\n## Notes\n\n${notes}\n`}`;
}
