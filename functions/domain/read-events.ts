import { type EventRecord, normalizeEvent } from './event.js';
import { ExportFileError, type ExportItem, type ExportShape, readExportItems } from './export-reader.js';

/** An event that was not accepted, with everything needed to find, understand and replay it. */
export interface Rejection {
  readonly file: string;
  /** 1-based line where the event starts. */
  readonly position: number;
  /** 1-based element index when the file is a JSON array. */
  readonly index?: number;
  readonly reason: string;
  /** The event's original text, so nothing the user sent is lost. */
  readonly raw: string;
}

export interface EventSink {
  event(record: EventRecord): void;
  rejected(rejection: Rejection): void;
}

export interface ReadSummary extends ExportShape {
  readonly file: string;
  accepted: number;
  rejected: number;
}

/** A file with this many leading lines that are not JSON, and none that is, is not an export. */
const NOT_JSON_AFTER = 1000;

function describeParseError(error: unknown): string {
  return `invalid JSON: ${error instanceof Error ? error.message : String(error)}`;
}

/**
 * Reads one export file: parses, validates and normalizes every event, handing accepted events and
 * rejections to the sink as it goes. Throws {@link ExportFileError} when the file is not an export at all
 * (unreadable, corrupt gzip, or no JSON in it).
 */
export async function readEvents(
  file: string,
  source: AsyncIterable<Uint8Array>,
  sink: EventSink,
): Promise<ReadSummary> {
  const summary: ReadSummary = { file, container: undefined, gzip: false, accepted: 0, rejected: 0 };
  // Rejections are held back until the file shows it holds JSON, so a binary or text file gives one
  // clear error instead of a rejection per line.
  let heldBack: Rejection[] | undefined = [];
  const reject = (item: ExportItem, reason: string) => {
    const rejection: Rejection = {
      file,
      position: item.line,
      ...(item.index !== undefined && { index: item.index }),
      reason,
      raw: item.text,
    };
    summary.rejected++;
    if (heldBack === undefined) sink.rejected(rejection);
    else heldBack.push(rejection);
  };
  const confirmJson = () => {
    if (heldBack === undefined) return;
    for (const rejection of heldBack) sink.rejected(rejection);
    heldBack = undefined;
  };
  try {
    for await (const batch of readExportItems(source, summary)) {
      for (const item of batch) {
        if (item.structuralError !== undefined) {
          reject(item, item.structuralError);
          continue;
        }
        let value: unknown;
        try {
          value = JSON.parse(item.text);
        } catch (error) {
          reject(item, describeParseError(error));
          if (heldBack !== undefined && heldBack.length >= NOT_JSON_AFTER) break;
          continue;
        }
        confirmJson();
        const result = normalizeEvent(value);
        if (result.ok) {
          summary.accepted++;
          sink.event(result.record);
        } else {
          reject(item, result.reason);
        }
      }
      if (heldBack !== undefined && heldBack.length >= NOT_JSON_AFTER) break;
    }
  } catch (error) {
    if (error instanceof ExportFileError) throw error;
    throw new ExportFileError(`cannot read: ${(error as Error).message}`, { cause: error });
  }
  const firstRejection = heldBack?.[0];
  if (firstRejection !== undefined) {
    throw new ExportFileError(
      `not a JSON or NDJSON export: no line holds JSON (line ${firstRejection.position}: ${firstRejection.reason})`,
    );
  }
  return summary;
}
