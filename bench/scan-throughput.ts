/**
 * Micro-benchmark of the byte-level reader against the floor, in one process, on generated events held in
 * memory as decompressed chunks (gzip and I/O cost the same for both and are left out):
 *
 *   floor: decode to strings, split lines, JSON.parse each (what any string-based reader must do);
 *   scan:  split the bytes into records, scan each once for the Segment paths the session rules read;
 *   scan + decode: the same, then decode every captured string and number, as the pipeline will.
 *
 *   npx tsx bench/scan-throughput.ts [--events 200000] [--format ndjson|json-array] [--rounds 7] [--chunk 65536]
 *
 * Rounds alternate the three so that drifting machine load hits all alike; each is timed in CPU time of the
 * process (other processes on a shared machine do not count), and the median ns/event is reported.
 */
import { StringDecoder } from 'node:string_decoder';
import { readCommandLine } from '../cli/command-line.js';
import { quoted } from '../cli/terminal-text.js';
import { gotText, wholeNumberOption } from '../cli/whole-number.js';
import { compilePaths, ScanResult, scan, ValueKind } from '../functions/domain/reading/json-scan.js';
import { type ByteRecord, RecordSplitter } from '../functions/domain/reading/records.js';
import { optionsOrExplained } from '../scripts/command-status.js';
import { generateEvents } from './generator/generate.js';
import { median } from './stats.js';

/** The paths the lead's Segment mapping requests (rules 1, 7 and 9 of the session rules). */
export const SEGMENT_PATHS: readonly (readonly string[])[] = [
  ['type'],
  ['event'],
  ['name'],
  ['userId'],
  ['anonymousId'],
  ['messageId'],
  ['timestamp'],
  ['context', 'device', 'type'],
  ['context', 'os', 'name'],
  ['context', 'userAgent'],
  ['properties', 'url'],
  ['properties', 'path'],
  ['properties', 'title'],
  ['properties', 'referrer'],
  ['context', 'page', 'url'],
  ['context', 'page', 'path'],
  ['context', 'page', 'title'],
  ['context', 'page', 'referrer'],
  ['context', 'campaign'],
];

/** The export as a decompressor would hand it out: fixed-size chunks cutting lines anywhere. */
function exportChunks(events: number, format: string, chunkSize: number): Buffer[] {
  const array = format === 'json-array';
  const chunks: Buffer[] = [];
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const append = (text: string) => {
    const bytes = Buffer.from(text, 'utf8');
    pending.push(bytes);
    pendingBytes += bytes.length;
    if (pendingBytes < chunkSize) return;
    const joined = Buffer.concat(pending);
    let at = 0;
    for (; joined.length - at >= chunkSize; at += chunkSize)
      chunks.push(Buffer.from(joined.subarray(at, at + chunkSize)));
    pending = [joined.subarray(at)];
    pendingBytes = joined.length - at;
  };
  let index = 0;
  if (array) append('[\n');
  for (const event of generateEvents({ events, seed: 1 })) {
    const json = JSON.stringify(event);
    append(array ? `${index++ === 0 ? '' : ',\n'}${json}` : `${json}\n`);
  }
  if (array) append('\n]\n');
  if (pendingBytes > 0) chunks.push(Buffer.concat(pending));
  return chunks;
}

/** Parses one line; JSON-array exports hold one element per line, so brackets and trailing commas go. */
function parseLine(line: string): number {
  const text = line.endsWith(',') ? line.slice(0, -1) : line;
  if (text === '' || text === '[' || text === ']') return 0;
  return typeof JSON.parse(text) === 'object' ? 1 : 0;
}

function floor(chunks: readonly Buffer[]): number {
  const decoder = new StringDecoder('utf8');
  let events = 0;
  let pending = '';
  for (const chunk of chunks) {
    const text = pending + decoder.write(chunk);
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      events += parseLine(text.slice(start, end));
      start = end + 1;
    }
    pending = text.slice(start);
  }
  return events + parseLine(pending + decoder.end());
}

const compiled = compilePaths(SEGMENT_PATHS);
const result = new ScanResult(compiled);

function scanRecords(records: readonly ByteRecord[], decode: boolean): number {
  let events = 0;
  let checksum = 0;
  for (const record of records) {
    if (!scan(record.bytes, record.start, record.end, compiled, result)) continue;
    if (result.rootKind === ValueKind.Object) events++;
    if (!decode) continue;
    for (let path = 0; path < SEGMENT_PATHS.length; path++) {
      const kind = result.kind(path);
      if (kind === ValueKind.String) checksum += (result.string(path) as string).length;
      else if (kind === ValueKind.Number) checksum += result.number(path) as number;
    }
  }
  // Using the checksum keeps the decoding from being dead code.
  return checksum === -1 ? 0 : events;
}

function scanned(chunks: readonly Buffer[], decode: boolean): number {
  const splitter = new RecordSplitter();
  let events = 0;
  for (const chunk of chunks) {
    const records: ByteRecord[] = [];
    splitter.push(chunk, records);
    events += scanRecords(records, decode);
  }
  const records: ByteRecord[] = [];
  const failure = splitter.finish(records);
  if (failure !== undefined) throw new Error(`generated export is broken: ${failure.reason}`);
  return events + scanRecords(records, decode);
}

export interface ScanOptions {
  readonly events: number;
  readonly format: 'ndjson' | 'json-array';
  readonly rounds: number;
  readonly chunk: number;
  /** Asked for the help: the other options are not read. */
  readonly help?: true;
}

const HELP = 'npx tsx bench/scan-throughput.ts';

const USAGE = `Usage: ${HELP} [--events N] [--format ndjson|json-array] [--rounds N] [--chunk BYTES]

Times the byte-level reader against the floor (decode, split lines, JSON.parse) on generated events held in
memory, in CPU time, and reports the median ns/event of each.

Options:
  --events N     events generated (default 200000)
  --format F     ndjson or json-array (default ndjson)
  --rounds N     rounds of the three, alternated (default 7)
  --chunk BYTES  the size of the decompressed chunks fed to the reader (default 65536)
  -h, --help     show this help`;

/** The options `argv` gives; a RangeError says what is wrong with them. */
export function parseScanOptions(argv: readonly string[]): ScanOptions {
  const read = readCommandLine({
    args: [...argv],
    options: {
      events: { type: 'string', default: '200000' },
      format: { type: 'string', default: 'ndjson' },
      rounds: { type: 'string', default: '7' },
      chunk: { type: 'string', default: String(64 * 1024) },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if ('problem' in read) throw new RangeError(read.problem);
  const { values } = read;
  if (values.help) return { events: 0, format: 'ndjson', rounds: 0, chunk: 0, help: true };
  // Values are quoted as they are: the usage error escapes the message once, as it prints it.
  if (values.format !== 'ndjson' && values.format !== 'json-array') {
    throw new RangeError(`--format must be ndjson or json-array${gotText(values.format, quoted)}`);
  }
  return {
    events: wholeNumberOption('events', values.events, 1, quoted),
    format: values.format,
    rounds: wholeNumberOption('rounds', values.rounds, 1, quoted),
    // A chunk of 0 bytes would never fill, and the export would be cut forever.
    chunk: wholeNumberOption('chunk', values.chunk, 1, quoted),
  };
}

function main(): void {
  const options = optionsOrExplained({ name: 'scan-throughput', help: HELP, usage: USAGE }, () =>
    parseScanOptions(process.argv.slice(2)),
  );
  if (options === undefined) return;
  const { events, rounds } = options;
  const chunks = exportChunks(events, options.format, options.chunk);
  const bytes = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  console.log(
    `${events} events, ${options.format}, ${Math.round(bytes / events)} bytes/event, ${rounds} rounds`,
  );

  const runs = {
    'floor (split + JSON.parse)': () => floor(chunks),
    'scan (records + scan)': () => scanned(chunks, false),
    'scan + decode fields': () => scanned(chunks, true),
  };
  const samples = new Map<string, number[]>(Object.keys(runs).map((name) => [name, []]));
  for (let round = 0; round <= rounds; round++) {
    for (const [name, run] of Object.entries(runs)) {
      const started = process.cpuUsage();
      const counted = run();
      const used = process.cpuUsage(started);
      const nanoseconds = (used.user + used.system) * 1000;
      if (counted !== events) throw new Error(`${name} counted ${counted} events, expected ${events}`);
      // Round 0 warms the JIT up and is not reported.
      if (round > 0) samples.get(name)?.push(nanoseconds / events);
    }
  }
  const floorNs = median(samples.get('floor (split + JSON.parse)') ?? []);
  for (const [name, perEvent] of samples) {
    const ns = median(perEvent);
    console.log(
      `${name.padEnd(28)} ${ns.toFixed(0).padStart(6)} ns/event  ${(ns / floorNs).toFixed(2)}x floor`,
    );
  }
}

if (process.argv[1]?.endsWith('scan-throughput.ts')) main();
