import type { SessionView } from '../../functions/domain/views/session-view.js';
import type { BatchResult } from '../batch.js';
import { summarizeRun } from './summary.js';

type Write = (text: string) => void;

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
      this.write(`${this.first ? '\n' : ',\n'}    ${JSON.stringify(item)}`);
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
    this.write(`  "summary": ${JSON.stringify(summarizeRun(result))}\n}\n`);
  }
}
