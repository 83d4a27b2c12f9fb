/** What a benchmark run found, the targets it is held to, and the figures derived from both. */
import { shortCount } from './report-format.js';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  os: string;
  /** 1-minute load average at the start, at the end and the highest seen: other work skews figures. */
  loadStart: number;
  loadEnd: number;
  loadMax: number;
}

/** Several runs of one process: median wall and CPU time, the largest peak RSS (and the smallest). */
export interface ProcessMeasure {
  wallMs: number;
  /** User + system time of all the process's threads. */
  cpuMs: number;
  peakRssMiB: number;
  minPeakRssMiB: number;
  runs: number;
}

/**
 * `issue`: the performance issue's kind of file; `realistic`: the benchmark generator's default events; `bot`:
 * one user's event a minute, one session without end (no length cap), the most a user can hold.
 */
export type FileKind = 'issue' | 'realistic' | 'bot';

export interface ThroughputRow {
  kind: FileKind;
  events: number;
  compressedBytes: number;
  uncompressedBytes: number;
  duckdbSessions?: number;
  floor?: ProcessMeasure;
  project?: ProcessMeasure;
  duckdb?: ProcessMeasure;
  error?: string;
}

/** `node`: `node bin/sessionize.mjs`; `executable`: `bin/sessionize.mjs` itself, with its shebang's flags. */
export type CliInvocation = 'node' | 'executable';

/** `json` as the benchmark's throughput runs write; `table`, what a user gets without `--format`. */
export type CliOutput = 'json' | 'table';

export interface MemoryRow {
  kind: FileKind;
  events: number;
  invocation: CliInvocation;
  /** Absent in reports written before the table was measured: json. */
  output?: CliOutput;
  measure?: ProcessMeasure;
  error?: string;
}

export type IngestKind = 'daily' | 'redelivery' | 'late' | 'memory';

export interface IngestFigures {
  /** Candidate events read: accepted + rejected. */
  records: number;
  newEvents: number;
  usersTouched: number;
  sessionsWritten: number;
  chunks: number;
  ingestMs: number;
  readUnits: number;
  writeUnits: number;
  /** Bytes the store asked to write, by DynamoDB's item size rules. */
  writtenBytes: number;
  peakRssMiB: number;
  /** Set when the file was ingested in calls of a Lambda timeout, each resumed from the last one's progress. */
  calls?: { timeoutSeconds: number; count: number; longestMs: number };
}

export type IngestRow = { kind: IngestKind; label: string } & ({ error: string } | IngestFigures);

export interface ApiRow {
  label: string;
  requests: number;
  meanReadUnits: number;
  maxReadUnits: number;
}

export type ApiPages =
  | { userSessions: number; userEvents: number; longSessionEvents?: number; rows: ApiRow[] }
  | { error: string };

export interface BundleRow {
  name: string;
  /** Every JavaScript file of the bundle. */
  bytes: number;
  /** index.mjs and the chunks it imports statically; absent from results saved before bundles were split. */
  initBytes?: number;
  gzipBytes: number;
  /** As deployed: no Node flags (the bundles map their own stack traces, functions/shared/stack-source-maps.ts). */
  initMs: number;
  /** The same imports' CPU time: what the wall time would be on an idle machine, give or take I/O. */
  initCpuMs: number;
  /** With Node's --enable-source-maps, which the functions ran with before: what mapping stacks lazily saves. */
  initMsSourceMaps: number;
  runs: number;
  /**
   * Set on a row that is no function: the SDK clients of the function it names, alone
   * (bench/sdk-clients-entry.ts), what that function's init cannot go below. It has no target of its own.
   */
  floorOf?: string;
}

export type Startup =
  | { command: string; runs: number; medianMs: number; medianCpuMs: number }
  | { error: string };

/**
 * The parts of a run, each measured on its own (`npm run bench -- --only …`). `writes` (the daily exports'
 * write units) and `ingest` (the 10M-event file's memory) both report ingest rows, told apart by kind.
 */
export const SECTIONS = ['startup', 'bundles', 'throughput', 'memory', 'writes', 'ingest', 'api'] as const;
export type Section = (typeof SECTIONS)[number];

/** When and on what a section kept from an earlier run was measured. */
export interface SectionOrigin {
  code?: { commit: string; dirty: boolean };
  date: string;
  loadMax: number;
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
  memory: MemoryRow[];
  ingest: IngestRow[];
  api?: ApiPages;
  bundles: BundleRow[] | { error: string };
  startup?: Startup;
  /** Sections this run did not measure but kept from an earlier full run (`--keep`), with their origin. */
  kept?: Partial<Record<Section, SectionOrigin>>;
  notes: string[];
}

export const TARGETS = {
  /** CLI CPU time over the floor's. */
  cpuRatioToFloor: 1.0,
  /** CLI wall time over DuckDB's. */
  wallRatioToDuckdb: 1.0,
  cliRssMiB: { 1000000: 256, 5000000: 1024 } as Record<number, number>,
  ingestRssMiB: 1024,
  /** The ingest function's timeout on every stage (lib/config/stages.ts): each call must end within it. */
  ingestTimeoutSeconds: 300,
  writeUnitsPer1k: 50,
  readUnitsPerPage: 5,
  moduleInitMs: 80,
  cliStartupMs: 300,
} as const;

export const cpuRatio = (row: { floor: ProcessMeasure; project: ProcessMeasure }) =>
  row.project.cpuMs / row.floor.cpuMs;

export const wallRatio = (row: { duckdb: ProcessMeasure; project: ProcessMeasure }) =>
  row.project.wallMs / row.duckdb.wallMs;

export const per1k = (amount: number, events: number) => (events === 0 ? 0 : (amount / events) * 1000);

/** Write units of the physical floor: the bytes written, in 1 KB units, without any rounding per item. */
export const floorUnits = (writtenBytes: number) => writtenBytes / 1024;

const FILE_NAMES: Record<FileKind, string> = {
  issue: "issue's file",
  realistic: 'realistic file',
  bot: "a bot's file (one session)",
};

export const fileLabel = (kind: FileKind, events: number) => `${FILE_NAMES[kind]}, ${shortCount(events)}`;

const COMMANDS: Record<CliInvocation, string> = {
  node: '`node bin/sessionize.mjs`',
  executable: '`bin/sessionize.mjs` (shebang flags)',
};

export const commandLabel = (invocation: CliInvocation, output: CliOutput = 'json') =>
  output === 'json' ? COMMANDS[invocation] : `${COMMANDS[invocation]}, the default table output`;
