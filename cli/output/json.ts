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

/**
 * `{"sessions":[...],"rejected":[...],"fileErrors":[...],"files":[...],"summary":{...}}`, one entry per line,
 * sessions written as they come.
 */
export class JsonOutput {
  private openArray: string | undefined;
  private first = true;

  constructor(private readonly write: Write) {
    write('{\n');
  }

  private startArray(name: string): void {
    if (this.openArray === name) return;
    this.closeArray();
    this.write(`  ${JSON.stringify(name)}: [`);
    this.openArray = name;
    this.first = true;
  }

  private closeArray(): void {
    if (this.openArray === undefined) return;
    this.write(`${this.first ? '' : '\n  '}],\n`);
    this.openArray = undefined;
  }

  private entries(name: string, items: Iterable<unknown>): void {
    this.startArray(name);
    for (const item of items) {
      this.write(`${this.first ? '\n' : ',\n'}    ${jsonText(item)}`);
      this.first = false;
    }
  }

  sessions(views: Iterable<SessionView>): void {
    this.entries('sessions', views);
  }

  end(result: BatchResult): void {
    this.entries('sessions', []);
    this.entries('rejected', result.rejected);
    this.entries(
      'fileErrors',
      result.files.flatMap((file) =>
        file.error === undefined ? [] : [{ file: file.file, reason: file.error }],
      ),
    );
    this.entries('files', result.files);
    this.closeArray();
    this.write(`  "summary": ${jsonText(summarizeRun(result))}\n}\n`);
  }
}
