import { beforeAll, describe, expect, it } from 'vitest';
import { parseCommandLine, USAGE } from '../../../cli/options.js';
import { base64Id } from '../../../contract/index.js';
import { ensureCliBuilt, runCli } from '../../helpers/built-cli.js';

const errorOf = (argv: string[]) => {
  const parsed = parseCommandLine(argv);
  if (parsed.kind !== 'error') throw new Error(`expected a usage error, got ${JSON.stringify(parsed)}`);
  return parsed.message;
};

describe('parseCommandLine', () => {
  it('defaults to the reference rules, auto-detected input and a table', () => {
    expect(parseCommandLine(['a.ndjson'])).toEqual({
      kind: 'run',
      options: {
        rules: {
          gapMinutes: 30,
          gapMinutesByPlatform: {},
          maxSessionMinutes: undefined,
          identityStitching: false,
        },
        inputFormat: 'auto',
        format: 'table',
        reportUsers: undefined,
        files: ['a.ndjson'],
      },
    });
  });

  it('keeps every platform named, __proto__ included, as an own key', () => {
    const parsed = parseCommandLine(['--gap-by-platform', '__proto__=5,constructor=7', 'a']);
    expect(parsed.kind === 'run' && Object.entries(parsed.options.rules.gapMinutesByPlatform)).toEqual([
      ['__proto__', 5],
      ['constructor', 7],
    ]);
  });

  // A platform holding `=` or `,` (or spaces around it) has no PLATFORM=MINUTES pair: the JSON form names it
  // as SESSION_GAP_MINUTES_BY_PLATFORM and a stage's config do, keys as written.
  it('reads a JSON object of platforms and minutes, keys as written, for names a pair cannot hold', () => {
    const parsed = parseCommandLine([
      '--gap-by-platform',
      ' {"tv=box": 5, "a,b": 0.5, " ios ": 7, "__proto__": 1} ',
      'a',
    ]);
    expect(parsed.kind === 'run' && Object.entries(parsed.options.rules.gapMinutesByPlatform)).toEqual([
      ['tv=box', 5],
      ['a,b', 0.5],
      [' ios ', 7],
      ['__proto__', 1],
    ]);
  });

  it.each([
    [
      ['--gap-by-platform', '{"ios":5', 'a'],
      '--gap-by-platform must be a JSON object like {"ios":5,"tv=box":5}',
    ],
    [['--gap-by-platform', '{"ios":5,"ios":6}', 'a'], '--gap-by-platform names "ios" twice'],
    [['--gap-by-platform', '{"IOS":5}', 'a'], "--gap-by-platform: 'IOS' must be lowercase"],
    [
      ['--gap-by-platform', '{"ios":"5"}', 'a'],
      '--gap-by-platform "ios": a platform gap must be a number of minutes',
    ],
    [['--gap-by-platform', '{"ios":-1}', 'a'], 'must be 0 or more'],
  ])('refuses the JSON form %j: %s', (argv, message) => {
    expect(errorOf(argv)).toContain(message);
  });

  it('reads every option, fractional minutes and lowercased platform keys included', () => {
    const parsed = parseCommandLine([
      '--gap',
      '2.5',
      '--gap-by-platform',
      ' iOS=5, android = 0.5 ',
      '--max-session',
      '1440',
      '--stitch',
      '--input-format',
      'posthog',
      '--format',
      'html',
      '--report-users',
      'u-1, ,u-2',
      '-',
      'b.json',
    ]);
    expect(parsed).toEqual({
      kind: 'run',
      options: {
        rules: {
          gapMinutes: 2.5,
          gapMinutesByPlatform: { ios: 5, android: 0.5 },
          maxSessionMinutes: 1440,
          identityStitching: true,
        },
        inputFormat: 'posthog',
        format: 'html',
        reportUsers: ['u-1', 'u-2'],
        files: ['-', 'b.json'],
      },
    });
  });

  it.each([
    ['Segment', 'JSON', 'segment', 'json'],
    ['POSTHOG', 'Html', 'posthog', 'html'],
    [' amplitude ', ' csv ', 'amplitude', 'csv'],
    ['Auto', 'TABLE', 'auto', 'table'],
  ])('reads --input-format %j and --format %j in any case', (inputText, formatText, inputFormat, format) => {
    const parsed = parseCommandLine(['--input-format', inputText, '--format', formatText, 'a']);
    expect(parsed).toMatchObject({ kind: 'run', options: { inputFormat, format } });
  });

  it.each([
    ['.5', 0.5],
    ['2.', 2],
    [' 45 ', 45],
    ['+15', 15],
    ['1.5e1', 15],
    // 0 is a gap too: events at one instant stay together (as does what rounds to 0 ms).
    ['0', 0],
    ['1e-300', 1e-300],
  ])('reads the decimal minutes %j', (text, gapMinutes) => {
    const parsed = parseCommandLine(['--gap', text, 'a']);
    expect(parsed).toMatchObject({ kind: 'run', options: { rules: { gapMinutes } } });
  });

  it('reads an id of --report-users in its ~b64. form, so that one holding a comma can be named', () => {
    const parsed = parseCommandLine(['--format', 'html', '--report-users', `u-1,${base64Id('a,b')}`, 'a']);
    expect(parsed).toMatchObject({ kind: 'run', options: { reportUsers: ['u-1', 'a,b'] } });
  });

  it('reads a negative number after a minutes option as its value, but not past --', () => {
    expect(parseCommandLine(['--gap', '-0', 'a'])).toMatchObject({
      kind: 'run',
      options: { rules: { gapMinutes: -0 }, files: ['a'] },
    });
    // As a negative zero written with an exponent; a positive decimal too small for a double is a gap of 0,
    // as any gap that rounds to 0 ms is.
    expect(parseCommandLine(['--gap', '-0e-400', '--max-session', '1e-400', 'a'])).toMatchObject({
      kind: 'run',
      options: { rules: { gapMinutes: -0, maxSessionMinutes: 0 } },
    });
    expect(parseCommandLine(['--', '--gap', '-5'])).toMatchObject({
      kind: 'run',
      options: { files: ['--gap', '-5'] },
    });
  });

  it('asks for help with -h or --help, whatever other known options and values are given', () => {
    expect(parseCommandLine(['--help'])).toEqual({ kind: 'help' });
    expect(parseCommandLine(['-h', '--gap', 'x'])).toEqual({ kind: 'help' });
  });

  it.each([
    [['--gap', 'soon', 'a'], '--gap must be a decimal number of minutes such as 30, 2.5 or 1e3 (got "soon")'],
    [['--gap=-5', 'a'], '--gap must be 0 or more'],
    [['--max-session=-0.5', 'a'], '--max-session must be 0 or more'],
    // A negative number after a minutes option is its value, refused as such (parseArgs calls it ambiguous).
    [['--gap', '-5', 'a'], '--gap must be 0 or more'],
    [['--max-session', '-.5', 'a'], '--max-session must be 0 or more'],
    [['--gap', '-Infinity', 'a'], '(got "-Infinity", which is no finite number'],
    [['--max-session', '-inf', 'a'], '(got "-inf", which is no finite number'],
    [['--format', '-x', 'a'], "Option '--format' argument is ambiguous"],
    // A decimal past a double's range reads as Infinity: too large, not "not a number".
    [['--gap', '1e400', 'a'], '--gap must be at most 525600000 (a thousand years)'],
    [['--max-session', '1e400', 'a'], '--max-session must be at most 525600000 (a thousand years)'],
    [['--gap-by-platform', 'ios=1e400', 'a'], '--gap-by-platform ios must be at most 525600000'],
    // ... and past it below zero as -Infinity: negative, which is what is wrong with it.
    [['--gap', '-1e400', 'a'], '--gap must be 0 or more'],
    [['--gap-by-platform', 'ios=-1e400', 'a'], '--gap-by-platform ios must be 0 or more'],
    // A negative decimal too small for a double (-0 to Number()) is still negative, not a gap of 0.
    [['--gap', '-1e-400', 'a'], '--gap must be 0 or more'],
    [['--gap=-0.00001e-400', 'a'], '--gap must be 0 or more'],
    [['--max-session', '-1e-400', 'a'], '--max-session must be 0 or more'],
    [['--gap-by-platform', 'ios=-1e-400', 'a'], '--gap-by-platform ios must be 0 or more'],
    // Number() would read these as 16, 0, 0 and Infinity.
    [['--gap', '0x10', 'a'], '--gap must be a decimal number of minutes such as 30, 2.5 or 1e3 (got "0x10")'],
    [['--gap', '', 'a'], '--gap must be a decimal number of minutes such as 30, 2.5 or 1e3 (got "")'],
    [['--gap', ' ', 'a'], '(got " ")'],
    [
      ['--gap', 'Infinity', 'a'],
      '--gap must be a decimal number of minutes such as 30, 2.5 or 1e3 (got "Infinity", which is no finite number: the most is 525600000 (a thousand years))',
    ],
    [['--max-session=-inf', 'a'], '(got "-inf", which is no finite number'],
    [['--gap', 'NaN', 'a'], '(got "NaN", which is no finite number'],
    [
      ['--max-session', '1_440', 'a'],
      '--max-session must be a decimal number of minutes such as 30, 2.5 or 1e3 (got "1_440")',
    ],
    [
      ['--gap-by-platform', 'ios=0b101', 'a'],
      '--gap-by-platform ios must be a decimal number of minutes such as 30, 2.5 or 1e3 (got "0b101")',
    ],
    [
      ['--max-session', 'x', 'a'],
      '--max-session must be a decimal number of minutes such as 30, 2.5 or 1e3 (got "x")',
    ],
    [
      ['--gap-by-platform', 'ios', 'a'],
      '--gap-by-platform expects PLATFORM=MINUTES pairs separated by commas (got "ios")',
    ],
    [
      ['--gap-by-platform', 'ios=5=6', 'a'],
      '(got "ios=5=6"); a platform holding = or , is named in a JSON object instead, such as {"ios":5,"tv=box":5}',
    ],
    [
      ['--gap-by-platform', 'ios=5,', 'a'],
      '--gap-by-platform has an empty pair in "ios=5,": drop the extra comma',
    ],
    [['--gap-by-platform', 'ios=5,,android=5', 'a'], 'has an empty pair in "ios=5,,android=5"'],
    [['--gap-by-platform', '=5', 'a'], '(got "=5")'],
    [['--gap-by-platform', 'ios=-5', 'a'], '--gap-by-platform ios must be 0 or more'],
    [['--gap-by-platform', 'ios=5,IOS=7', 'a'], '--gap-by-platform names "ios" twice'],
    [
      ['--gap-by-platform', `${'p'.repeat(1025)}=5`, 'a'],
      '--gap-by-platform: platform names must be at most 1024 UTF-16 code units (an emoji is two)',
    ],
    [
      ['--input-format', 'csv', 'a'],
      '--input-format must be one of auto, segment, amplitude, mixpanel, posthog',
    ],
    [['--format', 'xml', 'a'], '--format must be one of table, json, csv, html'],
    [['--input-format', 'Segments', 'a'], '--input-format must be one of auto, segment, amplitude'],
    [['--format', '', 'a'], '--format must be one of table, json, csv, html'],
    // A value forgotten takes the next word, a file name say: the message shows what it read, as --gap's does.
    [['--format', 'Sample.ndjson'], '--format must be one of table, json, csv, html (got "Sample.ndjson")'],
    [
      ['--input-format', 'csv', 'a'],
      '--input-format must be one of auto, segment, amplitude, mixpanel, posthog (got "csv")',
    ],
    // parseArgs keeps the last: the first would be dropped without a word.
    [
      ['--gap-by-platform', 'ios=5', '--gap-by-platform=android=5', 'a'],
      '--gap-by-platform is given twice; give it once (name every platform in one list: ios=5,android=5)',
    ],
    [['--gap', '5', 'a', '--gap', '10'], '--gap is given twice; give it once'],
    [['--format', 'json', '--format', 'csv', 'a'], '--format is given twice; give it once'],
    [['--bogus', 'a'], "Unknown option '--bogus'"],
    [['--gap'], "Option '--gap <value>' argument missing"],
    [[], 'no input files given (use - for standard input)'],
    [['a', ''], 'an input file name is empty (an unset shell variable?); use - for standard input'],
    [['--report-users', ' , ', '--format', 'html', 'a'], '--report-users needs at least one user id'],
    // As the API and `npm run erase -- --user` refuse it, rather than draw a user of that literal id.
    [
      ['--report-users', 'u-1,~b64.YQ==', '--format', 'html', 'a'],
      '--report-users ~b64.YQ== is no ~b64. form of an id (unpadded base64url of its UTF-8); an id that itself starts with ~b64. is given in its own ~b64. form',
    ],
    [
      ['--report-users', 'u-1', 'a'],
      '--report-users draws users on the html report: use it with --format html',
    ],
  ])('refuses %j, naming the option: %s', (argv, message) => {
    expect(errorOf(argv)).toContain(message);
  });
});

describe('sessionize usage', () => {
  beforeAll(ensureCliBuilt, 120_000);

  it('prints the help with --help and exits 0', async () => {
    const run = await runCli(['--help']);
    expect(run.stdout).toBe(USAGE);
    expect(run.stdout).toContain('Exit status: 0 when every file was read, 1 when a file could not be read');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it('names the bad option on stderr, then where the help is, not the help itself (it would scroll the error away), and exits 2', async () => {
    const run = await runCli(['--gap', 'soon', 'a.ndjson']);
    expect(run.stderr).toBe(
      'sessionize: --gap must be a decimal number of minutes such as 30, 2.5 or 1e3 (got "soon")\n' +
        "Try 'sessionize --help' for the options.\n",
    );
    expect(run.stdout).toBe('');
    expect(run.code).toBe(2);
  });

  it('escapes a value the message quotes once, as the rest of stderr (a tab as \\t, a backslash as \\\\)', async () => {
    for (const [argv, quoted] of [
      [['--gap', '1\t0'], '(got "1\\t0")'],
      [['--max-session', 'a\\b'], '(got "a\\\\b")'],
      [['--gap-by-platform', 'io\ts'], '(got "io\\ts")'],
      [['--gap-by-platform', 'ios=5,,a\u202eb=1'], 'in "ios=5,,a\\u202eb=1"'],
      [['--gap-by-platform', 'a\tb=1,a\tb=2'], 'names "a\\tb" twice'],
      [['--gap-by-platform', 'ios=\x1b[31m'], '(got "\\x1b[31m")'],
    ] as const) {
      const run = await runCli([...argv, 'a.ndjson']);
      expect(run.stderr.split('\n')[0]).toContain(quoted);
      expect(run.code).toBe(2);
    }
  });

  it('says how to name a platform holding = or , in --help', () => {
    expect(USAGE).toMatch(/--gap-by-platform[\s\S]*a JSON object[\s\S]*'\{"tv=box":5,"ios":5\}'/);
  });

  it("keeps the lines of Node's own messages as lines", async () => {
    const run = await runCli(['--format', '-x', 'a.ndjson']);
    expect(run.stderr).toMatch(/^sessionize: Option '--format' argument is ambiguous\.\nDid you forget/);
    expect(run.stderr).not.toContain('\\n');
    expect(run.code).toBe(2);
  });

  it('exits 2 without input files', async () => {
    const run = await runCli([]);
    expect(run.stderr).toBe(
      "sessionize: no input files given (use - for standard input)\nTry 'sessionize --help' for the options.\n",
    );
    expect(run.code).toBe(2);
  });
});
