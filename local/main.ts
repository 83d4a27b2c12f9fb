// `npm start`: the whole pipeline locally, no AWS account. See docs/local.md.
import { isAbsolute, relative } from 'node:path';
import type { IngestOutcome } from './ingest-queue.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './s3-client.js';
import { INCOMING_PREFIX, type LocalStack, startLocalStack } from './stack.js';
import { loadLocalStackConfig } from './stack-config.js';

// A user of the sample export, for the copy-paste example.
const EXAMPLE_USER = 'user_1001';
const EXAMPLE_FILE = 'events/sample-export.ndjson';

// The SDK warns on every start that Node 20 support ends in 2027; Lambda's runtime decides that, not
// this dev tool, and the notice would bury the endpoints.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** Paths inside the repository are shown relative to it, others in full. */
function shortPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

const time = () => new Date().toISOString().slice(11, 19);
const say = (line: string) => console.log(`${time()} ${line}`);

function describeError(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    return error.errors.map(describeError).join('; ');
  }
  if (error instanceof Error) return error.message;
  return String(error);
}

function formatOutcome(outcome: IngestOutcome): string {
  const seconds = `${(outcome.durationMs / 1000).toFixed(1)} s`;
  const tries = outcome.attempts > 1 ? `, ${outcome.attempts} attempts` : '';
  switch (outcome.status) {
    case 'ingested': {
      const { eventsRead, rejected, sessionsWritten, usersTouched } = outcome.stats;
      const report = outcome.report === undefined ? '' : ` (report: ${outcome.report})`;
      return (
        `ingested ${outcome.key}: ${eventsRead} events, ${rejected} rejected${report}, ` +
        `${usersTouched} users, ${sessionsWritten} sessions written (${seconds}${tries})`
      );
    }
    case 'file-failed':
      return (
        `NOT an export: ${outcome.key}: ${outcome.stats.fileError ?? 'unreadable'}; ` +
        `${outcome.stats.eventsRead} events read, ${outcome.stats.sessionsWritten} sessions written ` +
        `(report: ${outcome.report})`
      );
    case 'gone':
      return `skipped ${outcome.key}: deleted before it could be read`;
    case 'skipped':
      return `skipped ${outcome.key}: ${outcome.reason}`;
    case 'failed':
      return (
        `FAILED ${outcome.key} after ${outcome.attempts} attempts: ${describeError(outcome.error)}; ` +
        'it is retried on the next start'
      );
    case 'interrupted':
      return `interrupted ${outcome.key}: it is ingested on the next start`;
  }
}

function banner(stack: LocalStack, s3Port: number): string {
  const uploadEnv = s3Port === 4569 ? '' : `S3_PORT=${s3Port} `;
  const credentials =
    `AWS_ACCESS_KEY_ID=${LOCAL_CREDENTIALS.accessKeyId} AWS_SECRET_ACCESS_KEY=${LOCAL_CREDENTIALS.secretAccessKey} ` +
    `AWS_REGION=${LOCAL_REGION}`;
  const dropDir = stack.dropDir === undefined ? '(disabled)' : stack.dropDir;
  return [
    '',
    'Sessionizer local stack is ready.',
    `  Lookup API      ${stack.apiUrl}   (GET /users/{userId}, /users/{userId}/sessions, /users/{userId}/sessions/{sessionId})`,
    `  S3 endpoint     ${stack.s3Endpoint}   bucket ${stack.bucket}; objects under ${INCOMING_PREFIX} are ingested`,
    `  S3 credentials  ${credentials}   (path-style addressing)`,
    `  DynamoDB Local  ${stack.dynamoDbEndpoint}   table ${stack.tableName}`,
    `  Drop folder     ${dropDir}   (files are uploaded to ${INCOMING_PREFIX}, then moved to done/)`,
    `  Data            ${stack.dataDir}   (delete it while stopped to start empty)`,
    '',
    'Try it (in another terminal):',
    `  ${uploadEnv}npm run upload -- ${EXAMPLE_FILE}`,
    `  curl -s '${stack.apiUrl}/users/${EXAMPLE_USER}/sessions?order=asc'`,
    '',
    `Press Ctrl-C to stop (or: kill ${process.pid}).`,
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  let config: ReturnType<typeof loadLocalStackConfig>;
  try {
    config = loadLocalStackConfig();
  } catch (error) {
    console.error(`npm start: ${describeError(error)}`);
    process.exit(2);
  }

  let stack: LocalStack | undefined;
  let stoppingSince: number | undefined;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stoppingSince !== undefined) {
      // One Ctrl-C can arrive twice: from the terminal and relayed by tsx's parent process.
      if (Date.now() - stoppingSince < 2_000) return;
      // A second Ctrl-C: do not wait any longer. Children are killed by the exit handler.
      process.exit(1);
    }
    stoppingSince = Date.now();
    say(`${signal}: stopping...`);
    void (stack?.stop() ?? Promise.resolve()).then(
      () => {
        say('stopped.');
        process.exit(0);
      },
      (error: unknown) => {
        console.error(`error while stopping: ${describeError(error)}`);
        process.exit(1);
      },
    );
  };
  // Installed before anything starts. A Ctrl-C during startup exits at once; the children are killed by
  // process-utils' exit handler.
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  // The terminal went away.
  process.on('SIGHUP', shutdown);

  say(`starting DynamoDB Local and S3 (data in ${shortPath(config.dataDir)})...`);
  try {
    stack = await startLocalStack({
      port: config.port,
      s3Port: config.s3Port,
      dynamoDbPort: config.dynamoDbPort,
      gapMinutes: config.gapMinutes,
      dataDir: config.dataDir,
      ...(config.dropDir !== undefined && { dropDir: config.dropDir }),
      ...(config.cursorSigningKey !== undefined && { cursorSigningKey: config.cursorSigningKey }),
      corsAllowedOrigins: config.corsAllowedOrigins,
      log: {
        ingest: (outcome) => say(formatOutcome(outcome)),
        ingestRetry: (key, attempt, error, delayMs) =>
          say(
            `ingest of ${key} failed (attempt ${attempt}): ${describeError(error)}; retrying in ${delayMs} ms`,
          ),
        dropped: (name, key, movedTo) =>
          say(`drop folder: uploaded ${name} as ${key}, moved to ${shortPath(movedTo)}`),
        warn: (message, error) => say(error === undefined ? message : `${message}: ${describeError(error)}`),
      },
    });
  } catch (error) {
    console.error(`\nnpm start: could not start the local stack: ${describeError(error)}`);
    process.exit(1);
  }
  console.log(banner(stack, config.s3Port === 0 ? Number(new URL(stack.s3Endpoint).port) : config.s3Port));
}

await main();
