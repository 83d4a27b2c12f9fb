/**
 * A file's summary as reading one member of an export fills it in: how it starts, and what it says once the
 * member is read (skipped as holding no events, or not an export, and why).
 */
import type { ConcreteFormat } from '../events/formats/format.js';
import type { ExportMember } from './containers.js';
import { LONE_CR_LINES } from './lone-carriage-returns.js';
import type { FileSummary, ReadExportOptions } from './read-contract.js';

export const NOT_AN_EXPORT = 'no line is JSON';
/** What a user who gave a file that is no export (a CSV, a pretty-printed JSON object) should give instead. */
export const NOT_AN_EXPORT_HINT =
  'an export is NDJSON, one event per line, or a JSON array of events; one object over several lines, or an object wrapping the events, is neither';
/** Why a ZIP member in which no object of any format appears is skipped. */
const NO_EVENTS = 'holds no events of any export format';

/** A file's summary before anything of it is read. */
export function emptySummary(file: string, options: ReadExportOptions): FileSummary {
  return {
    file,
    format: options.format === 'auto' ? undefined : options.format,
    container: undefined,
    compression: 'none',
    records: 0,
    accepted: 0,
    rejected: 0,
  };
}

/**
 * Why a file none of whose lines is JSON is not an export: the encoding or binary format it seems in, or the
 * first line whose objects carriage returns alone part.
 */
function notAnExport({ wideEncoding, binaryFormat }: ExportMember, crLine: number | undefined): string {
  if (binaryFormat !== undefined) {
    return `file is ${binaryFormat.what} (magic bytes ${binaryFormat.magic}); exports are read as JSON text, plain, gzipped or in a ZIP archive`;
  }
  if (crLine !== undefined) return `${NOT_AN_EXPORT}: line ${crLine} ${LONE_CR_LINES}`;
  if (wideEncoding === undefined) return NOT_AN_EXPORT;
  return `file is ${wideEncoding.encoding} encoded (${wideEncoding.evidence}); exports must be UTF-8`;
}

/** What reading a member found that its summary's end depends on. */
export interface MemberEnd {
  /** No record showed the member is an export: its rejections are still held. */
  readonly holding: boolean;
  /** With a named format, the format the first object rejected in it shows instead, if another. */
  readonly rejectedObjectShows: ConcreteFormat | undefined;
  /** Where the member's JSON structure broke: no error of a ZIP member skipped as holding no events. */
  readonly structureError: string | undefined;
  /** The member's bytes broke (a truncated or corrupt archive or gzip): a file error even in a ZIP. */
  readonly bytesBroke: boolean;
  /** The first line holding objects parted by carriage returns alone: events in a form not read. */
  readonly crLine: number | undefined;
}

/** Completes `summary` once the member is read: its compression, what it looks like, skipped or in error. */
export function concludeSummary(summary: FileSummary, member: ExportMember, end: MemberEnd): void {
  const { holding, rejectedObjectShows, structureError, bytesBroke, crLine } = end;
  summary.compression = member.compression;
  if (rejectedObjectShows !== undefined && summary.accepted === 0) summary.looksLike = rejectedObjectShows;
  // A member of a ZIP that shows no object of any format is skipped (a README, in any encoding), unless
  // its bytes broke: then the archive is damaged, which is a file error whatever the member held. A member
  // in a binary format (zstd, xz, Parquet...) is an error too: it likely holds events in a form not read, as
  // one whose objects carriage returns alone part does.
  const skipped =
    holding && member.inZip && !bytesBroke && member.binaryFormat === undefined && crLine === undefined;
  if (structureError !== undefined && !skipped) summary.error ??= structureError;
  if (holding) {
    if (skipped) {
      summary.skipped = NO_EVENTS;
      delete summary.error;
    } else if (
      member.binaryFormat !== undefined ||
      crLine !== undefined ||
      (!member.inZip && (summary.records > 0 || member.wideEncoding !== undefined))
    ) {
      // Cut short too, its lines read are no more an export's than a whole file's would be.
      const why = notAnExport(member, crLine);
      summary.error = summary.error === undefined ? why : `${summary.error}; ${why}`;
    }
    // Nothing of it showed it is an export (a broken ZIP member too): its lines are not rejected events.
    summary.rejected = 0;
    // Nor candidate events: counted, a README's lines would add to the run's records, and under a named
    // format look like records that format rejected.
    if (skipped) summary.records = 0;
  }
}
