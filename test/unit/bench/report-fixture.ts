// The benchmark report the report tests render and merge: every section measured, with figures chosen so
// that some targets pass and some miss.
import type { BenchReport } from '../../../bench/report.js';

export const measure = (wallMs: number, cpuMs: number, peakRssMiB: number, minPeakRssMiB = peakRssMiB) => ({
  wallMs,
  cpuMs,
  peakRssMiB,
  minPeakRssMiB,
  runs: 3,
});

const daily = {
  records: 200_000,
  newEvents: 199_000,
  usersTouched: 5_000,
  sessionsWritten: 9_000,
  chunks: 2,
  ingestMs: 100_000,
  readUnits: 5_000,
  writeUnits: 8_000,
  writtenBytes: 4_096_000,
  peakRssMiB: 300,
};

export function report(overrides: Partial<BenchReport> = {}): BenchReport {
  return {
    mode: 'full',
    command: 'npm run bench',
    code: { commit: 'abc1234', dirty: true },
    date: '2024-01-01T00:00:00.000Z',
    durationSec: 600,
    machine: {
      cpu: 'Test CPU',
      cores: 2,
      memoryGiB: 24,
      node: 'v20.0.0',
      os: 'Linux 6.0',
      loadStart: 0.5,
      loadEnd: 1.25,
      loadMax: 1.5,
    },
    throughput: [
      {
        kind: 'issue',
        events: 1_000_000,
        compressedBytes: 48_000_000,
        uncompressedBytes: 355_000_000,
        duckdbSessions: 143_941,
        floor: measure(1_600, 2_000, 75),
        project: measure(8_000, 10_000, 1_100, 900),
        duckdb: measure(2_000, 3_000, 300),
      },
      {
        kind: 'realistic',
        events: 100_000,
        compressedBytes: 9_500_000,
        uncompressedBytes: 69_000_000,
        floor: measure(1_000, 1_200, 64),
        project: measure(900, 1_080, 100, 95),
        duckdb: measure(1_000, 1_500, 200),
      },
    ],
    memory: [
      { kind: 'issue', events: 1_000_000, invocation: 'node', measure: measure(9_000, 10_000, 300) },
      { kind: 'issue', events: 5_000_000, invocation: 'executable', measure: measure(9_000, 10_000, 900) },
      { kind: 'issue', events: 200_000, invocation: 'node', measure: measure(2_000, 2_000, 120) },
    ],
    ingest: [
      { kind: 'daily', label: 'Day 1', ...daily },
      { kind: 'redelivery', label: 'Day 1 again', ...daily, newEvents: 0, writeUnits: 0, writtenBytes: 0 },
      {
        kind: 'memory',
        label: '10M events',
        ...daily,
        records: 10_000_000,
        peakRssMiB: 1_100,
        calls: { timeoutSeconds: 300, count: 12, longestMs: 301_500 },
      },
    ],
    api: {
      userSessions: 2_000,
      userEvents: 40_000,
      rows: [
        { label: 'summary', requests: 1, meanReadUnits: 0.5, maxReadUnits: 0.5 },
        { label: 'following pages', requests: 99, meanReadUnits: 4.25, maxReadUnits: 6 },
      ],
    },
    bundles: [
      {
        name: 'api',
        bytes: 1024 * 941,
        initBytes: 1024 * 900,
        gzipBytes: 1024 * 244,
        initMs: 90,
        initCpuMs: 60,
        initMsSourceMaps: 104,
        runs: 5,
      },
    ],
    startup: { command: 'node bin/sessionize.mjs --help', runs: 10, medianMs: 95, medianCpuMs: 80 },
    notes: ['A note.'],
    ...overrides,
  };
}

/** A report that measured nothing yet: every section empty. */
export const withoutSections = (overrides: Partial<BenchReport> = {}) =>
  report({
    throughput: [],
    memory: [],
    ingest: [],
    bundles: [],
    api: undefined,
    startup: undefined,
    ...overrides,
  });
