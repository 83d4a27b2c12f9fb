// The command line of bench/measure-cost.ts, apart from it so that reading it is tested without a measurement.
import { readCommandLine } from '../cli/command-line.js';
import { quoted } from '../cli/terminal-text.js';
import { wholeNumberOption } from '../cli/whole-number.js';

export const USAGE = `Usage: npx tsx bench/measure-cost.ts [--events N] [--first-day-only]

Ingests generated daily exports into DynamoDB Local and prints the capacity units behind docs/cost.md.
  --events N          events per day's export, at least 1000 (default 20000)
  --first-day-only    only the first day's export and the lookups
  -h, --help          this help
`;

export interface MeasureCostOptions {
  readonly events: number;
  readonly firstDayOnly: boolean;
  readonly help: boolean;
}

/** The options `argv` (what follows the script's name) gives, or an Error saying what is wrong with them. */
export function parseMeasureCostOptions(argv: readonly string[]): MeasureCostOptions {
  const read = readCommandLine({
    args: [...argv],
    options: {
      events: { type: 'string', default: '20000' },
      'first-day-only': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if ('problem' in read) throw new Error(read.problem);
  const { values } = read;
  if (values.help) return { events: 0, firstDayOnly: values['first-day-only'], help: true };
  return {
    events: wholeNumberOption('events', values.events, 1000, quoted),
    firstDayOnly: values['first-day-only'],
    help: false,
  };
}
