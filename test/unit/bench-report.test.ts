import { describe, expect, it } from 'vitest';
import {
  type BenchReport,
  renderBenchmarksMd,
  renderTables,
  shortCount,
  throughputRatio,
} from '../../bench/report.js';

function report(overrides: Partial<BenchReport> = {}): BenchReport {
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
    },
    throughput: [
      {
        format: 'ndjson',
        events: 1_000_000,
        compressedBytes: 110_000_000,
        uncompressedBytes: 700_000_000,
        floor: { ms: 5_000, cpuMs: 6_000, peakRssMiB: 70, runs: 3 },
        project: { ms: 10_000, cpuMs: 12_000, peakRssMiB: 600, minPeakRssMiB: 400, runs: 3 },
      },
      {
        format: 'json-array',
        events: 100_000,
        compressedBytes: 11_000_000,
        uncompressedBytes: 70_000_000,
        floor: { ms: 1_000, cpuMs: 1_000, peakRssMiB: 60, runs: 3 },
        project: { ms: 1_100, cpuMs: 1_200, peakRssMiB: 100, minPeakRssMiB: 95, runs: 3 },
      },
    ],
    ingest: [
      {
        kind: 'daily',
        label: 'Daily export',
        eventsRead: 200_000,
        newEvents: 199_000,
        usersTouched: 5_000,
        sessionsWritten: 9_000,
        ms: 100_000,
        readUnits: 5_000,
        writeUnits: 16_000,
        peakRssMiB: 300,
      },
      {
        kind: 'redelivery',
        label: 'Redelivered',
        eventsRead: 200_000,
        newEvents: 0,
        usersTouched: 5_000,
        sessionsWritten: 0,
        ms: 50_000,
        readUnits: 10_000,
        writeUnits: 0,
        peakRssMiB: 290,
      },
    ],
    api: {
      userSessions: 289,
      pageSize: 50,
      firstPage: { requests: 200, p50: 30.25, p99: 70, max: 90, readUnits: 31.5 },
      cursorPages: { requests: 210, p50: 12, p99: 40, max: 51 },
    },
    bundles: [
      { name: 'api', bytes: 1024 * 941, gzipBytes: 1024 * 244, initMs: 271, initMsSourceMaps: 301, runs: 5 },
    ],
    notes: ['A note.'],
    ...overrides,
  };
}

describe('bench report', () => {
  it('abbreviates round event counts', () => {
    expect(shortCount(100_000)).toBe('100k');
    expect(shortCount(5_000_000)).toBe('5M');
    expect(shortCount(20_200)).toBe('20,200');
  });

  it('computes the ratio as floor time over project time', () => {
    const [row] = report().throughput;
    expect(row && throughputRatio(row)).toBe(0.5);
    expect(row && throughputRatio(row, 'cpuMs')).toBe(0.5);
  });

  it('renders throughput figures with their verdicts', () => {
    const text = renderTables(report());
    expect(text).toContain(
      '| NDJSON.gz | 1M | 110.0 → 700.0 | 200,000 | 22.0 / 140.0 | 100,000 | 11.0 / 70.0 | 0.50× MISS | 0.50× | 70 | 600 MISS (runs from 400) |',
    );
    // The RSS target applies at 1M only.
    expect(text).toContain(
      '| JSON array.gz | 100k | 11.0 → 70.0 | 100,000 | 11.0 / 70.0 | 90,909 | 10.0 / 63.6 | 0.91× PASS | 0.83× | 60 | 100 |',
    );
  });

  it('renders ingest units per 1,000 events against their targets', () => {
    const text = renderTables(report());
    expect(text).toContain(
      '| Daily export | 200,000 | 199,000 | 5,000 | 9,000 | 100.0 | 2,000 | 16,000 | 80.0 | 25.0 | 300 | ≤ 150 WCU/1k PASS |',
    );
    expect(text).toContain(
      '| Redelivered | 200,000 | 0 | 5,000 | 0 | 50.0 | 4,000 | 0 | 0.0 | 50.0 | 290 | ≤ 1 WCU/1k PASS |',
    );
  });

  it('renders API latency and bundles', () => {
    const text = renderTables(report());
    expect(text).toContain(
      '| GET /users/{id}/sessions?limit=50 (first page) | 200 | 30.3 | 70.0 | 90.0 | 31.5 |',
    );
    expect(text).toContain('| api | 941 | 244 | 271 | 301 |');
  });

  it('marks a failed measurement as a miss', () => {
    const text = renderTables(
      report({
        throughput: [
          {
            format: 'ndjson',
            events: 5_000_000,
            compressedBytes: 1,
            uncompressedBytes: 0,
            error: 'out of memory',
          },
        ],
      }),
    );
    expect(text).toMatch(/\| NDJSON\.gz \| 5M \| .* \| failed: out of memory \|.*MISS/);
  });

  it('warns when the machine was busier than its cores', () => {
    expect(renderTables(report())).not.toContain('Busy machine');
    const busy = report({ machine: { ...report().machine, loadEnd: 12.4 } });
    expect(renderTables(busy)).toMatch(/^> \*\*Busy machine:\*\* load average up to 12\.4 on 2 cores/);
  });

  it('omits sections that did not run', () => {
    const text = renderTables(report({ throughput: [], ingest: [], bundles: [], api: undefined }));
    expect(text).toBe('');
  });

  it('writes machine, command and date into BENCHMARKS.md', () => {
    const markdown = renderBenchmarksMd(report());
    expect(markdown).toMatch(/^# Benchmarks\n/);
    expect(markdown).toContain(
      '- **Command:** `npm run bench`\n- **Code:** `abc1234` plus uncommitted changes\n',
    );
    expect(markdown).toContain('- **Date:** 2024-01-01T00:00:00.000Z (full run, 10.0 min)');
    expect(markdown).toContain('- **Machine:** Test CPU, 2 cores, 24.0 GiB RAM, Linux 6.0');
    expect(markdown).toContain('- **Load average (1 min):** 0.50 at start, 1.25 at end');
    expect(markdown).toContain('## Notes\n\n- A note.\n');
  });
});
