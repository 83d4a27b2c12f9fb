import type { SessionView } from '../../functions/domain/views/session-view.js';
import type { BatchResult } from '../batch.js';
import type { OutputFormat } from '../options.js';
import { csvHeader, csvRow } from './csv.js';
import { renderHtml, startHtml } from './html.js';
import { JsonOutput } from './json.js';
import { writeTable } from './table.js';

type Write = (text: string) => void;

/** An output that takes sessions as they are cut and the rest of the result at the end. */
export interface OutputWriter {
  sessions(views: readonly SessionView[]): void;
  end(result: BatchResult): void;
}

const FLUSH_AT = 64 * 1024;

/** Writes in chunks of about 64 KB: one small write a session would cost more than the sessions. */
function buffered(writeOut: Write): { write: Write; flush(): void } {
  let pending = '';
  return {
    write(text) {
      pending += text;
      if (pending.length >= FLUSH_AT) {
        writeOut(pending);
        pending = '';
      }
    },
    flush() {
      if (pending !== '') writeOut(pending);
      pending = '';
    },
  };
}

export function createOutput(
  format: OutputFormat,
  writeOut: Write,
  sampleUsers?: readonly string[],
): OutputWriter {
  const out = buffered(writeOut);
  switch (format) {
    case 'json': {
      const json = new JsonOutput(out.write);
      return {
        sessions: (views) => json.sessions(views),
        end: (result) => {
          json.end(result);
          out.flush();
        },
      };
    }
    case 'csv':
      out.write(csvHeader());
      return {
        sessions: (views) => {
          for (const view of views) out.write(csvRow(view));
        },
        end: () => out.flush(),
      };
    case 'html': {
      const report = startHtml(sampleUsers);
      return {
        sessions: (views) => {
          for (const view of views) report.add(view);
        },
        end: () => {
          out.write(renderHtml(report));
          out.flush();
        },
      };
    }
    case 'table': {
      // Column widths need every row first: a table is for what fits on a screen anyway.
      const all: SessionView[] = [];
      return {
        sessions: (views) => {
          all.push(...views);
        },
        end: (result) => {
          writeTable(result, all, out.write);
          out.flush();
        },
      };
    }
  }
}
