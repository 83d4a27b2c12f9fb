/**
 * The benchmark's results and their rendering as markdown. Pure: all figures come in, text goes out, so the
 * formatting and the verdicts are testable without running anything.
 */

import { fixed, integer, ratio, shortCount, table, verdict } from './report-format.js';
import {
  type BenchReport,
  cpuRatio,
  fileLabel,
  type Machine,
  per1k,
  TARGETS,
  wallRatio,
} from './report-model.js';
import {
  apiSection,
  bundleSection,
  ingestMemorySection,
  memorySection,
  startupSection,
  throughputSection,
  writeUnitsSection,
} from './report-sections.js';

export { shortCount } from './report-format.js';
export * from './report-model.js';

export interface TargetLine {
  target: string;
  where: string;
  measured: string;
  pass: boolean;
}

/** Every target the run measured, with what was measured and whether it holds; a failed run is a miss. */
export function targetLines(report: BenchReport): TargetLine[] {
  const lines: TargetLine[] = [];
  const add = (target: string, where: string, measured: string, pass: boolean) =>
    lines.push({ target, where, measured, pass });
  for (const row of report.throughput) {
    const where = fileLabel(row.kind, row.events);
    const { floor, project, duckdb } = row;
    const cpuTarget = `CLI CPU time ≤ ${ratio(TARGETS.cpuRatioToFloor)} the floor's`;
    const wallTarget = `CLI wall time ≤ ${ratio(TARGETS.wallRatioToDuckdb)} DuckDB's`;
    if (floor === undefined || project === undefined || duckdb === undefined) {
      add(cpuTarget, where, `failed: ${row.error ?? 'no result'}`, false);
      add(wallTarget, where, `failed: ${row.error ?? 'no result'}`, false);
      continue;
    }
    add(
      cpuTarget,
      where,
      ratio(cpuRatio({ floor, project })),
      cpuRatio({ floor, project }) <= TARGETS.cpuRatioToFloor,
    );
    add(
      wallTarget,
      where,
      ratio(wallRatio({ duckdb, project })),
      wallRatio({ duckdb, project }) <= TARGETS.wallRatioToDuckdb,
    );
  }
  for (const row of report.memory) {
    const limit = TARGETS.cliRssMiB[row.events];
    if (limit === undefined) continue;
    const where = `${fileLabel(row.kind, row.events)}, ${row.invocation === 'node' ? '`node bin/sessionize.mjs`' : '`bin/sessionize.mjs`'}`;
    const measured =
      row.measure === undefined
        ? `failed: ${row.error ?? 'no result'}`
        : `${integer(row.measure.peakRssMiB)} MiB`;
    add(
      `CLI peak RSS ≤ ${integer(limit)} MiB at ${shortCount(row.events)} events`,
      where,
      measured,
      (row.measure?.peakRssMiB ?? Number.POSITIVE_INFINITY) <= limit,
    );
  }
  for (const row of report.ingest) {
    const failed = 'error' in row ? `failed: ${row.error}` : undefined;
    if (row.kind === 'memory') {
      const rss = 'error' in row ? Number.POSITIVE_INFINITY : row.peakRssMiB;
      add(
        `Ingest peak RSS ≤ ${integer(TARGETS.ingestRssMiB)} MiB (the function's memory)`,
        row.label,
        failed ?? `${integer(rss)} MiB`,
        rss <= TARGETS.ingestRssMiB,
      );
      continue;
    }
    const units = 'error' in row ? Number.POSITIVE_INFINITY : per1k(row.writeUnits, row.records);
    add(
      `≤ ${TARGETS.writeUnitsPer1k} WCU per 1,000 events`,
      row.label,
      failed ?? fixed(units, 1),
      units <= TARGETS.writeUnitsPer1k,
    );
  }
  if (report.api !== undefined) {
    const pageTarget = `≤ ${TARGETS.readUnitsPerPage} RCU per API page`;
    if ('error' in report.api) add(pageTarget, 'long history', `failed: ${report.api.error}`, false);
    else {
      for (const row of report.api.rows) {
        add(
          pageTarget,
          row.label,
          `max ${fixed(row.maxReadUnits, 1)}`,
          row.maxReadUnits <= TARGETS.readUnitsPerPage,
        );
      }
    }
  }
  const initTarget = `Module init ≤ ${TARGETS.moduleInitMs} ms (with --enable-source-maps, as deployed)`;
  if ('error' in report.bundles) add(initTarget, 'all functions', `failed: ${report.bundles.error}`, false);
  else {
    for (const row of report.bundles) {
      add(
        initTarget,
        row.name,
        `${integer(row.initMsSourceMaps)} ms`,
        row.initMsSourceMaps <= TARGETS.moduleInitMs,
      );
    }
  }
  if (report.startup !== undefined) {
    const startupTarget = `CLI startup < ${TARGETS.cliStartupMs} ms`;
    if ('error' in report.startup) add(startupTarget, '--help', `failed: ${report.startup.error}`, false);
    else
      add(
        startupTarget,
        report.startup.command,
        `${integer(report.startup.medianMs)} ms`,
        report.startup.medianMs < TARGETS.cliStartupMs,
      );
  }
  return lines;
}

function targetsSection(report: BenchReport): string | undefined {
  const lines = targetLines(report);
  if (lines.length === 0) return undefined;
  const misses = lines.filter((line) => !line.pass).length;
  return `## Targets\n\n${misses === 0 ? 'Every target measured is met.' : `${misses} of ${lines.length} target lines missed.`}\n\n${table(
    ['Target', 'Where', 'Measured', 'Verdict'],
    lines.map((line) => [line.target, line.where, line.measured, verdict(line.pass)]),
  )}`;
}

/** A load average above the core count means other processes took CPU time from the measurements. */
export function busyMachineWarning(machine: Machine): string | undefined {
  const load = Math.max(machine.loadStart, machine.loadEnd, machine.loadMax);
  if (load <= machine.cores) return undefined;
  return `> **Busy machine:** the load average reached ${fixed(load, 1)} on ${machine.cores} cores during this run: other work shared the CPUs, so wall times (and the wall-time ratio to DuckDB) are inflated and noisy. CPU times, write and read units, and peak RSS are much less affected.`;
}

/** The tables printed at the end of every run. */
export function renderTables(report: BenchReport): string {
  const sections = [
    targetsSection(report),
    throughputSection(report.throughput),
    memorySection(report.memory),
    ingestMemorySection(report.ingest),
    writeUnitsSection(report.ingest),
    report.api === undefined ? undefined : apiSection(report.api),
    bundleSection(report.bundles),
    report.startup === undefined ? undefined : startupSection(report.startup),
  ].filter((section): section is string => section !== undefined);
  if (sections.length === 0) return '';
  const warning = busyMachineWarning(report.machine);
  return [...(warning === undefined ? [] : [warning]), ...sections].join('\n\n');
}

/** BENCHMARKS.md: how, where and when the figures were taken, then the tables and the notes. */
export function renderBenchmarksMd(report: BenchReport): string {
  const { machine } = report;
  const notes = report.notes.map((note) => `- ${note}`).join('\n');
  const code =
    report.code === undefined
      ? ''
      : `- **Code:** \`${report.code.commit}\`${report.code.dirty ? ' plus uncommitted changes' : ''}\n`;
  return `# Benchmarks

Generated by \`bench/run.ts\`; do not edit by hand. Re-run with the command below.

- **Command:** \`${report.command}\`
${code}- **Date:** ${report.date} (${report.mode} run, ${fixed(report.durationSec / 60, 1)} min)
- **Machine:** ${machine.cpu}, ${machine.cores} cores, ${fixed(machine.memoryGiB, 1)} GiB RAM, ${machine.os}
- **Node:** ${machine.node}
- **Load average (1 min):** ${fixed(machine.loadStart, 2)} at start, ${fixed(machine.loadEnd, 2)} at end, ${fixed(machine.loadMax, 2)} at most

${renderTables(report)}
${notes === '' ? '' : `\n## Notes\n\n${notes}\n`}`;
}
