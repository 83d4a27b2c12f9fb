/**
 * Writes a generated export file, streaming with backpressure so that multi-million-event files
 * never sit in memory.
 *
 *   npx tsx bench/write-export.ts --events 100000 --format ndjson --gzip --seed 1 --out bench/out/x.ndjson.gz
 */
import { createWriteStream, statSync } from 'node:fs';
import { mkdir, realpath, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import { createGzip } from 'node:zlib';
import { readCommandLine, usageErrorText } from '../cli/command-line.js';
import { readProblem } from '../cli/directory-files.js';
import { quoted } from '../cli/terminal-text.js';
import { gotText, wholeNumberFromText } from '../cli/whole-number.js';
import { escapeControl } from '../contract/visible-text.js';
import { minutesFromText } from '../functions/domain/rules/session-rules.js';
import { DEFAULTS, type GeneratorOptions, generateEvents, type SegmentEvent } from './generator/generate.js';
import { abortedOnSignals, endIfStopped } from './stop-on-signals.js';

export type ExportFormat = 'ndjson' | 'json-array';

export interface ExportOptions extends GeneratorOptions {
  format: ExportFormat;
  gzip: boolean;
}

export interface ExportResult {
  path: string;
  /** Size of the file on disk (compressed when gzip). */
  bytes: number;
  events: number;
}

/** Pieces of text joined into ~256 KB strings, so the stream machinery runs per batch, not per event. */
export function* batched(pieces: Iterable<string>): Generator<string> {
  let pending: string[] = [];
  let pendingChars = 0;
  for (const piece of pieces) {
    pending.push(piece);
    pendingChars += piece.length;
    if (pendingChars >= 256 * 1024) {
      yield pending.join('');
      pending = [];
      pendingChars = 0;
    }
  }
  if (pending.length > 0) yield pending.join('');
}

function exportText(options: ExportOptions, counter: { events: number }): Generator<string> {
  return exportLines(generateEvents(options), options.format === 'json-array', counter);
}

function* exportLines(
  events: Iterable<SegmentEvent>,
  arrayFormat: boolean,
  counter: { events: number },
): Generator<string> {
  if (arrayFormat) yield '[';
  for (const event of events) {
    const json = JSON.stringify(event);
    yield arrayFormat ? `${counter.events === 0 ? '\n' : ',\n'}${json}` : `${json}\n`;
    counter.events++;
  }
  if (arrayFormat) yield counter.events === 0 ? ']\n' : '\n]\n';
}

/** `stop` aborts the write partway, leaving nothing of it behind (an existing file at `path` stays). */
export async function writeExport(
  path: string,
  opts: ExportOptions,
  stop?: AbortSignal,
): Promise<ExportResult> {
  if (opts.format !== 'ndjson' && opts.format !== 'json-array') {
    throw new RangeError(`format must be ndjson or json-array, got ${String(opts.format)}`);
  }
  const counter = { events: 0 };
  // Built before the output is opened: bad options throw here and leave an existing file as it was.
  const text = exportText(opts, counter);
  await mkdir(dirname(path), { recursive: true });
  // A symbolic link is written through, as a plain write would, rather than replaced by the rename.
  const target = await realpath(path).catch(() => path);
  // Written beside and renamed when whole: a write failing partway (a full disk) leaves no truncated export
  // under the name, which would pass for a whole one, and an existing file there stays as it was.
  const partial = join(dirname(target), `.${basename(target)}.${process.pid}.partial`);
  const source = Readable.from(batched(text), { objectMode: false });
  try {
    const destination = createWriteStream(partial);
    const options = stop === undefined ? {} : { signal: stop };
    await (opts.gzip
      ? pipeline(source, createGzip({ level: 6 }), destination, options)
      : pipeline(source, destination, options));
    await rename(partial, target);
  } catch (error) {
    // The write's error is the one to tell; a partial left behind has another name than the export's.
    await rm(partial, { force: true }).catch(() => undefined);
    throw error;
  }
  const { size } = await stat(path);
  return { path, bytes: size, events: counter.events };
}

// ---------------------------------------------------------------------------------------------
// CLI

const USAGE = `Usage: npm run generate -- --events <n> [--format ndjson|json-array] [--gzip]
  [--seed <n>] [--users <n>] [--days <n>] [--start <ISO date>] [--anonymous-share <0..1>]
  [--late-share <0..1>] [--duplicate-share <0..1>] [--no-message-id-share <0..1>] [--out <path>]

Defaults: --format ndjson, --seed ${DEFAULTS.seed}, --users the events / ${DEFAULTS.eventsPerUser}, --days ${DEFAULTS.days}, --start ${new Date(DEFAULTS.startMs).toISOString().slice(0, 10)},
--anonymous-share ${DEFAULTS.anonymousShare}, --late-share ${DEFAULTS.lateShare}, --duplicate-share ${DEFAULTS.duplicateShare}, --no-message-id-share ${DEFAULTS.noMessageIdShare}.
--out is relative to the folder you run it from, and its folder must exist; without it the file goes to
bench/out/events-<n>.<ext> (git-ignored; bench/out/ is created when missing). -h or --help shows this help.
The file is written beside its name and renamed when whole: a failed or interrupted write leaves nothing
partial there.
Exit status: 2 for a usage error, 1 when the file could not be written.`;

/** An option the generator refuses, or a command line parseArgs cannot read: the caller's mistake. */
function isUsageError(error: unknown): boolean {
  return error instanceof RangeError;
}

function optionText(values: Record<string, unknown>, name: string): string | undefined {
  const text = values[name];
  return typeof text === 'string' ? text : undefined;
}

/** A count or a seed, in decimal digits as every command's counts: Number() read 0x10 as 16 and 1e3 as 1000. */
function wholeNumberOption(values: Record<string, unknown>, name: string): number | undefined {
  const text = optionText(values, name);
  if (text === undefined) return undefined;
  const value = wholeNumberFromText(text);
  if (value === undefined) throw new RangeError(`--${name} must be a whole number${gotText(text, quoted)}`);
  return value;
}

/** Days and shares may be fractional; written as decimals, as minutes are on every command line. */
function decimalOption(values: Record<string, unknown>, name: string): number | undefined {
  const text = optionText(values, name);
  if (text === undefined) return undefined;
  const value = minutesFromText(text);
  if (value === undefined)
    throw new RangeError(`--${name} must be a decimal number such as 1 or 0.5${gotText(text, quoted)}`);
  return value;
}

/**
 * An option in the range the generator takes, refused here in the words of the command line: the generator
 * names its own options (lateShare, days).
 */
function checked(
  values: Record<string, unknown>,
  name: string,
  value: number | undefined,
  inRange: (value: number) => boolean,
  range: string,
): number | undefined {
  if (value === undefined || inRange(value)) return value;
  throw new RangeError(`--${name} must be ${range}${gotText(optionText(values, name), quoted)}`);
}

const share = (values: Record<string, unknown>, name: string) =>
  checked(values, name, decimalOption(values, name), (value) => value >= 0 && value <= 1, 'from 0 to 1');

/**
 * A folder given as --out: Node's EISDIR names neither the option nor what to give instead. Paths are quoted
 * as typed, as the other refused values are (a blank one shows), and the usage error escapes them once.
 */
function refuseFolder(out: string, given: string, fileName: string): void {
  if (statSync(out, { throwIfNoEntry: false })?.isDirectory()) {
    throw new RangeError(
      `--out ${quoted(given)} is a folder; name the file to write in it, e.g. --out ${quoted(join(given, fileName))}`,
    );
  }
}

/**
 * An --out in a folder that is not there: most often a typo, which writeExport would create silently (it
 * makes bench/out/, the default's folder, for the bench and scripts). Refused, as cp and shells refuse it.
 */
function refuseMissingFolder(out: string, given: string): void {
  const folder = dirname(out);
  const found = statSync(folder, { throwIfNoEntry: false });
  if (found === undefined) {
    throw new RangeError(
      `--out ${quoted(given)}: no such folder ${quoted(folder)}; create it first (mkdir -p), or name a file in a folder that exists`,
    );
  }
  if (!found.isDirectory()) throw new RangeError(`--out ${quoted(given)}: ${quoted(folder)} is not a folder`);
}

/**
 * Why the export file could not be written, naming it and what to do: the system's own error named neither
 * (`ENOENT: no such file or directory, open '/proc/x.ndjson'`, for a folder that is there). Its folder was
 * checked to exist, so ENOENT means one that takes no new file.
 */
function writeFailure(error: NodeJS.ErrnoException, shown: string, folder: string): Error {
  const because = {
    ENOENT: `no file can be created in ${quoted(folder)}; name a file in a folder that takes new files`,
    EACCES: `permission denied in ${quoted(folder)}; name a file in a folder you may write to`,
    EPERM: `permission denied in ${quoted(folder)}; name a file in a folder you may write to`,
    EROFS: `${quoted(folder)} is on a read-only file system; name a file in another folder`,
    ENOSPC: 'no space left on the device; free some, or name a file on another device',
    EFBIG:
      'the file outgrew the size this process may write (ulimit -f); raise the limit or give fewer --events',
  }[error.code ?? ''];
  // Written beside and renamed only when whole (writeExport): nothing partial is left under the name.
  return new Error(`cannot write ${shown}: ${because ?? readProblem(error)}; nothing was written there`);
}

async function main(argv: string[], stop: AbortSignal): Promise<void> {
  const line = readCommandLine({
    args: argv,
    options: {
      events: { type: 'string' },
      format: { type: 'string', default: 'ndjson' },
      gzip: { type: 'boolean', default: false },
      seed: { type: 'string' },
      users: { type: 'string' },
      days: { type: 'string' },
      start: { type: 'string' },
      'anonymous-share': { type: 'string' },
      'late-share': { type: 'string' },
      'duplicate-share': { type: 'string' },
      'no-message-id-share': { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if ('problem' in line) throw new RangeError(line.problem);
  const { values } = line;
  if (values.help) {
    console.log(USAGE);
    return;
  }
  // Not 0: an empty file, written with exit 0, passes for an export (the library still writes one for tests).
  const events = checked(
    values,
    'events',
    wholeNumberOption(values, 'events'),
    (value) => value >= 1,
    '1 or more',
  );
  if (events === undefined) throw new RangeError('--events is required');
  const format = values.format;
  if (format !== 'ndjson' && format !== 'json-array') {
    throw new RangeError(`--format must be ndjson or json-array${gotText(format, quoted)}`);
  }
  let startMs: number | undefined;
  if (values.start !== undefined) {
    startMs = Date.parse(values.start);
    if (Number.isNaN(startMs))
      throw new RangeError(`--start must be an ISO date${gotText(values.start, quoted)}`);
  }
  const extension = `${format === 'ndjson' ? 'ndjson' : 'json'}${values.gzip ? '.gz' : ''}`;
  // `npm run` starts in the repository root; a path given on the command line means the caller's folder.
  const out =
    values.out === undefined
      ? `bench/out/events-${events}.${extension}`
      : resolve(process.env.INIT_CWD ?? process.cwd(), values.out);
  if (values.out !== undefined) {
    refuseMissingFolder(out, values.out);
    refuseFolder(out, values.out, `events-${events}.${extension}`);
  }
  const started = performance.now();
  const shown = values.out === undefined ? quoted(out) : `--out ${quoted(values.out)}`;
  const result = await writeExport(
    out,
    {
      events,
      format,
      gzip: values.gzip,
      seed: wholeNumberOption(values, 'seed'),
      users: checked(values, 'users', wholeNumberOption(values, 'users'), (value) => value >= 1, '1 or more'),
      days: checked(values, 'days', decimalOption(values, 'days'), (value) => value > 0, 'more than 0'),
      startMs,
      anonymousShare: share(values, 'anonymous-share'),
      lateShare: share(values, 'late-share'),
      duplicateShare: share(values, 'duplicate-share'),
      noMessageIdShare: share(values, 'no-message-id-share'),
    },
    stop,
  ).catch((error: unknown) => {
    // A refused option stays a usage error; a file system's refusal is said in words.
    const code = (error as NodeJS.ErrnoException).code;
    throw typeof code === 'string'
      ? writeFailure(error as NodeJS.ErrnoException, shown, dirname(out))
      : error;
  });
  console.log(JSON.stringify({ ...result, ms: Math.round(performance.now() - started) }));
}

const invokedPath = process.argv[1];
if (invokedPath !== undefined && import.meta.url === pathToFileURL(resolve(invokedPath)).href) {
  const stop = abortedOnSignals();
  main(process.argv.slice(2), stop)
    .catch((error: unknown) => {
      if (stop.aborted) return; // Said by the signal the run ends by, the partial file removed.
      // Named, as every other command names itself; a usage error, as theirs, followed by where the help is,
      // not by the whole help, which would scroll the error out of view.
      const message = error instanceof Error ? error.message : String(error);
      const usage = isUsageError(error);
      process.stderr.write(
        usage
          ? usageErrorText('generate', message, 'npm run generate --')
          : `generate: ${escapeControl(message)}\n`,
      );
      process.exitCode = usage ? 2 : 1;
    })
    .finally(() => endIfStopped(stop));
}
