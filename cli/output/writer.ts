import type { SessionSummary } from '../../functions/domain/sessions/summary.js';
import { toSessionView } from '../../functions/domain/views/session-view.js';
import type { BatchResult } from '../batch.js';
import type { OutputFormat } from '../options.js';
import { csvHeader, csvRow } from './csv.js';
import { type EmptyReportUser, renderHtml, startHtml } from './html.js';
import { JsonOutput } from './json.js';
import { TableOutput } from './table.js';

type Write = (text: string) => void;

/** Where the output goes: a writable stream such as process.stdout. */
export interface OutputSink {
  /** False when the sink's buffer is full: wait for 'drain' before writing more. */
  write(text: string): boolean;
  once(event: 'drain', listener: () => void): unknown;
}

/**
 * An output that takes sessions as they are cut and the rest of the result at the end. Each format makes the
 * views it needs: the JSON output writes its text straight from the summaries.
 */
export interface OutputWriter {
  sessions(sessions: readonly SessionSummary[]): void;
  /** Resolves once the sink takes more; undefined when it already does (no wait, no promise). */
  drained(): Promise<void> | undefined;
  /** Writes the rest; resolves once all of it went to the sink, having waited whenever the sink was full. */
  end(result: BatchResult): Promise<void>;
  /** Once ended, the users asked for on the html report that it shows empty (none for other formats). */
  emptyReportUsers(): readonly EmptyReportUser[];
}

const FLUSH_AT = 64 * 1024;

/**
 * Writes in chunks of about 64 KB (one small write a session would cost more than the sessions), and notes
 * when the sink is full, so the producer can wait instead of piling the output up in memory (a slow pipe).
 */
function buffered(sink: OutputSink): { write: Write; flush(): void; drained(): Promise<void> | undefined } {
  let pending = '';
  let full = false;
  return {
    write(text) {
      pending += text;
      if (pending.length >= FLUSH_AT) {
        if (!sink.write(pending)) full = true;
        pending = '';
      }
    },
    flush() {
      if (pending !== '') sink.write(pending);
      pending = '';
    },
    drained() {
      if (!full) return undefined;
      full = false;
      return new Promise((resolve) => sink.once('drain', resolve));
    },
  };
}

export function createOutput(
  format: OutputFormat,
  sink: OutputSink,
  sampleUsers?: readonly string[],
): OutputWriter {
  const out = buffered(sink);
  const drained = () => out.drained();
  const emptyReportUsers = () => [];
  switch (format) {
    case 'json': {
      const json = new JsonOutput(out.write);
      return {
        drained,
        emptyReportUsers,
        sessions: (sessions) => json.sessions(sessions),
        end: async (result) => {
          await json.end(result, drained);
          out.flush();
        },
      };
    }
    case 'csv':
      out.write(csvHeader());
      return {
        drained,
        emptyReportUsers,
        sessions: (sessions) => {
          for (const session of sessions) out.write(csvRow(toSessionView(session)));
        },
        end: async () => out.flush(),
      };
    case 'html': {
      const report = startHtml(sampleUsers);
      let emptyUsers: readonly EmptyReportUser[] = [];
      return {
        drained,
        emptyReportUsers: () => emptyUsers,
        sessions: (sessions) => {
          for (const session of sessions) report.add(toSessionView(session));
        },
        end: async (result) => {
          const rendered = renderHtml(report, {
            rejected: result.rejected.length,
            unreadable: result.files.flatMap((file) =>
              file.error === undefined ? [] : [{ file: file.file, reason: file.error }],
            ),
          });
          emptyUsers = rendered.emptyUsers;
          out.write(rendered.html);
          out.flush();
        },
      };
    }
    case 'table': {
      const table = new TableOutput();
      return {
        drained,
        emptyReportUsers,
        sessions: (sessions) => {
          for (const session of sessions) table.add(toSessionView(session));
        },
        end: async (result) => {
          await table.end(result, out.write, drained);
          out.flush();
        },
      };
    }
  }
}
