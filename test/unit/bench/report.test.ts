import { describe, expect, it } from 'vitest';
import {
  type BundleRow,
  renderBenchmarksMd,
  renderTables,
  shortCount,
  targetLines,
} from '../../../bench/report.js';
import { measure, report, withoutSections } from './report-fixture.js';

const verdictOf = (target: string, where: string) =>
  targetLines(report()).find((line) => line.target.startsWith(target) && line.where === where);

describe('bench report', () => {
  it('abbreviates round event counts', () => {
    expect(shortCount(100_000)).toBe('100k');
    expect(shortCount(5_000_000)).toBe('5M');
    expect(shortCount(20_200)).toBe('20,200');
  });

  it('holds CLI CPU time against the floor and CLI wall time against DuckDB', () => {
    expect(verdictOf('CLI CPU time', "issue's file, 1M")).toMatchObject({ measured: '5.00×', pass: false });
    expect(verdictOf('CLI wall time', "issue's file, 1M")).toMatchObject({ measured: '4.00×', pass: false });
    expect(verdictOf('CLI CPU time', 'realistic file, 100k')).toMatchObject({
      measured: '0.90×',
      pass: true,
    });
    expect(verdictOf('CLI wall time', 'realistic file, 100k')).toMatchObject({
      measured: '0.90×',
      pass: true,
    });
  });

  it('renders the throughput table with both ratios and the peaks of all three', () => {
    expect(renderTables(report())).toContain(
      "| issue's file, 1M | 48.0 → 355.0 | 1.6 / 2.0 | 8.0 / 10.0 | 2.0 / 3.0 | 143,941 | 125,000 | 5.00× | 4.00× | 75 / 1,100 (runs from 900) / 300 |",
    );
  });

  it('holds CLI peak RSS to 256 MiB at 1M and 1 GiB at 5M, other sizes to nothing', () => {
    const lines = targetLines(report()).filter((line) => line.target.startsWith('CLI peak RSS'));
    expect(lines.map((line) => [line.target, line.measured, line.pass])).toEqual([
      ['CLI peak RSS ≤ 256 MiB at 1M events', '300 MiB', false],
      ['CLI peak RSS ≤ 1,024 MiB at 5M events', '900 MiB', true],
    ]);
    expect(renderTables(report())).toContain(
      "| issue's file, 200k | `node bin/sessionize.mjs` | 3 | 2.0 / 2.0 | 120 | — |",
    );
  });

  it('names the default table output where a memory run measured it', () => {
    const run = report();
    run.memory = [
      {
        kind: 'issue',
        events: 1_000_000,
        invocation: 'node',
        output: 'table',
        measure: measure(9_000, 10_000, 250),
      },
    ];
    expect(targetLines(run).find((line) => line.target.startsWith('CLI peak RSS'))).toMatchObject({
      where: "issue's file, 1M, `node bin/sessionize.mjs`, the default table output",
      pass: true,
    });
    expect(renderTables(run)).toContain(
      "| issue's file, 1M | `node bin/sessionize.mjs`, the default table output | 3 | 9.0 / 10.0 | 250 | ≤ 256 |",
    );
  });

  it('renders write units per 1,000 events against the target and the written-bytes floor', () => {
    const text = renderTables(report());
    // 4,096,000 bytes = 4,000 KB over 200k events: 20 KB per 1,000 events; 40 WCU per 1,000 is twice that.
    expect(text).toContain(
      '| Day 1 | 200,000 | 199,000 | 5,000 | 9,000 | 8,000 | 40.0 | 20.0 | 2.00× | 25.0 |',
    );
    expect(text).toContain('| Day 1 again | 200,000 | 0 | 5,000 | 9,000 | 0 | 0.0 | 0.0 | — | 25.0 |');
  });

  it("holds the ingest's peak RSS to the function's memory, and each of its calls to the timeout", () => {
    expect(verdictOf('Ingest peak RSS', '10M events')).toMatchObject({ measured: '1,100 MiB', pass: false });
    expect(verdictOf('Every ingest call ends within', '10M events')).toMatchObject({
      measured: '12 calls, the longest 301.5 s',
      pass: false,
    });
    expect(renderTables(report())).toMatch(
      /\| 10M events \| [\d,]+ \| [\d,]+ \| [\d.]+ \| 12 \| 301\.5 \| 1,100 \|/,
    );
  });

  it('holds every API page to 5 RCU by its largest', () => {
    expect(verdictOf('≤ 5 RCU', 'summary')?.pass).toBe(true);
    expect(verdictOf('≤ 5 RCU', 'following pages')).toMatchObject({ measured: 'max 6.0', pass: false });
    expect(renderTables(report())).toContain('| following pages | 99 | 4.3 | 6.0 |');
  });

  it("says when the API's rows include a bot's long session, and how long", () => {
    expect(renderTables(report())).toContain(
      'over three years, every list page walked (also under two filters).\n',
    );
    const withBot = report();
    withBot.api = {
      ...(withBot.api as { userSessions: number; userEvents: number; rows: [] }),
      longSessionEvents: 1_000_000,
    };
    expect(renderTables(withBot)).toContain(
      "every list page walked (also under two filters); then a bot's one session of 1,000,000 events (no length cap), every page of its events at the default limit.",
    );
  });

  it('holds module init as deployed, not with --enable-source-maps, and CLI startup to their targets', () => {
    expect(verdictOf('Module init', 'api')).toMatchObject({ measured: '90 ms (CPU 60 ms)', pass: false });
    expect(renderTables(report())).toContain('| api | 941.0 | 900.0 | 244.0 | 90 | 60 | 104 |');
    const fast = report({ bundles: [{ ...(report().bundles as BundleRow[])[0], initMs: 75 } as BundleRow] });
    expect(targetLines(fast).find((line) => line.target.startsWith('Module init'))).toMatchObject({
      measured: '75 ms (CPU 60 ms)',
      pass: true,
    });
    expect(verdictOf('CLI startup', 'node bin/sessionize.mjs --help')).toMatchObject({ pass: true });
  });

  it("shows a function's SDK clients alone as a row of the table, no target of its own, named in its miss", () => {
    const [api] = report().bundles as BundleRow[];
    const admin = { ...(api as BundleRow), name: 'admin', initMs: 95 };
    const floor = {
      ...(api as BundleRow),
      name: 'SDK alone',
      initMs: 85,
      initCpuMs: 55,
      floorOf: 'api',
    };
    const withFloor = report({ bundles: [api as BundleRow, admin, floor] });
    const lines = targetLines(withFloor).filter((line) => line.target.startsWith('Module init'));
    expect(lines.map((line) => [line.where, line.measured, line.pass])).toEqual([
      ['api', '90 ms (CPU 60 ms); its SDK clients alone 85 ms (CPU 55 ms)', false],
      ['admin', '95 ms (CPU 60 ms)', false],
    ]);
    expect(renderTables(withFloor)).toContain('| SDK alone | 941.0 | 900.0 | 244.0 | 85 | 55 | 104 |');
  });

  it('shows no init size for bundles kept from results saved before it was measured', () => {
    const [row] = report().bundles as BundleRow[];
    const { initBytes: _initBytes, ...saved } = row as BundleRow;
    expect(renderTables(report({ bundles: [saved] }))).toContain(
      '| api | 941.0 | – | 244.0 | 90 | 60 | 104 |',
    );
  });

  it('counts the misses above the tables', () => {
    expect(renderTables(report())).toMatch(/^## Targets\n\n7 of 14 target lines missed\./);
  });

  it('marks a failed measurement as a miss', () => {
    const failed = report({
      throughput: [
        {
          kind: 'issue',
          events: 5_000_000,
          compressedBytes: 1,
          uncompressedBytes: 0,
          error: 'out of memory',
        },
      ],
      bundles: { error: 'esbuild failed' },
    });
    const misses = targetLines(failed).filter((line) => line.measured.startsWith('failed'));
    expect(misses.map((line) => [line.where, line.pass])).toEqual([
      ["issue's file, 5M", false],
      ["issue's file, 5M", false],
      ['all functions', false],
    ]);
    expect(renderTables(failed)).toMatch(/\| issue's file, 5M \| 0\.0 → 0\.0 \| failed: out of memory \|/);
  });

  it('warns when the machine was busier than its cores', () => {
    expect(renderTables(report())).not.toContain('Busy machine');
    const busy = report({ machine: { ...report().machine, loadMax: 12.4 } });
    expect(renderTables(busy)).toMatch(/^> \*\*Busy machine:\*\* the load average reached 12\.4 on 2 cores/);
  });

  it('omits sections that did not run', () => {
    expect(renderTables(withoutSections())).toBe('');
  });

  it('writes machine, command, load and date into BENCHMARKS.md', () => {
    const markdown = renderBenchmarksMd(report());
    expect(markdown).toMatch(/^# Benchmarks\n/);
    expect(markdown).toContain(
      '- **Command:** `npm run bench`\n- **Code:** `abc1234` plus uncommitted changes\n',
    );
    expect(markdown).toContain('- **Date:** 2024-01-01T00:00:00.000Z (full run, 10.0 min)');
    expect(markdown).toContain('- **Machine:** Test CPU, 2 cores, 24.0 GiB RAM, Linux 6.0');
    expect(markdown).toContain('- **Load average (1 min):** 0.50 at start, 1.25 at end, 1.50 at most');
    expect(markdown).toContain('## Notes\n\n- A note.\n');
  });
});
