import type { ByteRecord } from './byte-record.js';
import { ContainerError } from './container-error.js';
import { type OpenExportOptions, openExport } from './containers.js';
import { type DroppedRejections, recordKey } from './held-rejections.js';
import { readRecords } from './records.js';
import type { Rejection } from './rejection.js';

/** A record's rejection: why, and its text. */
export interface RecordRejection {
  readonly reason: string;
  readonly raw: string;
}

/** Why a record is rejected, and its text, as the first reading found; undefined for one that is not. */
export type RejectionOf = (record: ByteRecord) => RecordRejection | undefined;

/**
 * Reads again the rejections a holder dropped (held-rejections.ts) from the member `file` of an export,
 * each rejected for the reason the first reading gave (`rejectionOf` reads it with the same scanner), and
 * hands them to `restore` in file order, awaiting `pause` between batches as the first reading did. Records
 * the file no longer holds (it changed in between) are said so in one rejection, never left out silently.
 * `limits` are the first reading's (its member limit, its means to read the export again), so the export
 * opens the same way again.
 */
export async function rereadRejections(
  exportName: string,
  bytes: AsyncIterable<Uint8Array>,
  file: string,
  dropped: DroppedRejections,
  rejectionOf: RejectionOf,
  restore: (rejection: Rejection) => void,
  pause: () => Promise<void> | undefined,
  limits: Pick<OpenExportOptions, 'maxMemberBytes' | 'reopen'> = {},
): Promise<void> {
  let found = 0;
  try {
    members: for await (const member of openExport(exportName, bytes, limits)) {
      if (member.name !== file) continue;
      for await (const batch of readRecords(member.bytes)) {
        for (const record of batch.records) {
          const key = recordKey(record.line, record.index);
          if (key < dropped.first || record.cut !== undefined) continue;
          if (key > dropped.last || found === dropped.count) break members;
          const rejection = rejectionOf(record);
          if (rejection === undefined) continue;
          found++;
          restore({
            file,
            position: record.line,
            ...(record.index !== undefined && { index: record.index }),
            ...rejection,
          });
        }
        await pause();
      }
      break;
    }
  } catch (error) {
    // A file that breaks partway was read this far the first time too; a failing source is not the file's.
    if (!(error instanceof ContainerError)) throw error;
  }
  if (found < dropped.count) {
    restore({
      file,
      position: dropped.line,
      reason: `${dropped.count - found} of the ${dropped.count} rejected records from here on could not be read again (the file changed while it was read); read it again once it stays put`,
      raw: '',
    });
  }
}
