/**
 * One file of an export (the file itself, or a ZIP member) read record by record: each record scanned,
 * validated and normalized in the file's format, events and rejections handed to the sink in file order.
 */
import { detectFormat, FORMATS, recognisedFormats } from '../events/formats/detect.js';
import type { ConcreteFormat, RecordFields } from '../events/formats/format.js';
import { normalizeEvent } from '../events/normalize.js';
import { arrayBreak } from './array-break.js';
import type { ByteRecord } from './byte-record.js';
import { ContainerError } from './container-error.js';
import type { ExportMember } from './containers.js';
import { detectionFields, type FormatScanner, scannerFor } from './format-scanners.js';
import { HeldRejections } from './held-rejections.js';
import { memberLimit } from './member-limit.js';
import { concludeSummary, emptySummary } from './member-summary.js';
import { PlainEvent } from './plain-event.js';
import type { ExportReadSink, FileSummary, ReadExportOptions } from './read-contract.js';
import { notAnObject, notJson, partedByCr, tooLong } from './record-rejections.js';
import { readRecords } from './records.js';
import type { Rejection } from './rejection.js';
import { type RecordRejection, type RejectionOf, rereadRejections } from './reread-rejections.js';
import type { ScannedFields } from './scanned-fields.js';

const OPEN_BRACE = 0x7b;

/**
 * A member's summary, and where its reading stopped (`after line 3`): a ZIP member's CRC-32 is checked only
 * once the archive's directory is read, past the member's end, and its file error then says where.
 */
export interface MemberRead {
  readonly summary: FileSummary;
  readonly stopped: string;
}

/** A record spans lines in a pretty-printed array: its element, and the line it starts on, say where. */
function afterRecord(line: number, index: number | undefined): string {
  if (line === 0) return 'before the first complete record';
  if (index === undefined) return `after line ${line}`;
  return `after element ${index} (which starts on line ${line})`;
}

export async function readMember(
  exportName: string,
  member: ExportMember,
  options: ReadExportOptions,
  sink: ExportReadSink,
): Promise<MemberRead> {
  const file = member.name;
  const summary = emptySummary(file, options);
  let scanner: FormatScanner | undefined =
    options.format === 'auto' ? undefined : scannerFor(FORMATS[options.format]);
  const { reopen } = options;
  // Rejections wait until the file shows it is an export (JSON at all; in a ZIP, an object of a format), so a
  // text file gives one clear error, and a manifest inside an archive nothing, instead of a rejection a line.
  const held = new HeldRejections(sink, reopen !== undefined);
  // The last record read whole: where a break in the bytes is said to be.
  let lastLine = 0;
  let lastIndex: number | undefined;
  /** With a named format, the format the first object rejected in it shows instead, if another. */
  let rejectedObjectShows: ConcreteFormat | undefined;
  let rejectedObjectSeen = false;
  // The first object chooses the format and names the one a named format's first rejected object shows, and a
  // ZIP member is read only once an object of a format shows: of one too long to hold, its members are found
  // as its bytes pass, so that its keys, not the next object's, do.
  const membersWanted = () => {
    const wanted = options.format === 'auto' ? scanner === undefined : !rejectedObjectSeen;
    return wanted || (member.inZip && held.holding) ? detectionFields().compiled : undefined;
  };
  /** `auto`: the first object's members choose the scanner of every record of the member. */
  const chooseFormat = (detection: Pick<RecordFields, 'has'>): FormatScanner => {
    const detected = detectFormat(detection);
    summary.format = detected;
    return scannerFor(FORMATS[detected]);
  };
  /** A named format's first rejected object: the format it shows instead, if another. */
  const noteRejectedObject = (detection: Pick<RecordFields, 'has'>) => {
    if (options.format === 'auto' || rejectedObjectSeen) return;
    rejectedObjectSeen = true;
    const shown = recognisedFormats(detection);
    if (!shown.includes(options.format)) rejectedObjectShows = shown[0];
  };
  /** Where the member's JSON structure broke: no error of a ZIP member skipped as holding no events. */
  let structureError: string | undefined;
  /** Where the member's bytes broke (a truncated or corrupt archive or gzip): a file error even in a ZIP. */
  let bytesBroke = false;
  /** The first line holding objects parted by carriage returns alone: events in a form not read. */
  let crLine: number | undefined;
  // Only a sink that takes plain events is given them; one event serves every record of the member.
  const plainEvents =
    sink.plainEvent === undefined ? undefined : { event: new PlainEvent(), take: sink.plainEvent.bind(sink) };
  const reject = (line: number, index: number | undefined, { reason, raw }: RecordRejection) => {
    summary.rejected++;
    held.add({ file, position: line, ...(index !== undefined && { index }), reason, raw });
  };
  /** One record whose scan succeeded: a rejection or an event of the member's format. */
  const readScanned = (record: ByteRecord, fields: ScannedFields) => {
    const index = record.index;
    summary.records++;
    if (!member.inZip) held.release();
    if (!fields.rootIsObject) {
      reject(record.line, index, notAnObject(fields));
      return;
    }
    const detection = scanner?.detection ?? fields;
    // A member holding an object of any format is read, in the named format when one is named.
    if (member.inZip && held.holding && recognisedFormats(detection).length > 0) held.release();
    if (scanner === undefined) {
      scanner = chooseFormat(detection);
      scanner.fields.scan(record.bytes, record.start, record.end);
    }
    // An event accepted in the named format is an object of that format, whatever keys `auto` looks for.
    const plain = plainEvents?.event;
    if (plain !== undefined && scanner.plain?.(scanner.fields.result, plain) === true) {
      if (member.inZip) held.release();
      summary.accepted++;
      plain.file = file;
      plain.record = summary.records;
      plain.line = record.line;
      plain.index = index;
      plainEvents?.take(plain);
      return;
    }
    const outcome = normalizeEvent(scanner.format, scanner.fields, options.browserOf);
    if (outcome.ok) {
      if (member.inZip) held.release();
      summary.accepted++;
      sink.event(outcome.event, {
        file,
        record: summary.records,
        line: record.line,
        ...(index !== undefined && { index }),
      });
    } else {
      noteRejectedObject(detection);
      reject(record.line, index, { reason: outcome.reason, raw: scanner.fields.text() });
    }
  };
  /** A record's rejection as {@link readScanned} and the loop below give it, to read dropped ones again. */
  const rejectionOf: RejectionOf = (record) => {
    if (record.tooLong !== undefined) return tooLong(record, record.tooLong);
    const fields = scanner?.fields ?? detectionFields();
    if (!fields.scan(record.bytes, record.start, record.end)) {
      return record.index === undefined ? notJson(record, fields) : undefined;
    }
    if (!fields.rootIsObject) return notAnObject(fields);
    // Held rejections of objects all come after the first object, which chose the scanner.
    if (scanner === undefined) return undefined;
    const outcome = normalizeEvent(scanner.format, scanner.fields, options.browserOf);
    return outcome.ok ? undefined : { reason: outcome.reason, raw: scanner.fields.text() };
  };
  const restoreDropped = async () => {
    const dropped = held.toReadAgain;
    if (dropped === undefined || reopen === undefined) return;
    const restore = (rejection: Rejection) => held.restore(rejection);
    await rereadRejections(
      exportName,
      await reopen(),
      file,
      dropped,
      rejectionOf,
      restore,
      () => sink.pause?.(),
      { ...memberLimit(options), reopen },
    );
    held.restored();
  };
  try {
    reading: for await (const batch of readRecords(member.bytes, membersWanted)) {
      summary.container = batch.container;
      for (const record of batch.records) {
        if (record.tooLong !== undefined) {
          // Where a break is said to be, too: its end was read, as far as the splitter tells.
          lastLine = record.line;
          lastIndex = record.index;
          summary.records++;
          // Its bytes were not kept, so it is no event: one that starts as an object shows an export (in a ZIP,
          // only when its members show a format, as for an object held whole), and the members found as its
          // bytes passed are its own (they may choose the format).
          if (record.bytes[record.start] === OPEN_BRACE) {
            const { members } = record;
            if (!member.inZip || (members !== undefined && recognisedFormats(members).length > 0))
              held.release();
            if (members !== undefined) {
              scanner ??= chooseFormat(members);
              noteRejectedObject(members);
            }
          }
          const rejection = tooLong(record, record.tooLong);
          if (partedByCr(rejection)) crLine ??= record.line;
          reject(record.line, record.index, rejection);
          continue;
        }
        const fields = scanner?.fields ?? detectionFields();
        const scanned = fields.scan(record.bytes, record.start, record.end);
        // A last line the break may have cut short, or an array element whose value may have gone on: neither
        // an event nor a rejection.
        if (record.cut !== undefined && (record.index === undefined ? !scanned : scanned)) continue;
        if (record.index === undefined || record.cut === undefined) {
          lastLine = record.line;
          lastIndex = record.index;
        }
        if (scanned) {
          readScanned(record, fields);
          continue;
        }
        if (record.index === undefined) {
          summary.records++;
          const rejection = notJson(record, fields);
          if (partedByCr(rejection)) crLine ??= record.line;
          reject(record.line, undefined, rejection);
          continue;
        }
        // An array element that is not JSON breaks the array: past it there is no telling elements apart. One
        // the file ends inside counts only as a complete value that text after it breaks.
        const broken = arrayBreak(record, fields);
        if (broken.complete === undefined && record.cut !== undefined) continue;
        if (broken.complete !== undefined) readScanned(broken.complete, fields);
        structureError = broken.error;
        break reading;
      }
      if (batch.failure !== undefined) {
        structureError = `${batch.failure.reason}; reading stopped at line ${batch.failure.line}`;
      }
      await restoreDropped();
      await sink.pause?.();
    }
  } catch (error) {
    // A failing byte source (a dropped download) is not the file's fault: the caller retries.
    if (!(error instanceof ContainerError)) throw error;
    summary.error = `${error.reason}; reading stopped ${afterRecord(lastLine, lastIndex)}`;
    bytesBroke = true;
  }
  // A release by the last batch, or by the record a break ended reading after.
  await restoreDropped();
  concludeSummary(summary, member, {
    holding: held.holding,
    rejectedObjectShows,
    structureError,
    bytesBroke,
    crLine,
  });
  // Nothing of it showed it is an export: its lines are not rejected events.
  if (held.holding) held.discard();
  return { summary, stopped: afterRecord(lastLine, lastIndex) };
}
