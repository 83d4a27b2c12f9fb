import type { SessionView } from '../../functions/domain/views/session-view.js';
import type { BatchResult } from '../batch.js';
import { summarizeRun } from './summary.js';

type Write = (text: string) => void;

/** Streams the result one entry per line, never as one giant string. */
export function writeJson(result: BatchResult, views: Iterable<SessionView>, write: Write): void {
  const writeArray = (name: string, items: Iterable<unknown>) => {
    write(`  ${JSON.stringify(name)}: [`);
    let first = true;
    for (const item of items) {
      write(`${first ? '\n' : ',\n'}    ${JSON.stringify(item)}`);
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
  write(`  "summary": ${JSON.stringify(summarizeRun(result))}\n}\n`);
}
