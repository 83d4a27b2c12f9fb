import type { SessionView } from '../../functions/domain/views/session-view.js';
import type { BatchResult } from '../batch.js';
import { summarizeRun } from './summary.js';

type Write = (text: string) => void;

/**
 * One value as JSON. JSON.stringify escapes the C0 control characters; DEL and the C1 range (U+0080-U+009F,
 * which some terminals obey) get `\u` escapes too, so no control character reaches a terminal raw.
 */
function jsonText(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\u009f]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Streams the result one entry per line, never as one giant string. */
export function writeJson(result: BatchResult, views: Iterable<SessionView>, write: Write): void {
  const writeArray = (name: string, items: Iterable<unknown>) => {
    write(`  ${JSON.stringify(name)}: [`);
    let first = true;
    for (const item of items) {
      write(`${first ? '\n' : ',\n'}    ${jsonText(item)}`);
      first = false;
    }
    write(`${first ? '' : '\n  '}],\n`);
  };
  write('{\n');
  writeArray('sessions', views);
  writeArray('rejected', result.rejected);
  writeArray(
    'fileErrors',
    result.files.flatMap((file) =>
      file.error === undefined ? [] : [{ file: file.file, reason: file.error }],
    ),
  );
  writeArray('files', result.files);
  write(`  "summary": ${jsonText(summarizeRun(result))}\n}\n`);
}
