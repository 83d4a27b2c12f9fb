import type { OmittedPaths } from '../../rules/canonical-json.js';
import type { EventType } from '../event.js';

/** A member path inside an event object, e.g. `['context', 'page', 'url']`. */
export type FieldPath = readonly string[];

/** One record's members, by index into its format's {@link ExportFormat.paths}. */
export interface RecordFields {
  /** True when the member exists, whatever its value. */
  has(path: number): boolean;
  /** True when the member is a JSON object (read without decoding it). */
  isObject(path: number): boolean;
  /** The member's value as `JSON.parse` gives it; undefined when absent. */
  value(path: number): unknown;
  /**
   * The member's instant when it is a string in a form nearly every export writes (`isoInstantAt`), read
   * without making a string of it; undefined otherwise, and then read with {@link value}. Optional: a
   * speed-up, never another result.
   */
  isoInstant?(path: number): number | undefined;
  /** The whole record parsed: only for content ids and tie-breaks, which are rare. */
  parsed(): Record<string, unknown>;
}

/** A value and the member it came from, so a rejection can name the format's own field. */
export interface Sourced {
  readonly value: unknown;
  readonly field: string;
}

/** The member a timestamp is read from: read by the rules, not the format, so that it may stay undecoded. */
export interface TimestampSource {
  readonly path: number;
  readonly field: string;
  /** `text`: a string in the rules' grammar; `epoch`: Mixpanel's seconds (below 10^11) or milliseconds. */
  readonly form: 'text' | 'epoch';
}

/** What a format says about one event before rule 1 normalizes it. */
export interface MappedEvent {
  /** The mapped type, or why the event has none (only Segment can reject on type). */
  readonly type: EventType | { readonly rejected: string };
  readonly name: unknown;
  readonly userId: Sourced;
  readonly anonymousId: Sourced;
  readonly messageId: unknown;
  readonly timestamp: TimestampSource;
  readonly platform: unknown;
  /** Page fields of a page event, already with the format's fallbacks applied. */
  readonly page: {
    readonly url: unknown;
    readonly path: unknown;
    readonly title: unknown;
    readonly referrer: unknown;
  } | null;
  /** Campaign members as sent, or undefined when the format has no campaign container here. */
  readonly campaign:
    | {
        readonly source: unknown;
        readonly medium: unknown;
        readonly name: unknown;
        readonly term: unknown;
        readonly content: unknown;
      }
    | undefined;
  readonly device: {
    readonly type: unknown;
    readonly os: unknown;
    readonly browser: unknown;
    readonly userAgent: unknown;
  };
}

export type ConcreteFormat = 'segment' | 'amplitude' | 'mixpanel' | 'posthog';

export interface ExportFormat {
  readonly name: ConcreteFormat;
  /** Every member the mapping reads. */
  readonly paths: readonly FieldPath[];
  /** Members mapped to userId, anonymousId, timestamp and messageId: left out of content ids (rule 3). */
  readonly identityMembers: OmittedPaths;
  /** Every field an identity is read from, for "no identity" reasons, e.g. `['userId', 'anonymousId']`. */
  readonly identityFields: readonly [string, string, ...string[]];
  map(fields: RecordFields): MappedEvent;
  /**
   * Every member an identity is read from, in {@link identityFields} order, with the value the rules read
   * there: for the reason of an event with no identity, which names each member of the wrong type. Read only
   * then. Without it, the mapped userId and anonymousId.
   */
  identitySources?(fields: RecordFields): readonly Sourced[];
}

/** Builds a format's path table and a lookup from a path to its index. */
export function pathTable<const Names extends string>(
  paths: Record<Names, FieldPath>,
): { paths: FieldPath[]; at: Record<Names, number> } {
  const list: FieldPath[] = [];
  const at = {} as Record<Names, number>;
  for (const name of Object.keys(paths) as Names[]) {
    at[name] = list.length;
    list.push(paths[name]);
  }
  // A copy: V8 keeps an object given this many members one by one as a dictionary, whose every read (a
  // dozen a record on the reading path) is a call out of optimized code; a spread object has fixed slots.
  return { paths: list, at: { ...at } };
}

/**
 * A missing or null member falls back to the next candidate (rule 9's page fields), as does a non-finite
 * number: JSON such as `1e400` parses to Infinity, which no output can show, so it is absent as an id is.
 */
export function firstPresent(fields: RecordFields, ...candidates: number[]): unknown {
  for (const path of candidates) {
    const value = fields.value(path);
    if (value !== undefined && value !== null && !isNonFinite(value)) return value;
  }
  return null;
}

/** A number JSON gave that is not finite (`1e400`): an absent page field or campaign member (rule 9). */
export function isNonFinite(value: unknown): boolean {
  return typeof value === 'number' && !Number.isFinite(value);
}

/** Built once per format: the member and its form are the same for every event. */
export function timestampAt(path: number, field: string, form: TimestampSource['form']): TimestampSource {
  return { path, field, form };
}

export function sourced(fields: RecordFields, path: number, field: string): Sourced {
  return { value: fields.value(path), field };
}
