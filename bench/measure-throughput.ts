/**
 * Child script: one throughput measurement of one export file, in a fresh process.
 *
 *   node bench/out/bin/throughput.mjs floor|project <file.gz>
 *
 * floor:   read + gunzip + split lines + JSON.parse, the least any reader of the file must do.
 * project: the CLI's path (sessionizeFiles: readEvents + EventSet + sessionizeSet), i.e. parse, validate,
 *          normalize, deduplicate and sessionize.
 * Prints `{ events, ms, cpuMs, uncompressedBytes?, sessions?, peakRssMiB }`; the clocks exclude process
 * start and module loading, which are the same for both and not what the ratio is about.
 */
import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { sessionizeFiles } from '../functions/cli/batch.js';
import { DEFAULT_GAP_MINUTES, minutesToMs } from '../functions/domain/sessionize.js';
import { peakRssMiB, printResult } from './child-io.js';

export interface ThroughputSample {
  events: number;
  ms: number;
  /** User + system CPU time of all the process's threads (gunzip runs on the libuv pool). */
  cpuMs: number;
  /** Floor only: bytes after gunzip. */
  uncompressedBytes?: number;
  /** Project only. */
  sessions?: number;
  peakRssMiB: number;
}

type Counts = Omit<ThroughputSample, 'ms' | 'cpuMs' | 'peakRssMiB'>;

/** Parses one line; JSON-array exports hold one element per line, so brackets and trailing commas go. */
function parseLine(line: string): number {
  const text = line.endsWith(',') ? line.slice(0, -1) : line;
  if (text === '' || text === '[' || text === ']') return 0;
  // Using the value keeps the parse from being dead code.
  return typeof JSON.parse(text) === 'object' ? 1 : 0;
}

async function floor(file: string): Promise<Counts> {
  const decoder = new StringDecoder('utf8');
  let events = 0;
  let uncompressedBytes = 0;
  let pending = '';
  for await (const chunk of createReadStream(file).pipe(createGunzip()) as AsyncIterable<Buffer>) {
    uncompressedBytes += chunk.length;
    const text = pending + decoder.write(chunk);
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      events += parseLine(text.slice(start, end));
      start = end + 1;
    }
    pending = text.slice(start);
  }
  events += parseLine(pending + decoder.end());
  return { events, uncompressedBytes };
}

async function project(file: string): Promise<Counts> {
  const result = await sessionizeFiles([file], { gapMs: minutesToMs(DEFAULT_GAP_MINUTES) });
  if (result.errors.length > 0) throw new Error(`cannot read ${file}: ${result.errors[0]?.error}`);
  return { events: result.accepted + result.rejected.length, sessions: result.sessions.length };
}

async function main(): Promise<void> {
  const [mode, file] = process.argv.slice(2);
  if ((mode !== 'floor' && mode !== 'project') || file === undefined) {
    throw new Error('usage: throughput.mjs floor|project <file.gz>');
  }
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  const counts = mode === 'floor' ? await floor(file) : await project(file);
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuStart);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  printResult({ ...counts, ms, cpuMs, peakRssMiB: peakRssMiB() } satisfies ThroughputSample);
}

await main();
