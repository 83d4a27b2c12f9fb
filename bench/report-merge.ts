/**
 * A run of some sections (`--only`) that keeps the others from the last full run (`--keep`): the full run
 * takes an hour, mostly the 10M-event ingest, while the CLI's sections take two minutes. Each kept section
 * carries where it came from, and BENCHMARKS.md says so.
 */
import {
  type BenchReport,
  type IngestRow,
  SECTIONS,
  type Section,
  type SectionOrigin,
} from './report-model.js';

function originOf(report: BenchReport, section: Section): SectionOrigin {
  const earlier = report.kept?.[section];
  if (earlier !== undefined) return earlier;
  return {
    ...(report.code !== undefined && { code: report.code }),
    date: report.date,
    loadMax: report.machine.loadMax,
  };
}

/** The sections whose figures are some of the ingest rows, by the rows' kind. */
const INGEST_ROWS: Partial<Record<Section, (row: IngestRow) => boolean>> = {
  writes: (row) => row.kind !== 'memory',
  ingest: (row) => row.kind === 'memory',
};

/** The section's figures: the report's field of the same name, or its share of the ingest rows. */
function figuresOf(report: BenchReport, section: Section): unknown {
  const rowsOf = INGEST_ROWS[section];
  return rowsOf === undefined ? report[section as Exclude<Section, 'writes'>] : report.ingest.filter(rowsOf);
}

/** Whether a run holds figures for the section: its field is set and, for a list, not empty. */
function hasSection(report: BenchReport, section: Section): boolean {
  const figures = figuresOf(report, section);
  return figures !== undefined && !(Array.isArray(figures) && figures.length === 0);
}

function copySection(from: BenchReport, to: BenchReport, section: Section): void {
  if (INGEST_ROWS[section] === undefined) Object.assign(to, { [section]: figuresOf(from, section) });
  else to.ingest = [...to.ingest, ...(figuresOf(from, section) as IngestRow[])];
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
