import { escapeControl } from '../contract/visible-text.js';
import { createBrowserOf } from '../functions/domain/events/browser.js';
import {
  type FileSummary,
  NOT_AN_EXPORT,
  NOT_AN_EXPORT_HINT,
} from '../functions/domain/reading/read-export.js';
import { DIRECTORY_ENTRY } from '../functions/domain/reading/zip-member-admission.js';
import { sessionizeInputs } from './batch.js';
import { usageErrorText } from './command-line.js';
import { inputPaths } from './input-paths.js';
import { type PreparedInputs, prepareInputs } from './inputs.js';
import { SpoolError } from './line-spool.js';
import { parseCommandLine, USAGE } from './options.js';
import { plural } from './output/plural.js';
import { createOutput } from './output/writer.js';
import { quoted } from './terminal-text.js';
import { InputChangedError } from './tie-break-texts.js';

const write = (text: string) => process.stdout.write(text);

/** Progress on a terminal only, always ended before anything else goes to stderr. */
function progressLine() {
  let shown = false;
  return {
    update(recordsRead: number) {
      shown = true;
      process.stderr.write(`\rsessionize: ${recordsRead.toLocaleString('en')} records read`);
    },
    end() {
      if (shown) process.stderr.write('\n');
      shown = false;
    },
  };
}

/**
 * The files that could not be read, known once every input was read (before any output), and whether stderr
 * has named them: a reader that closes the pipe early (`| head`) cuts the output short, not the news of a
 * file that was not read, nor the exit status that says so.
 */
let readFailures: readonly FileSummary[] = [];
let failuresSaid = false;

/** Names each file that could not be read on stderr, with why. */
function reportFailures(failed: readonly FileSummary[]): void {
  failuresSaid = true;
  for (const file of failed) {
    // Read as an export before it broke: a file no line of which was JSON (in any encoding) was not.
    const brokePartway = file.accepted + file.rejected > 0;
    const kept = brokePartway
      ? ` (the ${plural(file.accepted, 'event')} read before it ${file.accepted === 1 ? 'was' : 'were'} kept)`
      : file.error === NOT_AN_EXPORT
        ? ` (${NOT_AN_EXPORT_HINT})`
        : '';
    process.stderr.write(
      `sessionize: ${escapeControl(file.file)}: ${escapeControl(file.error ?? '')}${kept}\n`,
    );
  }
}

/**
 * Resolves once every write before it reached stdout. A write that failed (a full disk) is reported by the
 * stream's 'error' event, which exits: this keeps the notes after the output (rejected events, users the
 * report shows empty) from coming before that error, or at all.
 */
function outputWritten(): Promise<void> {
  return new Promise((resolve) => process.stdout.write('', () => resolve()));
}

/** How a usage error says to ask for the help, less the `--help`. */
const HELP_COMMAND =
  process.env.npm_lifecycle_event === 'sessionize' ? 'npm run sessionize --' : 'sessionize';

async function main(): Promise<number> {
  const parsed = parseCommandLine(process.argv.slice(2));
  if (parsed.kind === 'help') {
    write(USAGE);
    return 0;
  }
  if (parsed.kind === 'error') {
    // The error alone, with where the help is: the whole help after it would scroll it out of view.
    process.stderr.write(usageErrorText('sessionize', parsed.message, HELP_COMMAND));
    return 2;
  }
  const { options } = parsed;
  let prepared: PreparedInputs | undefined;
  const progress = progressLine();
  try {
    const paths = inputPaths(process.argv.slice(2), options.files);
    prepared = await prepareInputs(options.files, process.stdin, paths);
    for (const { file, reason, advice } of prepared.skipped) {
      process.stderr.write(`sessionize: ${escapeControl(file)}: skipped, ${reason}, ${advice}\n`);
    }
    const output = createOutput(options.format, process.stdout, options.reportUsers);
    const result = await sessionizeInputs(prepared.inputs, {
      rules: options.rules,
      inputFormat: options.inputFormat,
      browserOf: createBrowserOf(),
      unreadable: prepared.problems,
      ...(process.stderr.isTTY === true && { onProgress: progress.update }),
      onFilesRead: (files) => {
        readFailures = files.filter((file) => file.error !== undefined);
      },
      onSessions: (sessions) => {
        progress.end();
        output.sessions(sessions);
        return output.drained();
      },
    });
    progress.end();
    // The same files, in the same order, as onFilesRead found.
    const failed = readFailures;
    // Nothing was readable: the reasons say it all, an empty table would only hide them.
    if (prepared.inputs.length > 0 || options.format !== 'table') {
      await output.end(result);
      await outputWritten();
    }
    reportFailures(failed);
    // As the report shows them: an id whose events a user's sessions hold (stitched, or sent with its userId).
    const emptyReportUsers = output.emptyReportUsers();
    if (emptyReportUsers.length > 0) {
      const ids = emptyReportUsers
        .map(({ userId, anonymousIdOf, storedAs }) => {
          // Escaped once: escapeControl of JSON text would show a tab in an id as `\\t`.
          const text = escapeControl(quoted(userId));
          if (anonymousIdOf !== null)
            return `${text} (an anonymousId of ${escapeControl(quoted(anonymousIdOf))}, whose sessions hold its events)`;
          if (storedAs !== null)
            return `${text} (an id sent as a JSON number is read as JavaScript writes it: ask for ${escapeControl(quoted(storedAs))}, a user with sessions)`;
          return text;
        })
        .join(', ');
      process.stderr.write(
        `sessionize: --report-users: no sessions for ${ids}; the report shows them empty\n`,
      );
    }
    if (options.inputFormat !== 'auto') {
      // A named format that fits none of a file's records is more likely the wrong name than a broken export.
      for (const file of result.files) {
        if (file.error !== undefined || file.records === 0 || file.accepted > 0) continue;
        const shows = file.looksLike === undefined ? '' : ` (they look like ${file.looksLike})`;
        process.stderr.write(
          `sessionize: ${escapeControl(file.file)}: every record was rejected as ${options.inputFormat}${shows}; ` +
            'is --input-format right? (without it each file is read in the format it shows)\n',
        );
      }
    }
    if (options.format === 'csv' || options.format === 'html') {
      // Neither lists files: a ZIP member skipped as no export (a README, a CSV export) is said here, as a
      // folder's are, or an archive of only such members gave an empty output without a word. A directory
      // entry (`zip -r` writes one for each folder) holds nothing to miss.
      for (const file of result.files) {
        if (file.skipped === undefined || file.skipped === DIRECTORY_ENTRY) continue;
        process.stderr.write(
          `sessionize: ${escapeControl(file.file)}: skipped, ${escapeControl(file.skipped)}\n`,
        );
      }
    }
    if (options.format !== 'table' && result.rejected.length > 0) {
      // CSV rows and the report hold sessions only: say where each rejection's file, line and reason are.
      const where =
        options.format === 'json'
          ? 'see "rejected" in the output'
          : 'the json and table formats list each, with its reason';
      process.stderr.write(`sessionize: ${plural(result.rejected.length, 'event')} rejected (${where})\n`);
    }
    return failed.length > 0 ? 1 : 0;
  } catch (error) {
    if (!(error instanceof SpoolError || error instanceof InputChangedError)) throw error;
    process.stderr.write(`sessionize: ${escapeControl(error.message)}\n`);
    return 1;
  } finally {
    progress.end();
    await prepared?.cleanup();
  }
}

// An interrupted run exits through its exit hooks, which remove its temporary files (standard input
// spooled, rows and rejections waiting for the output), then ends by the signal itself, which a shell reports
// as 128 + its number. Not by process.exit's own end: that waits for Node's thread pool, which an open() of
// a FIFO that no writer has opened never gives back.
function endBySignal(signal: 'SIGINT' | 'SIGTERM' | 'SIGHUP' | 'SIGPIPE', code: number): never {
  // Node ignores SIGPIPE from its start; a listener taken off again gives it back its default action.
  const none = () => {};
  process.on(signal, none).off(signal, none);
  // The last exit hook; this signal has no listener left, so it takes its default action.
  process.once('exit', () => process.kill(process.pid, signal));
  process.exit(code);
}

for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
  ['SIGHUP', 129],
] as const) {
  process.once(signal, () => endBySignal(signal, code));
}

// A reader that stops early (`| head`) closes the pipe: the rest of the output is not wanted. The run ends
// quietly as a Unix tool does, by SIGPIPE (141 in a shell, so `set -o pipefail` sees the output cut short),
// its temporary files removed; a file that could not be read is named, and still makes it 1.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') {
    if (!failuresSaid) reportFailures(readFailures);
    if (readFailures.length > 0) process.exit(1);
    endBySignal('SIGPIPE', 141);
  }
  // A full disk or a closed device: say so, without a stack trace, then the files that could not be read.
  process.stderr.write(`sessionize: cannot write the output: ${escapeControl(error.message)}\n`);
  if (!failuresSaid) reportFailures(readFailures);
  process.exit(1);
});

process.exitCode = await main();
