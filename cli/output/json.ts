import type { SessionView } from '../../functions/domain/views/session-view.js';
import type { BatchResult } from '../batch.js';
import { type Pause, paced } from './pause.js';
import { summarizeRun } from './summary.js';

type Write = (text: string) => void;

/**
 * One value as JSON. JSON.stringify escapes the C0 control characters; DEL and the C1 range (U+0080-U+009F,
 * which some terminals obey) get `\u` escapes too, so no control character reaches a terminal raw.
 */
function jsonText(value: unknown): string {
  return escapeC1(JSON.stringify(value));
}

const C1_CHAR = /[\u007f-\u009f]/;
const C1_CHARS = /[\u007f-\u009f]/g;

/** Nearly every text has none: testing first spares the replace's callback machinery on the whole output. */
function escapeC1(json: string): string {
  if (!C1_CHAR.test(json)) return json;
  return json.replace(C1_CHARS, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
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
    for (const item of items) this.entry(jsonText(item));
  }

  private entry(json: string): void {
    this.write(`${this.first ? '\n' : ',\n'}    ${json}`);
    this.first = false;
  }

  sessions(views: Iterable<SessionView>): void {
    this.entries('sessions', views);
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
