/**
 * `npm run generate`'s command line: its help, and its options read and checked in the command line's own
 * words. bench/write-export.ts writes the file they ask for.
 */
import { statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { readCommandLine } from '../cli/command-line.js';
import { quoted } from '../cli/terminal-text.js';
import { gotText, wholeNumberFromText } from '../cli/whole-number.js';
import { minutesFromText } from '../functions/domain/rules/session-rules.js';
import { DEFAULTS } from './generator/generate.js';
import type { ExportOptions } from './write-export.js';

export const USAGE = `Usage: npm run generate -- --events <n> [--format ndjson|json-array] [--gzip]
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
export function isUsageError(error: unknown): boolean {
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

/** What a command line asks for: the help, or a file to write, `shown` being how errors name it. */
export type GenerateRequest =
  | { readonly help: true }
  | { readonly help: false; readonly out: string; readonly shown: string; readonly options: ExportOptions };

/** Throws a RangeError (a usage error) for anything refused, in the order the options are checked. */
export function readGenerateRequest(argv: string[]): GenerateRequest {
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
  if (values.help) return { help: true };
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
  const shown = values.out === undefined ? quoted(out) : `--out ${quoted(values.out)}`;
  return {
    help: false,
    out,
    shown,
    options: {
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
  };
}
