/**
 * Rule 1 for identities and message ids: a string is trimmed (as `String.prototype.trim`), a finite number
 * becomes JavaScript's `String(n)` (`1e21` → `"1e+21"`), and anything else, or an empty result, is absent.
 */

/** userId and anonymousId longer than this many UTF-8 bytes reject the event. */
export const MAX_ID_BYTES = 512;

export type NormalizedId =
  | { readonly kind: 'present'; readonly value: string }
  | { readonly kind: 'absent' }
  /** Present but neither string nor number: absent for the rules, named in a rejection reason. */
  | { readonly kind: 'wrong type'; readonly type: string };

const ABSENT: NormalizedId = { kind: 'absent' };

/** The JSON type of a value, for messages: `an object`, `an array`, `a boolean`. */
export function describeJsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'boolean') return 'a boolean';
  if (typeof value === 'number') return 'a number';
  return `a ${typeof value}`;
}

export function normalizeId(value: unknown): NormalizedId {
  if (typeof value === 'string') {
    const trimmed = value.trim();
    return trimmed === '' ? ABSENT : { kind: 'present', value: trimmed };
  }
  if (typeof value === 'number')
    return Number.isFinite(value) ? { kind: 'present', value: String(value) } : ABSENT;
  if (value === undefined || value === null) return ABSENT;
  return { kind: 'wrong type', type: describeJsonType(value) };
}

/** The id itself when present, else undefined. */
export function presentId(id: NormalizedId): string | undefined {
  return id.kind === 'present' ? id.value : undefined;
}

/** Fast check before the exact one: a string of at most 128 code units is at most 384 UTF-8 bytes. */
export function isIdTooLong(id: string): boolean {
  return id.length > MAX_ID_BYTES / 4 && Buffer.byteLength(id, 'utf8') > MAX_ID_BYTES;
}

const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** The id an id that reads as a JSON number is stored as, when that is another id. */
export function storedNumberId(userId: string): string | undefined {
  if (!JSON_NUMBER.test(userId)) return undefined;
  const number = Number(userId);
  // A number past a double's range is no id at all (rule 1).
  if (!Number.isFinite(number)) return undefined;
  const stored = String(number);
  return stored === userId ? undefined : stored;
}
