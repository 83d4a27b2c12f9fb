/** The benchmark's command line: what `npm run bench -- …` measures and where its report goes. */
import { readCommandLine } from '../cli/command-line.js';
import { wholeNumberFromText } from '../cli/whole-number.js';
import { type BenchReport, SECTIONS, type Section } from './report.js';

export const BENCH_USAGE = `Usage: npm run bench -- [--quick] [--only SECTIONS [--keep]] [--seed N] [--out FILE] [--render RESULTS]

  (no options)       the full run (1.5-2 hours on 2 cores): every section, then BENCHMARKS.md is rewritten
  --quick            smaller files, under 3 minutes; prints the tables and leaves BENCHMARKS.md alone
  --only SECTIONS    some of ${SECTIONS.join(',')}; prints their tables and leaves BENCHMARKS.md alone
  --keep             with --only: the other sections come from the last saved run of the same mode, and a
                     full run's report is BENCHMARKS.md again
  --seed N           the generator's seed (default 1)
  --out FILE         writes the report there too (a whole full run writes BENCHMARKS.md unless told otherwise);
                     the tables always go to stdout, progress to stderr
  --render RESULTS   renders a saved run (bench/out/results-*.json) again, measuring nothing
  -h, --help         this help
`;

export interface BenchOptions {
  readonly mode: BenchReport['mode'];
  readonly seed: number;
  /** Where the report is written besides stdout, if anywhere. */
  readonly out: string | undefined;
  readonly keep: boolean;
  readonly render: string | undefined;
  readonly help: boolean;
  readonly sections: ReadonlySet<Section>;
}

/** Whether the run's report holds every section, measured or kept. */
export function isWhole(options: Pick<BenchOptions, 'keep' | 'sections'>): boolean {
  return options.keep || options.sections.size === SECTIONS.length;
}

/** The options of `argv`; throws a RangeError that says what is wrong. */
export function parseBenchOptions(argv: string[]): BenchOptions {
  const read = readCommandLine({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      out: { type: 'string' },
      seed: { type: 'string', default: '1' },
      only: { type: 'string' },
      keep: { type: 'boolean', default: false },
      render: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if ('problem' in read) throw new RangeError(read.problem);
  const { values } = read;
  // Decimal digits: Number() would also read 0x10 and 1e3.
  const seed = wholeNumberFromText(values.seed) ?? Number.NaN;
  if (!Number.isSafeInteger(seed)) {
    throw new RangeError(`--seed must be a whole number in decimal digits, got ${values.seed}`);
  }
  const only = values.only?.split(',').map((name) => name.trim()) ?? [...SECTIONS];
  for (const name of only) {
    if (!(SECTIONS as readonly string[]).includes(name)) {
      throw new RangeError(`--only takes ${SECTIONS.join(', ')}; got ${name}`);
    }
  }
  if (values.keep && values.only === undefined) {
    throw new RangeError('--keep keeps the sections --only leaves out; give --only as well');
  }
  const mode: BenchReport['mode'] = values.quick ? 'quick' : 'full';
  const sections = new Set(only as Section[]);
  // A whole full run fills BENCHMARKS.md unless told otherwise; a quick run, a run of some sections that
  // keeps nothing (its report would hold only them) or a re-render only prints.
  const fillsBenchmarks =
    mode === 'full' && values.render === undefined && isWhole({ keep: values.keep, sections });
  const out = values.out ?? (fillsBenchmarks ? 'BENCHMARKS.md' : undefined);
  return { mode, seed, out, keep: values.keep, render: values.render, help: values.help, sections };
}
