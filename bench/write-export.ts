/**
 * Writes a generated export file, streaming with backpressure so that multi-million-event files
 * never sit in memory.
 *
 *   npx tsx bench/write-export.ts --events 100000 --format ndjson --gzip --seed 1 --out bench/out/x.ndjson.gz
 */
import { createWriteStream } from 'node:fs';
import { mkdir, realpath, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import { createGzip } from 'node:zlib';
import { usageErrorText } from '../cli/command-line.js';
import { readProblem } from '../cli/directory-files.js';
import { quoted } from '../cli/terminal-text.js';
import { escapeControl } from '../contract/visible-text.js';
import { isUsageError, readGenerateRequest, USAGE } from './generate-options.js';
import { type GeneratorOptions, generateEvents, type SegmentEvent } from './generator/generate.js';
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
  const request = readGenerateRequest(argv);
  if (request.help) {
    console.log(USAGE);
    return;
  }
  const { out, shown, options } = request;
  const started = performance.now();
  const result = await writeExport(out, options, stop).catch((error: unknown) => {
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
