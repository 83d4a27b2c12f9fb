/** What a quick and a full run measure, and on how large files. */
import type { CliInvocation, CliOutput, FileKind } from './report-model.js';

export interface Plan {
  /** Files the CLI, the floor and DuckDB each read, `throughputRuns` times. */
  throughput: { kind: FileKind; events: number }[];
  throughputRuns: number;
  /**
   * CLI runs for peak memory: the kind of file, the realistic kind (more distinct pages, a larger
   * heap; the full run only: generating its 1M file takes about a minute), and one user's.
   */
  memory: { kind: FileKind; events: number; invocation: CliInvocation; output?: CliOutput }[];
  memoryRuns: number;
  /** The daily export's size: day 1, redelivered, then day 2 with late events. */
  dailyEvents: number;
  /** One file of the kind ingested into an empty table, for peak memory. */
  ingestMemoryEvents: number;
  /** A bot's one session whose events the API walks a page at a time. */
  longSessionEvents: number;
  bundleRuns: number;
  startupRuns: number;
}

export const PLANS: Record<'quick' | 'full', Plan> = {
  quick: {
    throughput: [
      { kind: 'issue', events: 200_000 },
      { kind: 'realistic', events: 100_000 },
    ],
    throughputRuns: 3,
    memory: [
      { kind: 'issue', events: 1_000_000, invocation: 'node' },
      { kind: 'issue', events: 1_000_000, invocation: 'node', output: 'table' },
      { kind: 'bot', events: 1_000_000, invocation: 'node' },
    ],
    memoryRuns: 1,
    dailyEvents: 20_000,
    // 1M takes about 10 minutes against DynamoDB Local on 2 shared cores; 150k still spans two ingest chunks.
    ingestMemoryEvents: 150_000,
    longSessionEvents: 100_000,
    bundleRuns: 3,
    startupRuns: 5,
  },
  full: {
    throughput: [
      { kind: 'issue', events: 1_000_000 },
      { kind: 'realistic', events: 1_000_000 },
    ],
    throughputRuns: 3,
    memory: [
      { kind: 'issue', events: 1_000_000, invocation: 'node' },
      { kind: 'issue', events: 1_000_000, invocation: 'executable' },
      { kind: 'issue', events: 1_000_000, invocation: 'node', output: 'table' },
      { kind: 'issue', events: 1_000_000, invocation: 'executable', output: 'table' },
      { kind: 'issue', events: 5_000_000, invocation: 'node' },
      { kind: 'issue', events: 5_000_000, invocation: 'executable' },
      { kind: 'realistic', events: 1_000_000, invocation: 'node' },
      { kind: 'bot', events: 1_000_000, invocation: 'node' },
    ],
    memoryRuns: 1,
    dailyEvents: 200_000,
    ingestMemoryEvents: 10_000_000,
    longSessionEvents: 1_000_000,
    // Each run is two imports of every bundle, 0.1 s each: more runs make the median steadier on a shared machine.
    bundleRuns: 11,
    startupRuns: 10,
  },
};

/** The long history the API is read from: about 2,000 sessions over three years. */
export const LONG_HISTORY = { sessions: 2_000, days: 1_096 } as const;
