import * as z from 'zod';
import { BASE64_ID_PREFIX, INPUT_FORMATS, idOfBase64Id, NOT_A_BASE64_ID } from '../contract/index.js';
import { parseJsonWithRepeats } from '../contract/repeated-keys.js';
import {
  DEFAULT_GAP_MINUTES,
  minutesInput,
  type SessionRules,
} from '../functions/domain/rules/session-rules.js';
import {
  gapsByPlatformSchema,
  MAX_MINUTES,
  minutesTextProblem,
} from '../functions/shared/session-rules-schema.js';
import { readCommandLine } from './command-line.js';
import { quoted } from './terminal-text.js';

export const OUTPUT_FORMATS = ['table', 'json', 'csv', 'html'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export const USAGE = `Usage: sessionize [options] FILE...

Sessionizes analytics export files (Segment/RudderStack, Amplitude, Mixpanel, PostHog; NDJSON or a JSON
array, gzipped or not, or ZIP archives of them) into user sessions: a user's new session starts at their
first event or after more than the gap of inactivity (${DEFAULT_GAP_MINUTES} minutes unless set). "-" reads standard input;
a directory, every file below it, e.g. a copy of segment-logs/, hidden ones too, as the ingest reads them
(manifest.json, _SUCCESS, Parquet, .DS_Store and ._ files skipped with a note, as the ingest skips them, and
hidden folders such as .git and named pipes with a note: name one to read it; sockets, which hold nothing to
read, with a note too; an AWS Lambda test event, such as those in the repository's events/lambda/, listed as
skipped once read).

Options:
  --gap MINUTES                 inactivity gap (default ${DEFAULT_GAP_MINUTES}; fractional minutes allowed)
  --gap-by-platform LIST        gap per platform, e.g. ios=5,android=5 (an event uses its own platform's gap;
                                platforms are compared lowercased, so IOS=5 means ios=5); a platform
                                holding = or , goes in a JSON object instead, keys as written in
                                lowercase: '{"tv=box":5,"ios":5}'
  --max-session MINUTES         cap: a session never lasts longer than this (default: no cap)
  --stitch                      identity stitching: an anonymousId's events join the user it is linked to
  --input-format FORMAT         auto (default), segment, amplitude, mixpanel or posthog (in any case)
  --format FORMAT               table (default), json, csv or html (a self-contained report; in any case)
  --report-users ID,ID          users drawn on the html report's timelines (default: the busiest); an id
                                with a comma in its ~b64. form (base64url of its UTF-8, as in the API)
  -h, --help                    show this help

Rejected events and table rows beyond a few megabytes wait in a file under $TMPDIR until the end.
Standard input and pipes are copied there first: a tie between copies of an event may read them again.
In csv, a cell that starts with =, +, - or @ gets a leading ' so that a spreadsheet shows it as text (one
that starts with ' gets one too: taking one leading ' off gives the value back), and control characters
other than the line feed show as escapes (\\t, \\r, \\x1b, \\u2028) and a backslash as \\\\ (in the table
and html, line feeds too); JSON text (csv's anonymousIds, a value sent as an object, in csv and the table)
keeps its own escapes, never escaped twice; json gives every value exact.

Exit status: 0 when every file was read, 1 when a file could not be read (it is named on stderr, and in
json output; the other files still count), the temporary folder filled up, an input changed while it was
read, or the output could not be written, 2 for a usage error, 128 + the signal's number when interrupted
(130 for Ctrl-C). A reader that closes the output early (| head) ends the run quietly by SIGPIPE (141),
or with 1 when a file could not be read; its temporary files are removed either way.
`;

const minutes = (option: string) =>
  z.preprocess(
    minutesInput,
    z
      .number({ error: (issue) => `${option} ${minutesTextProblem(issue.input, quoted)}` })
      // As the stages' rules: 0 is a gap too (events at one instant stay together).
      .refine((value) => value >= 0, `${option} must be 0 or more`)
      .refine((value) => value <= MAX_MINUTES, `${option} must be at most ${MAX_MINUTES} (a thousand years)`),
  );

/** What a JSON --gap-by-platform must be, in its messages. */
const JSON_GAPS_EXAMPLE = '{"ios":5,"tv=box":5}';

/**
 * The JSON form, `{"tv=box":5,"a,b":10}`: for a platform a PLATFORM=MINUTES pair cannot name (one holding `=`
 * or `,`, or spaces around it), read as SESSION_GAP_MINUTES_BY_PLATFORM and a stage's config read theirs:
 * keys as written (lowercase), minutes as JSON numbers, each platform once.
 */
function jsonPlatformGaps(text: string, ctx: z.RefinementCtx): Record<string, number> {
  const parsed = parseJsonWithRepeats(text);
  if ('syntaxError' in parsed) {
    ctx.addIssue({
      code: 'custom',
      message: `--gap-by-platform must be a JSON object like ${JSON_GAPS_EXAMPLE} when it starts with { (${parsed.syntaxError})`,
    });
    return z.NEVER;
  }
  const repeated = parsed.repeated[0];
  if (repeated !== undefined) {
    ctx.addIssue({ code: 'custom', message: `--gap-by-platform names ${quoted(repeated)} twice` });
    return z.NEVER;
  }
  const checked = z.safeParse(gapsByPlatformSchema, parsed.value);
  if (!checked.success) {
    // A name's problem names it (or is its length); a gap's says only "a platform gap", so its platform is named.
    const message = checked.error.issues[0]?.message ?? 'is invalid';
    const platform = checked.error.issues[0]?.path[0];
    const named = typeof platform === 'string' && message.startsWith('a platform gap');
    ctx.addIssue({
      code: 'custom',
      message: `--gap-by-platform${named ? ` ${quoted(platform)}` : ''}: ${message}`,
    });
    return z.NEVER;
  }
  return checked.data;
}

const platformGaps = z.string().transform((text, ctx) => {
  if (text.trimStart().startsWith('{')) return jsonPlatformGaps(text, ctx);
  const gaps = new Map<string, number>();
  for (const entry of text.split(',')) {
    const [platform, value, ...rest] = entry.split('=');
    const key = platform?.trim().toLowerCase() ?? '';
    if (key === '' || value === undefined || rest.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message:
          entry.trim() === '' && text.includes(',')
            ? `--gap-by-platform has an empty pair in ${quoted(text)}: drop the extra comma`
            : `--gap-by-platform expects PLATFORM=MINUTES pairs separated by commas (got ${quoted(entry)})${rest.length > 0 ? `; a platform holding = or , is named in a JSON object instead, such as ${JSON_GAPS_EXAMPLE}` : ''}`,
      });
      return z.NEVER;
    }
    // A well-formed pair with a bad number says what is wrong with the number, as --gap does.
    const parsed = minutes(`--gap-by-platform ${key}`).safeParse(value.trim());
    if (!parsed.success) {
      ctx.addIssue({
        code: 'custom',
        message: parsed.error.issues[0]?.message ?? 'is not a number of minutes',
      });
      return z.NEVER;
    }
    if (gaps.has(key)) {
      ctx.addIssue({ code: 'custom', message: `--gap-by-platform names ${quoted(key)} twice` });
      return z.NEVER;
    }
    gaps.set(key, parsed.data);
  }
  // Lowercased above for the command line's ease, then checked as the stage config and the local stack check
  // theirs (at most 1,024 UTF-16 code units); own keys, `__proto__` included.
  const checked = z.safeParse(gapsByPlatformSchema, Object.fromEntries(gaps));
  if (!checked.success) {
    ctx.addIssue({ code: 'custom', message: `--gap-by-platform: ${checked.error.issues[0]?.message}` });
    return z.NEVER;
  }
  return checked.data;
});

/**
 * A name from a fixed list in any case, spaces around it dropped: \`--input-format Segment\` (as the vendor
 * writes it) or \`--format JSON\` names one format only, so refusing it would only make the user retype it.
 */
const formatName = <const Names extends readonly [string, ...string[]]>(option: string, names: Names) =>
  z.string().transform((given, ctx): Names[number] => {
    const name = names.find((known) => known === given.trim().toLowerCase());
    if (name !== undefined) return name;
    // As sent: a value forgotten takes the next word (a file name), which the message then shows.
    ctx.addIssue({
      code: 'custom',
      message: `${option} must be one of ${names.join(', ')} (got ${quoted(given)})`,
    });
    return z.NEVER;
  });

const optionsSchema = z
  .object({
    gap: minutes('--gap').default(DEFAULT_GAP_MINUTES),
    'gap-by-platform': platformGaps.optional(),
    'max-session': minutes('--max-session').optional(),
    stitch: z.boolean().default(false),
    'input-format': formatName('--input-format', INPUT_FORMATS).default('auto'),
    format: formatName('--format', OUTPUT_FORMATS).default('table'),
    'report-users': z
      .string()
      .transform((text, ctx) => {
        const ids: string[] = [];
        for (const given of text.split(',').map((id) => id.trim())) {
          if (given === '') continue;
          // An id holding a comma (or starting like this form) goes in its ~b64. form, as in API paths; one
          // that is no such form is refused as the API and the erase command refuse it, not read as written.
          const id = given.startsWith(BASE64_ID_PREFIX) ? idOfBase64Id(given) : given;
          if (id === undefined) {
            ctx.addIssue({ code: 'custom', message: `--report-users ${given} ${NOT_A_BASE64_ID}` });
            return z.NEVER;
          }
          ids.push(id);
        }
        return ids;
      })
      .refine(
        (ids) => ids.length > 0,
        '--report-users needs at least one user id (without it the report draws the busiest users)',
      )
      .optional(),
    files: z
      .array(
        // `sessionize "$DIR"` with DIR unset: said as such, not as a file named "" that does not exist.
        z.string().min(1, 'an input file name is empty (an unset shell variable?); use - for standard input'),
      )
      .min(1, 'no input files given (use - for standard input)'),
  })
  .refine((values) => values['report-users'] === undefined || values.format === 'html', {
    message: '--report-users draws users on the html report: use it with --format html',
  });

export interface CliOptions {
  readonly rules: SessionRules;
  readonly inputFormat: (typeof INPUT_FORMATS)[number];
  readonly format: OutputFormat;
  readonly reportUsers: readonly string[] | undefined;
  readonly files: readonly string[];
}

export type ParsedCommandLine =
  | { kind: 'help' }
  | { kind: 'run'; options: CliOptions }
  | { kind: 'error'; message: string };

/** Options that take a number of minutes: `--gap -5` means the value -5 (refused as such), not an option. */
const MINUTE_OPTIONS = new Set(['--gap', '--max-session']);

/** What a negative value starts with: a digit or a point, or the words of an unbounded one (-Infinity, -inf). */
const NEGATIVE_MINUTES = /^-(?:[\d.]|inf|nan)/i;

/** `--gap -5` as `--gap=-5`, which parseArgs would otherwise call ambiguous instead of saying what is wrong. */
function joinNegativeMinutes(argv: readonly string[]): string[] {
  const joined: string[] = [];
  for (let at = 0; at < argv.length; at++) {
    const word = argv[at] as string;
    const next = argv[at + 1];
    if (word === '--') return [...joined, ...argv.slice(at)];
    if (MINUTE_OPTIONS.has(word) && next !== undefined && NEGATIVE_MINUTES.test(next)) {
      joined.push(`${word}=${next}`);
      at++;
    } else joined.push(word);
  }
  return joined;
}

export function parseCommandLine(argv: readonly string[]): ParsedCommandLine {
  const parsed = readCommandLine(
    {
      args: joinNegativeMinutes(argv),
      allowPositionals: true,
      options: {
        gap: { type: 'string' },
        'gap-by-platform': { type: 'string' },
        'max-session': { type: 'string' },
        stitch: { type: 'boolean' },
        'input-format': { type: 'string' },
        format: { type: 'string' },
        'report-users': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    },
    { 'gap-by-platform': ' (name every platform in one list: ios=5,android=5)' },
  );
  if ('problem' in parsed) return { kind: 'error', message: parsed.problem };
  if (parsed.values.help) return { kind: 'help' };
  const result = optionsSchema.safeParse({ ...parsed.values, files: parsed.positionals });
  if (!result.success)
    return { kind: 'error', message: result.error.issues.map((issue) => issue.message).join('; ') };
  const values = result.data;
  return {
    kind: 'run',
    options: {
      rules: {
        gapMinutes: values.gap,
        gapMinutesByPlatform: values['gap-by-platform'] ?? {},
        maxSessionMinutes: values['max-session'],
        identityStitching: values.stitch,
      },
      inputFormat: values['input-format'],
      format: values.format,
      reportUsers: values['report-users'],
      files: values.files,
    },
  };
}
