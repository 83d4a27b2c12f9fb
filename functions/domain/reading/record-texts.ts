import { arrayBreak } from './array-break.js';
import type { ByteRecord } from './byte-record.js';
import { ContainerError } from './container-error.js';
import { type OpenExportOptions, openExport } from './containers.js';
import { readRecords } from './records.js';
import { ScannedFields } from './scanned-fields.js';

/**
 * The text a record was read as: an array element that is not JSON but starts with a complete value (two
 * elements without a comma between, `{…}x`) was read as that value (read-member.ts), so its text is that
 * value's, not the element's, which no parser takes.
 */
function acceptedText(item: ByteRecord, fields: ScannedFields): string {
  let end = item.end;
  if (item.index !== undefined && !fields.scan(item.bytes, item.start, item.end)) {
    end = arrayBreak(item, fields).complete?.end ?? end;
  }
  return item.bytes.toString('utf8', item.start, end);
}

/**
 * The texts of the records at the given 1-based positions of one file of an export (the export itself, or
 * the ZIP member `file` names): for the rare canonical-JSON tie-breaks, which need the objects as sent.
 * `limits` are the first reading's (its member limit): a member refused then, read whole, would take names;
 * and a ZIP member read again from its local header then (zip-lost-members.ts) is only found with `reopen`.
 */
export async function readRecordTexts(
  exportName: string,
  bytes: AsyncIterable<Uint8Array>,
  file: string,
  positions: ReadonlySet<number>,
  limits: Pick<OpenExportOptions, 'maxMemberBytes' | 'reopen'> = {},
): Promise<Map<number, string>> {
  const texts = new Map<number, string>();
  // Its own: a tie-break can run while a file is being read (an ingest merging between batches).
  const fields = ScannedFields.forPaths([]);
  try {
    for await (const member of openExport(exportName, bytes, limits)) {
      if (member.name !== file) continue;
      let record = 0;
      for await (const batch of readRecords(member.bytes)) {
        for (const item of batch.records) {
          record++;
          // A record too long to read was never accepted: its first bytes are not its text.
          if (positions.has(record) && item.tooLong === undefined) {
            texts.set(record, acceptedText(item, fields));
          }
        }
        if (texts.size === positions.size) break;
      }
      break;
    }
  } catch (error) {
    // A file that breaks partway was read this far the first time too; a failing source is not the file's.
    if (!(error instanceof ContainerError)) throw error;
  }
  return texts;
}
