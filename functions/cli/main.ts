import { parseArgs } from 'node:util';
import { z } from 'zod';
import { summarizeSession, toSessionView } from '../domain/session-view.js';
import { DEFAULT_GAP_MINUTES, minutesToMs } from '../domain/sessionize.js';
import { sessionizeFiles } from './batch.js';
import { OUTPUT_FORMATS, writeCsv, writeJson, writeTable } from './format.js';

const USAGE = `Usage: sessionize [--gap MINUTES] [--format table|json|csv] FILE...

Sessionizes Segment-style export files (JSON array or NDJSON, optionally gzipped) into user sessions:
a user's new session starts at their first event or after more than MINUTES (default ${DEFAULT_GAP_MINUTES}) of inactivity.

Options:
  --gap MINUTES    inactivity gap in minutes (default ${DEFAULT_GAP_MINUTES}; a positive number)
  --format FORMAT  table (default), json or csv
  -h, --help       show this help
`;

const cliOptionsSchema = z.object({
  gap: z.coerce
    .number({ error: '--gap must be a number of minutes' })
    .positive('--gap must be greater than 0')
    .default(DEFAULT_GAP_MINUTES),
  format: z
    .enum(OUTPUT_FORMATS, { error: `--format must be one of ${OUTPUT_FORMATS.join(', ')}` })
    .default('table'),
  files: z.array(z.string()).min(1, 'no input files given'),
});

function fail(message: string): never {
  process.stderr.write(`sessionize: ${message}\n\n${USAGE}`);
  process.exit(2);
}

async function main(): Promise<number> {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  const OPTIONS = {
    gap: { type: 'string' },
    format: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  } as const;
  try {
    parsed = parseArgs({ options: OPTIONS, allowPositionals: true });
  } catch (error) {
    fail((error as Error).message);
  }
  if (parsed.values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const options = cliOptionsSchema.safeParse({ ...parsed.values, files: parsed.positionals });
  if (!options.success) fail(options.error.issues.map((issue) => issue.message).join('; '));
  const { gap, format, files } = options.data;

  const showProgress = process.stderr.isTTY === true;
  const result = await sessionizeFiles(files, {
    gapMs: minutesToMs(gap),
    ...(showProgress && {
      onProgress: (eventsRead: number) =>
        process.stderr.write(`\rsessionize: ${eventsRead.toLocaleString('en')} events read`),
    }),
  });
  if (showProgress && result.accepted >= 100_000) process.stderr.write('\n');

  const write = (text: string) => process.stdout.write(text);
  const views = result.sessions.map((session) => toSessionView(summarizeSession(session)));
  if (format === 'json') writeJson(result, views, write);
  else if (format === 'csv') writeCsv(views, write);
  else writeTable(result, views, write);

  for (const { file, error } of result.errors) process.stderr.write(`sessionize: ${file}: ${error}\n`);
  if (format !== 'table' && result.rejected.length > 0) {
    process.stderr.write(
      `sessionize: ${result.rejected.length} event(s) rejected (see "rejected" in the JSON output)\n`,
    );
  }
  return result.errors.length > 0 ? 1 : 0;
}

process.exitCode = await main();
