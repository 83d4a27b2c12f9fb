/**
 * JSON text of parsed values at any nesting depth. `JSON.stringify` recurses and overflows the stack a few
 * thousand levels down, while `JSON.parse` reads any depth; rule 4 rejects no event for its depth, so the
 * values an event carries are written here with a stack of frames instead.
 */

interface Frame {
  readonly array: readonly unknown[] | undefined;
  readonly object: Readonly<Record<string, unknown>> | undefined;
  readonly keys: readonly string[];
  next: number;
}

/** Containers below this depth are written with a stack of frames; above it, by plain recursion (faster). */
const RECURSION_DEPTH = 256;

/**
 * The text `JSON.stringify` writes for a value parsed from JSON (no `toJSON`, functions or `undefined`
 * members), with object keys sorted by UTF-16 code units when `sortKeys` is set. A value `JSON.stringify`
 * would skip (`undefined`) is written as `null`.
 */
export function writeJson(value: unknown, sortKeys: boolean): string {
  return writeNear(value, sortKeys, 0);
}

function writeNear(value: unknown, sortKeys: boolean, depth: number): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (depth === RECURSION_DEPTH) return writeDeep(value, sortKeys);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      out += writeNear(value[i], sortKeys, depth + 1);
    }
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (sortKeys) keys.sort();
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    if (i > 0) out += ',';
    out += `${JSON.stringify(key)}:${writeNear(record[key], sortKeys, depth + 1)}`;
  }
  return `${out}}`;
}

function writeDeep(value: object, sortKeys: boolean): string {
  let out = '';
  const frames: Frame[] = [];
  let pending: unknown = value;
  let hasPending = true;
  for (;;) {
    if (hasPending) {
      hasPending = false;
      if (pending === null || typeof pending !== 'object') {
        out += JSON.stringify(pending) ?? 'null';
      } else if (Array.isArray(pending)) {
        out += '[';
        frames.push({ array: pending, object: undefined, keys: [], next: 0 });
      } else {
        const object = pending as Record<string, unknown>;
        const keys = Object.keys(object);
        if (sortKeys) keys.sort();
        out += '{';
        frames.push({ array: undefined, object, keys, next: 0 });
      }
    }
    const frame = frames[frames.length - 1];
    if (frame === undefined) return out;
    const { array, object, keys } = frame;
    const length = array === undefined ? keys.length : array.length;
    if (frame.next === length) {
      out += array === undefined ? '}' : ']';
      frames.pop();
      continue;
    }
    const at = frame.next++;
    if (at > 0) out += ',';
    if (array !== undefined) {
      pending = array[at];
    } else {
      const key = keys[at] as string;
      out += `${JSON.stringify(key)}:`;
      pending = (object as Record<string, unknown>)[key];
    }
    hasPending = true;
  }
}

/** `JSON.stringify(value)` for a value parsed from JSON, at any depth (`undefined` stays undefined). */
export function jsonText(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  try {
    return JSON.stringify(value);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return writeJson(value, false);
  }
}
