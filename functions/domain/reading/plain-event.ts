import type { EventType } from '../events/event.js';
import { latin1Text } from './buffer-text.js';

/**
 * The texts of a {@link PlainEvent}, each a span of the record's bytes. An enum, so that each use is bundled
 * as its number (reading/json-tokens.ts says why).
 */
export enum PlainText {
  UserId = 0,
  AnonymousId = 1,
  MessageId = 2,
  Name = 3,
  Url = 4,
  Path = 5,
  Title = 6,
  Referrer = 7,
}

const TEXTS = 8;
const EMPTY = Buffer.alloc(0);

/**
 * An accepted event of the common form, as the byte scan left it: every text it keeps is printable ASCII
 * (no escape, no byte past 0x7f, so its bytes are its characters), already as rule 1 and the display cut
 * would leave it, and read as a span of the record's bytes instead of a string. The columns intern such
 * texts by their bytes (sessions/span-interner.ts), so an event that repeats known values makes no string
 * and no object. Whatever is not of this form goes through `normalizeEvent` as before.
 *
 * One instance serves every record of a file, each read overwriting it: the columns read it before the
 * next record is scanned. Absent texts (null in the event) have a start of -1. It carries its position in
 * the file too (a RecordPosition's fields), so that taking it allocates nothing.
 */
export class PlainEvent {
  bytes: Buffer = EMPTY;
  type: EventType = 'track';
  /** UTC epoch milliseconds. */
  timestamp = 0;
  file = '';
  /** 1-based position among the file's records. */
  record = 0;
  line = 0;
  /** The element's index in a JSON array; undefined in NDJSON. */
  index: number | undefined = undefined;
  /** Whether the event has a page (a page event): its four texts are then read. */
  hasPage = false;
  // Doubles, as the scan's own spans: offsets past 2 GiB into a buffer stay exact.
  readonly starts = new Float64Array(TEXTS);
  readonly ends = new Float64Array(TEXTS);

  /** Where the text starts in {@link bytes}; -1 when absent. */
  start(text: PlainText): number {
    return this.starts[text] as number;
  }

  end(text: PlainText): number {
    return this.ends[text] as number;
  }

  /** Whether the text is present and holds `byte`. */
  holds(text: PlainText, byte: number): boolean {
    const end = this.ends[text] as number;
    for (let at = this.starts[text] as number; at !== -1 && at < end; at++)
      if (this.bytes[at] === byte) return true;
    return false;
  }

  /** The text as a string of its own (latin1 is exact for ASCII); null when absent. */
  text(text: PlainText): string | null {
    const start = this.starts[text] as number;
    return start === -1 ? null : latin1Text(this.bytes, start, this.ends[text] as number);
  }
}
