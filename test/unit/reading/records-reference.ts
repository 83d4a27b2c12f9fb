import { decode } from './byte-arbitraries.js';

export interface ReferenceRecord {
  line: number;
  index: number | undefined;
  text: string;
}

export interface ReferenceResult {
  container: 'ndjson' | 'json-array' | undefined;
  records: ReferenceRecord[];
  failure: { line: number; index: number | undefined } | undefined;
}

/**
 * The record rules written the plain way, on the decoded text: what the byte-level reader must agree with.
 * Decoding keeps a BOM as a character, which trim then removes like any whitespace.
 */
export function referenceRecords(bytes: Uint8Array): ReferenceResult {
  const text = decode(bytes);
  const lineAt = (position: number) => text.slice(0, position).split('\n').length;
  const leading = text.length - text.trimStart().length;
  if (leading === text.length) return { container: undefined, records: [], failure: undefined };
  if (text[leading] !== '[') return { container: 'ndjson', records: ndjson(text, 0, 1), failure: undefined };

  const records: ReferenceRecord[] = [];
  let index = 0;
  /** Pushes the element text[start, end); false when it is blank. */
  const element = (start: number, end: number) => {
    const segment = text.slice(start, end);
    const trimmed = segment.trim();
    if (trimmed === '') return false;
    const first = start + segment.length - segment.trimStart().length;
    records.push({ line: lineAt(first), index: ++index, text: trimmed });
    return true;
  };
  let depth = 1;
  let inString = false;
  let afterComma = false;
  let segmentStart = leading + 1;
  for (let i = leading + 1; i < text.length; i++) {
    const character = text[i];
    if (inString) {
      if (character === '\\') i++;
      else if (character === '"') inString = false;
      continue;
    }
    if (character === '"') inString = true;
    else if (character === '{' || character === '[') depth++;
    else if (character === ',' && depth === 1) {
      // An empty element breaks the array.
      if (!element(segmentStart, i)) return broken(records, { line: lineAt(i), index: index + 1 });
      afterComma = true;
      segmentStart = i + 1;
    } else if (character === '}' || character === ']') {
      if (depth > 1) depth--;
      else if (character === ']') {
        if (!element(segmentStart, i) && afterComma)
          return broken(records, { line: lineAt(i), index: index + 1 });
        // The text, trimmed, is the array: anything but whitespace after it breaks the file.
        const rest = text.slice(i + 1);
        if (rest.trim() === '') return { container: 'json-array', records, failure: undefined };
        const first = i + 1 + rest.length - rest.trimStart().length;
        return broken(records, { line: lineAt(first), index: undefined });
      }
    }
  }
  const rest = text.slice(segmentStart);
  const end = { line: lineAt(text.length), index: undefined };
  if (rest.trim() === '') return broken(records, end);
  // The file ends after an element: complete when its value closed, else cut short.
  if (depth === 1 && !inString && /[}\]"]$/.test(rest.trim())) {
    element(segmentStart, text.length);
    return broken(records, end);
  }
  return broken(records, {
    line: lineAt(segmentStart + rest.length - rest.trimStart().length),
    index: index + 1,
  });
}

function broken(
  records: ReferenceRecord[],
  failure: { line: number; index: number | undefined },
): ReferenceResult {
  return { container: 'json-array', records, failure };
}

function ndjson(text: string, from: number, firstLine: number): ReferenceRecord[] {
  const records: ReferenceRecord[] = [];
  text
    .slice(from)
    .split('\n')
    .forEach((line, offset) => {
      const trimmed = line.trim();
      if (trimmed !== '') records.push({ line: firstLine + offset, index: undefined, text: trimmed });
    });
  return records;
}
