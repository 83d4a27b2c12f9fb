import type { SessionSummary } from '../../functions/domain/sessions/summary.js';
import type { BatchResult } from '../batch.js';
import { escapeC1, jsonText } from './json-text.js';
import { type Pause, paced } from './pause.js';
import { SessionJsonWriter } from './session-json.js';
import { summarizeRun } from './summary.js';

type Write = (text: string) => void;

/**
 * `{"sessions":[...],"rejected":[...],"fileErrors":[...],"files":[...],"summary":{...}}`, one entry per line,
 * sessions written as they come.
 */
export class JsonOutput {
  private openArray: string | undefined;
  private first = true;
  private readonly sessionJson = new SessionJsonWriter();

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
    for (const item of items) this.entry(jsonText(item));
  }

  private entry(json: string): void {
    this.write(`${this.first ? '\n' : ',\n'}    ${json}`);
    this.first = false;
  }

  sessions(sessions: Iterable<SessionSummary>): void {
    this.startArray('sessions');
    for (const session of sessions) this.entry(this.sessionJson.text(session));
  }

  /** The rest of the result; the rejections, which may be millions, wait whenever the output is full. */
  async end(result: BatchResult, pause: Pause = () => undefined): Promise<void> {
    this.entries('sessions', []);
    this.startArray('rejected');
    const { rejected } = result;
    if (rejected.jsonTexts === undefined) {
      await paced(rejected, pause, (rejection) => this.entry(jsonText(rejection)));
    } else {
      await paced(rejected.jsonTexts(), pause, (json) => this.entry(escapeC1(json)));
    }
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
