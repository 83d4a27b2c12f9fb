/** The targets a run is held to, one line per measurement: what was measured and whether it holds. */
import { fixed, integer, ratio, seconds, shortCount, table, verdict } from './report-format.js';
import {
  type BenchReport,
  commandLabel,
  cpuRatio,
  fileLabel,
  per1k,
  TARGETS,
  wallRatio,
} from './report-model.js';

export interface TargetLine {
  target: string;
  where: string;
  measured: string;
  pass: boolean;
}

const failed = (target: string, where: string, error: string | undefined): TargetLine => ({
  target,
  where,
  measured: `failed: ${error ?? 'no result'}`,
  pass: false,
});

function throughputTargets(rows: BenchReport['throughput']): TargetLine[] {
  const cpuTarget = `CLI CPU time ≤ ${ratio(TARGETS.cpuRatioToFloor)} the floor's`;
  const wallTarget = `CLI wall time ≤ ${ratio(TARGETS.wallRatioToDuckdb)} DuckDB's`;
  return rows.flatMap(({ floor, project, duckdb, ...row }) => {
    const where = fileLabel(row.kind, row.events);
    if (floor === undefined || project === undefined || duckdb === undefined) {
      return [failed(cpuTarget, where, row.error), failed(wallTarget, where, row.error)];
    }
    const cpu = cpuRatio({ floor, project });
    const wall = wallRatio({ duckdb, project });
    return [
      { target: cpuTarget, where, measured: ratio(cpu), pass: cpu <= TARGETS.cpuRatioToFloor },
      { target: wallTarget, where, measured: ratio(wall), pass: wall <= TARGETS.wallRatioToDuckdb },
    ];
  });
}

function memoryTargets(rows: BenchReport['memory']): TargetLine[] {
  return rows.flatMap((row) => {
    const limit = TARGETS.cliRssMiB[row.events];
    if (limit === undefined) return [];
    const target = `CLI peak RSS ≤ ${integer(limit)} MiB at ${shortCount(row.events)} events`;
    const where = `${fileLabel(row.kind, row.events)}, ${commandLabel(row.invocation, row.output)}`;
    if (row.measure === undefined) return [failed(target, where, row.error)];
    const rss = row.measure.peakRssMiB;
    return [{ target, where, measured: `${integer(rss)} MiB`, pass: rss <= limit }];
  });
}

function ingestTargets(rows: BenchReport['ingest']): TargetLine[] {
  return rows.flatMap((row): TargetLine[] => {
    const target =
      row.kind === 'memory'
        ? `Ingest peak RSS ≤ ${integer(TARGETS.ingestRssMiB)} MiB (the function's memory)`
        : `≤ ${TARGETS.writeUnitsPer1k} WCU per 1,000 events`;
    if ('error' in row) return [failed(target, row.label, row.error)];
    if (row.kind === 'memory') {
      const rss = row.peakRssMiB;
      const memory = {
        target,
        where: row.label,
        measured: `${integer(rss)} MiB`,
        pass: rss <= TARGETS.ingestRssMiB,
      };
      if (row.calls === undefined) return [memory];
      const { timeoutSeconds, count, longestMs } = row.calls;
      const inTime = {
        target: `Every ingest call ends within the function's timeout (${integer(timeoutSeconds)} s)`,
        where: row.label,
        measured: `${integer(count)} call${count === 1 ? '' : 's'}, the longest ${seconds(longestMs)} s`,
        pass: longestMs <= timeoutSeconds * 1000,
      };
      return [memory, inTime];
    }
    const units = per1k(row.writeUnits, row.records);
    return [{ target, where: row.label, measured: fixed(units, 1), pass: units <= TARGETS.writeUnitsPer1k }];
  });
}

function apiTargets(api: BenchReport['api']): TargetLine[] {
  const target = `≤ ${TARGETS.readUnitsPerPage} RCU per API page`;
  if (api === undefined) return [];
  if ('error' in api) return [failed(target, 'long history', api.error)];
  return api.rows.map((row) => ({
    target,
    where: row.label,
    measured: `max ${fixed(row.maxReadUnits, 1)}`,
    pass: row.maxReadUnits <= TARGETS.readUnitsPerPage,
  }));
}

function bundleTargets(bundles: BenchReport['bundles']): TargetLine[] {
  const target = `Module init ≤ ${TARGETS.moduleInitMs} ms (as deployed)`;
  if ('error' in bundles) return [failed(target, 'all functions', bundles.error)];
  const floors = new Map(bundles.flatMap((row) => (row.floorOf === undefined ? [] : [[row.floorOf, row]])));
  return bundles
    .filter((row) => row.floorOf === undefined)
    .map((row) => {
      const pass = row.initMs <= TARGETS.moduleInitMs;
      let measured = `${integer(row.initMs)} ms (CPU ${integer(row.initCpuMs)} ms)`;
      // A miss says how much of it the SDK takes before any code of ours runs.
      const floor = floors.get(row.name);
      if (!pass && floor !== undefined)
        measured += `; its SDK clients alone ${integer(floor.initMs)} ms (CPU ${integer(floor.initCpuMs)} ms)`;
      return { target, where: row.name, measured, pass };
    });
}

function startupTargets(startup: BenchReport['startup']): TargetLine[] {
  const target = `CLI startup < ${TARGETS.cliStartupMs} ms`;
  if (startup === undefined) return [];
  if ('error' in startup) return [failed(target, '--help', startup.error)];
  return [
    {
      target,
      where: startup.command,
      measured: `${integer(startup.medianMs)} ms (CPU ${integer(startup.medianCpuMs)} ms)`,
      pass: startup.medianMs < TARGETS.cliStartupMs,
    },
  ];
}

/** Every target the run measured; a measurement that failed misses its target. */
export function targetLines(report: BenchReport): TargetLine[] {
  return [
    ...throughputTargets(report.throughput),
    ...memoryTargets(report.memory),
    ...ingestTargets(report.ingest),
    ...apiTargets(report.api),
    ...bundleTargets(report.bundles),
    ...startupTargets(report.startup),
  ];
}

export function targetsSection(report: BenchReport): string | undefined {
  const lines = targetLines(report);
  if (lines.length === 0) return undefined;
  const misses = lines.filter((line) => !line.pass).length;
  const summary =
    misses === 0 ? 'Every target measured is met.' : `${misses} of ${lines.length} target lines missed.`;
  return `## Targets\n\n${summary}\n\n${table(
    ['Target', 'Where', 'Measured', 'Verdict'],
    lines.map((line) => [line.target, line.where, line.measured, verdict(line.pass)]),
  )}`;
}
