/**
 * JSON text of parsed values at any nesting depth. `JSON.stringify` recurses and overflows the stack a few
 * thousand levels down, while `JSON.parse` reads any depth; rule 4 rejects no event for its depth, so the
 * values an event carries are written here with a stack of frames instead.
 */

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

/**
 * The text below {@link RECURSION_DEPTH}, where a record at the 4 MiB limit nests two million deep: the open
 * containers are kept in parallel stacks rather than an object each, and the text as an array of pieces
 * joined once rather than a string grown by `+=`, whose rope takes a node of its own per piece. A frame
 * object and a rope node per level took this past 330 MiB of heap for such a record, beside the 114 MiB
 * of its parsed value.
 */
function writeDeep(value: object, sortKeys: boolean): string {
  const parts: string[] = [];
  const containers: object[] = [];
  /** The sorted keys of each open object; undefined for an array. */
  const keyLists: (readonly string[] | undefined)[] = [];
  const nexts: number[] = [];
  let pending: unknown = value;
  let hasPending = true;
  for (;;) {
    if (hasPending) {
      hasPending = false;
      if (pending === null || typeof pending !== 'object') {
        parts.push(JSON.stringify(pending) ?? 'null');
      } else if (Array.isArray(pending)) {
        parts.push('[');
        containers.push(pending);
        keyLists.push(undefined);
        nexts.push(0);
      } else {
        const keys = Object.keys(pending);
        if (sortKeys) keys.sort();
        parts.push('{');
        containers.push(pending);
        keyLists.push(keys);
        nexts.push(0);
      }
    }
    const top = containers.length - 1;
    if (top < 0) return parts.join('');
    const container = containers[top] as object;
    const keys = keyLists[top];
    const at = nexts[top] as number;
    const length = keys === undefined ? (container as readonly unknown[]).length : keys.length;
    if (at === length) {
      parts.push(keys === undefined ? ']' : '}');
      containers.pop();
      keyLists.pop();
      nexts.pop();
      continue;
    }
    nexts[top] = at + 1;
    if (at > 0) parts.push(',');
    if (keys === undefined) {
      pending = (container as readonly unknown[])[at];
    } else {
      const key = keys[at] as string;
      parts.push(`${JSON.stringify(key)}:`);
      pending = (container as Readonly<Record<string, unknown>>)[key];
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

/**
 * A value's JSON text as a reason quotes it: past 60 code units cut to at most 57 and `...`, the cut falling
 * before an escape (`\t`, `\u001b`) or a surrogate pair it would split, never inside: a half escape or a lone
 * surrogate would show a character that was never sent.
 */
export function cutJsonText(text: string): string {
  if (text.length <= 60) return text;
  let end = 0;
  while (end < 57) {
    const unit = text.charCodeAt(end);
    const length = unit === 0x5c ? (text[end + 1] === 'u' ? 6 : 2) : unit >= 0xd800 && unit <= 0xdbff ? 2 : 1;
    if (end + length > 57) break;
    end += length;
  }
  return `${text.slice(0, end)}...`;
}

/**
 * A sent value as a reason quotes it: its JSON text, cut. A number past a double's range (JSON `1e400`, parsed
 * to Infinity) is written as `Infinity`, not as the `null` JSON.stringify writes, which was not sent.
 */
export function quoteSent(value: unknown): string {
  const text =
    typeof value === 'number' && !Number.isFinite(value) ? String(value) : (jsonText(value) ?? String(value));
  return cutJsonText(text);
}
