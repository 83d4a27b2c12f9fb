/**
 * A run of some sections (`--only`) that keeps the others from the last full run (`--keep`): the full run
 * takes an hour, mostly the 10M-event ingest, while the CLI's sections take two minutes. Each kept section
 * carries where it came from, and BENCHMARKS.md says so.
 */
import { type BenchReport, SECTIONS, type Section, type SectionOrigin } from './report-model.js';

function originOf(report: BenchReport, section: Section): SectionOrigin {
  const earlier = report.kept?.[section];
  if (earlier !== undefined) return earlier;
  return {
    ...(report.code !== undefined && { code: report.code }),
    date: report.date,
    loadMax: report.machine.loadMax,
  };
}

function hasSection(report: BenchReport, section: Section): boolean {
  switch (section) {
    case 'startup':
      return report.startup !== undefined;
    case 'bundles':
      return !Array.isArray(report.bundles) || report.bundles.length > 0;
    case 'throughput':
      return report.throughput.length > 0;
    case 'memory':
      return report.memory.length > 0;
    case 'ingest':
      return report.ingest.length > 0;
    case 'api':
      return report.api !== undefined;
  }
}

function copySection(from: BenchReport, to: BenchReport, section: Section): void {
  switch (section) {
    case 'startup':
      if (from.startup !== undefined) to.startup = from.startup;
      return;
    case 'bundles':
      to.bundles = from.bundles;
      return;
    case 'throughput':
      to.throughput = from.throughput;
      return;
    case 'memory':
      to.memory = from.memory;
      return;
    case 'ingest':
      to.ingest = from.ingest;
      return;
    case 'api':
      if (from.api !== undefined) to.api = from.api;
      return;
  }
}

/** `report` (about to measure `measured`) with every other section of `earlier` it lacks, and their origins. */
export function keepSections(
  report: BenchReport,
  earlier: BenchReport,
  measured: ReadonlySet<Section>,
): void {
  if (earlier.mode !== report.mode) {
    throw new Error(`--keep: the saved results are of a ${earlier.mode} run, this is a ${report.mode} run`);
  }
  for (const section of SECTIONS) {
    if (measured.has(section) || !hasSection(earlier, section)) continue;
    copySection(earlier, report, section);
    report.kept = { ...report.kept, [section]: originOf(earlier, section) };
  }
}

/** The kept sections grouped by origin, for the header of BENCHMARKS.md. */
export function keptOrigins(report: BenchReport): { sections: Section[]; origin: SectionOrigin }[] {
  const groups: { sections: Section[]; origin: SectionOrigin }[] = [];
  for (const section of SECTIONS) {
    const origin = report.kept?.[section];
    if (origin === undefined) continue;
    const same = groups.find(
      (group) => group.origin.date === origin.date && group.origin.code?.commit === origin.code?.commit,
    );
    if (same === undefined) groups.push({ sections: [section], origin });
    else same.sections.push(section);
  }
  return groups;
}
