// `npm run replay`: asks the running local stack to enqueue objects for the ingest again, or to redrive
// its dead-letter queue; `npm run dlq` is `npm run replay -- --from-dlq --dry-run`. It finds the stack
// through the lock in its data dir, and talks to its admin route on the API (127.0.0.1 only). See
// docs/local.md.
import { parseArgs } from 'node:util';
import { REPLAY_ROUTE, type ReplayResponse } from './admin-routes.js';
import { liveLockHolder } from './data-dir-lock.js';
import { isConnectionRefused } from './errors.js';
import { ADMIN_PATH_PREFIX } from './http-api.js';
import { LOCAL_BUCKET } from './s3-client.js';
import { dataDirFrom } from './stack-config.js';
import { plural, shortPath } from './stack-log.js';

const USAGE = `Usage: npm run replay -- [--prefix PREFIX] [--since YYYY-MM-DD] [--dry-run] [--from-dlq]

Enqueues objects already in the running local stack's bucket for the ingest again (ingest is
idempotent: replaying an object the current code already ingested changes nothing), or redrives
its dead-letter queue.

Options:
  --prefix PREFIX  only objects under PREFIX (default: every source prefix); objects outside the
                   source prefixes are never enqueued
  --since DAY      only objects modified on or after DAY (YYYY-MM-DD, UTC)
  --dry-run        list what would be enqueued, enqueue nothing
  --from-dlq       redrive the dead letters instead (with --prefix: those of objects under PREFIX)
  -h, --help       show this help

\`npm run dlq\` lists the dead letters (the same as --from-dlq --dry-run).

Environment:
  SESSIONIZER_DATA_DIR  the data dir of the stack (default .sessionizer), as given to \`npm start\``;

const parseCommandLine = (argv: string[]) =>
  parseArgs({
    args: argv,
    options: {
      prefix: { type: 'string' },
      since: { type: 'string' },
      'dry-run': { type: 'boolean' },
      'from-dlq': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });

function print(response: ReplayResponse): void {
  if (response.fromDeadLetterQueue) {
    const messages = response.messages ?? [];
    const verb = response.dryRun ? '' : 'redrove ';
    console.log(`${verb}${plural(messages.length, 'dead letter')}${messages.length > 0 ? ':' : ''}`);
    for (const message of messages) {
      const last = message.lastError === undefined ? '' : `; last: ${message.lastError}`;
      console.log(
        `  ${message.keys.join(', ') || `message ${message.messageId}`}  ` +
          `(${plural(message.receiveCount, 'receive')}, dead-lettered ${message.deadLetteredAt ?? '?'}${last})`,
      );
    }
    if (response.dryRun && messages.length > 0) console.log('`npm run replay -- --from-dlq` redrives them.');
    return;
  }
  const objects = response.objects ?? [];
  const verb = response.dryRun ? 'would enqueue' : 'enqueued';
  const dry = response.dryRun ? ' (dry run: nothing enqueued)' : '';
  console.log(`${verb} ${plural(objects.length, 'object')}${dry}${objects.length > 0 ? ':' : ''}`);
  for (const object of objects) {
    const modified = object.lastModified === undefined ? '' : `, modified ${String(object.lastModified)}`;
    console.log(`  s3://${LOCAL_BUCKET}/${object.key}  (${object.size} bytes${modified})`);
  }
}

async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine(argv);
  } catch (error) {
    console.error(`replay: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const dataDir = dataDirFrom();
  const holder = liveLockHolder(dataDir);
  if (holder === undefined) {
    console.error(
      `replay: the local stack is not running on the data dir ${shortPath(dataDir)}.\n` +
        'Start it with `npm start` in another terminal, or set SESSIONIZER_DATA_DIR to the data dir it uses.',
    );
    return 1;
  }
  if (holder.apiUrl === undefined) {
    console.error(
      `replay: the local stack (pid ${holder.pid}) is still starting; try again once it is ready.`,
    );
    return 1;
  }
  const request = {
    dryRun: values['dry-run'] === true,
    fromDeadLetterQueue: values['from-dlq'] === true,
    ...(values.prefix !== undefined && { prefix: values.prefix }),
    ...(values.since !== undefined && { since: values.since }),
  };
  let response: Response;
  try {
    response = await fetch(`${holder.apiUrl}${ADMIN_PATH_PREFIX}${REPLAY_ROUTE}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request),
    });
  } catch (error) {
    console.error(
      isConnectionRefused(error)
        ? `replay: the local stack (pid ${holder.pid}) does not answer at ${holder.apiUrl}`
        : `replay: ${error instanceof Error ? error.message : String(error)}`,
    );
    return 1;
  }
  const body = (await response.json().catch(() => undefined)) as
    | ReplayResponse
    | { error?: { message?: string } }
    | undefined;
  if (!response.ok) {
    const message = (body as { error?: { message?: string } } | undefined)?.error?.message;
    console.error(`replay: ${message ?? `the stack answered ${response.status}`}`);
    return response.status === 400 ? 2 : 1;
  }
  print(body as ReplayResponse);
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
