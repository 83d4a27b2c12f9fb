import { createHash } from 'node:crypto';
import { writeJson } from './json-text.js';

/**
 * Canonical JSON (rule 3): object keys sorted by UTF-16 code units at every level, no whitespace, strings
 * and numbers as `JSON.stringify` writes them, at any depth. Built from own keys directly, never through an
 * intermediate object, so a `__proto__` key counts like any other.
 */
export function canonicalJson(value: unknown): string {
  return writeJson(value, true);
}

/** Member paths to leave out of an object, e.g. `[['userId'], ['properties', 'time']]`. */
export type OmittedPaths = readonly (readonly string[])[];

/** Canonical JSON of an object without the members at `omit` (nested ones removed from their object). */
export function canonicalJsonWithout(value: Record<string, unknown>, omit: OmittedPaths): string {
  const here = new Set<string>();
  const nested = new Map<string, string[][]>();
  for (const path of omit) {
    const [head, ...rest] = path;
    if (head === undefined) continue;
    if (rest.length === 0) here.add(head);
    else nested.set(head, [...(nested.get(head) ?? []), rest]);
  }
  const keys = Object.keys(value).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    if (here.has(key)) continue;
    const member = value[key];
    const inner = nested.get(key);
    const text =
      inner !== undefined && member !== null && typeof member === 'object' && !Array.isArray(member)
        ? canonicalJsonWithout(member as Record<string, unknown>, inner)
        : canonicalJson(member);
    out += `${first ? '' : ','}${JSON.stringify(key)}:${text}`;
    first = false;
  }
  return `${out}}`;
}

export interface ContentIdFields {
  /** The mapped type. */
  readonly type: string;
  /** The event's own rule-2 user (before stitching). */
  readonly user: string;
  readonly epochMs: number;
  /** After rule 1; null when absent. */
  readonly anonymousId: string | null;
}

/**
 * The id of an event without a messageId (rule 3): `h:` + lowercase hex SHA-256 of the canonical JSON of
 * `[type, user, ms, anonymousId, rest]`, where rest is the object as sent minus the members the format maps
 * to userId, anonymousId, timestamp and messageId. Equivalent spellings (`42`/`" 42 "`, `09:00Z`/`10:00+01:00`)
 * give one id.
 */
export function contentId(
  raw: Record<string, unknown>,
  fields: ContentIdFields,
  mapped: OmittedPaths,
): string {
  const text = `[${JSON.stringify(fields.type)},${JSON.stringify(fields.user)},${fields.epochMs},${JSON.stringify(fields.anonymousId)},${canonicalJsonWithout(raw, mapped)}]`;
  return `h:${createHash('sha256').update(text, 'utf8').digest('hex')}`;
}
