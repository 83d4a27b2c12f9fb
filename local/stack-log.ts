// How `npm start` words what the stack reports: one line per ingested object (from the handler's
// structured log), per failed or dead-lettered delivery (from the queue), per erasure, and the banner.
import { escapeControl } from '../contract/visible-text.js';
import {
  NOT_AN_EXPORT,
  NOT_AN_EXPORT_HINT,
  NOTHING_TO_READ,
} from '../functions/domain/reading/read-export.js';
import { describeRules } from '../functions/domain/rules/session-rules.js';
import { dataDirEnv, shortPath } from './command-words.js';
import type { DynamoDbFaults, ThrottleForm } from './dynamodb-faults.js';
import { describeError } from './errors.js';
import type { LogLevel } from './ingest-handler.js';
import type { QueueActivity } from './ingest-queue.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './s3-client.js';
import type { LocalStack } from './stack.js';
import type { IngestQueueSettings } from './stack-config.js';

/** "1 user", "2 users". */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/**
 * Keys, ZIP member names and the errors and reasons naming them come from outside (a drop folder's file name, an
 * archive's member paths): escaped, as the CLI shows them, so none writes escape sequences to the terminal.
 */
const shown = (value: unknown) => escapeControl(String(value));

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
const number = (value: unknown) => (typeof value === 'number' ? value : 0);

interface LoggedFile {
  file?: unknown;
  format?: unknown;
  error?: unknown;
  skipped?: unknown;
  looksLike?: unknown;
}

/** Files whose every record was rejected in their source's format while they show another's. */
function misplaced(files: readonly LoggedFile[]): string | undefined {
  const wrong = files.filter((file) => typeof file.looksLike === 'string');
  if (wrong.length === 0) return undefined;
  const each = wrong.map((file) => `${shown(file.file)} looks like ${shown(file.looksLike)}`).join(', ');
  return `every record rejected as the source's format, but ${each}: upload it under a prefix that reads that format`;
}

function filesOf(attributes: Record<string, unknown>): LoggedFile[] {
  return Array.isArray(attributes.files) ? (attributes.files as LoggedFile[]) : [];
}

/**
 * `read as segment`, or `read as amplitude, mixpanel` for an archive of several formats: of every file, which
 * an entry listing only some of them (an archive of thousands of members) gives as `formats`.
 */
function formatsOf(attributes: Record<string, unknown>, files: readonly LoggedFile[]): string | undefined {
  const given = Array.isArray(attributes.formats)
    ? (attributes.formats as unknown[])
    : files.map((file) => file.format);
  const formats = [...new Set(given.filter((format) => typeof format === 'string'))];
  return formats.length === 0 ? undefined : `read as ${formats.map(shown).join(', ')}`;
}

/**
 * A line for one entry of the ingest handler's log, read by its attributes: an ingested object carries its
 * counts and the files it held; a file that could not be read entirely, which file and why. Other info
 * entries are not worth a line.
 */
export function formatHandlerLog(
  level: LogLevel,
  message: string,
  attributes: Record<string, unknown>,
): string | undefined {
  const key = typeof attributes.key === 'string' ? shown(attributes.key) : undefined;
  const report = typeof attributes.report === 'string' ? shown(attributes.report) : undefined;
  const files = filesOf(attributes);
  const counts =
    `${plural(number(attributes.records), 'event')}, ${number(attributes.rejected)} rejected, ` +
    `${plural(number(attributes.usersTouched), 'user')}, ${plural(number(attributes.sessionsWritten), 'session')} written`;
  const duplicates = number(attributes.duplicates);
  const erased = number(attributes.erased);
  const details = [
    duplicates > 0 ? plural(duplicates, 'duplicate') : undefined,
    // Events of erased users, reported as rejected with the reason `erased`.
    erased > 0 ? `${erased} of erased users` : undefined,
    formatsOf(attributes, files),
    misplaced(files),
    number(attributes.filesNotListed) > 0
      ? `${plural(number(attributes.filesNotListed), 'more file')} not listed`
      : undefined,
  ].filter(Boolean);
  const broken = files.filter((file) => typeof file.error === 'string');
  if (key !== undefined && broken.length > 0) {
    const reasons = broken
      .map((file) => {
        const hint = file.error === NOT_AN_EXPORT ? ` (${NOT_AN_EXPORT_HINT})` : '';
        return `${shown(file.file)}: ${shown(file.error)}${hint}`;
      })
      .join('; ');
    const more = details.length > 0 ? `; ${details.join('; ')}` : '';
    return `NOT entirely read: ${reasons}; ${counts} from what was read${more} (report: ${report ?? 'none'})`;
  }
  if (level === 'info' && key !== undefined && typeof attributes.records === 'number') {
    const took = typeof attributes.durationMs === 'number' ? ` (${seconds(attributes.durationMs)})` : '';
    const skipped = files.filter((file) => typeof file.skipped === 'string').map((file) => shown(file.file));
    if (skipped.length > 0) details.push(`skipped ${skipped.join(', ')}`);
    // An empty object (or blank lines, or []) is no error, but 0 events alone would read as events gone missing.
    if (attributes.records === 0) details.unshift(`it ${NOTHING_TO_READ}`);
    return (
      `ingested ${key}: ${counts}${report === undefined ? '' : ` (report: ${report})`}` +
      `${details.length > 0 ? `; ${details.join('; ')}` : ''}${took}`
    );
  }
  if (level === 'info') return undefined;
  const error = attributes.error === undefined ? '' : ` (${shown(describeError(attributes.error))})`;
  return `ingest ${level === 'warn' ? 'warning' : 'error'}:${key === undefined ? '' : ` ${key}`} ${shown(message)}${error}`;
}

/** A line for an erasure through the admin route (the id itself is only in the response). */
export function formatAdminLog(message: string, attributes: Record<string, unknown>): string {
  if (message !== 'user erased') return `admin: ${message}`;
  return (
    `erased a user: ${plural(number(attributes.itemsDeleted), 'item')} deleted, ` +
    `${plural(number(attributes.anonymousIdsErased), 'stitched anonymousId')} erased with it`
  );
}

/**
 * A line for a delivery that did not succeed; successes are the handler's lines. `commandEnv` goes before
 * the commands it suggests ({@link dataDirEnv}).
 */
export function formatQueueActivity(
  activity: QueueActivity,
  keys: string[],
  commandEnv = '',
): string | undefined {
  const what = keys.length > 0 ? keys.map(shown).join(', ') : `message ${activity.message.messageId}`;
  switch (activity.type) {
    case 'succeeded':
      return undefined;
    case 'failed': {
      const next = activity.lastReceive ? 'it goes to the dead-letter queue' : 'it is received again';
      return (
        `FAILED ${what} (receive ${activity.message.receiveCount}): ${shown(activity.reason)}; ` +
        `${next} in ${seconds(activity.retryInMs)}`
      );
    }
    case 'released':
      return `stopped while ingesting ${what}: it is ingested again on the next start`;
    case 'dead-lettered':
      return (
        `DEAD-LETTERED ${what} after ${plural(activity.message.receiveCount, 'receive')}` +
        `${activity.message.lastError === undefined ? '' : ` (last: ${shown(activity.message.lastError)})`}; ` +
        `\`${commandEnv}npm run dlq\` lists the dead letters, \`${commandEnv}npm run replay -- --from-dlq\` redrives them`
      );
  }
}

/** The line for the objects a start enqueued because no earlier run finished them; none when there are none. */
export function formatRecovered(keys: readonly string[]): string | undefined {
  if (keys.length === 0) return undefined;
  return `enqueued ${plural(keys.length, 'object')} no earlier run finished: ${keys.map(shown).join(', ')}`;
}

/** The line for a file of the drop folder uploaded as `key` and moved to `movedTo`. */
export function formatDropped(name: string, key: string, movedTo: string): string {
  return `drop folder: uploaded ${shown(name)} as ${shown(key)}, moved to ${shown(shortPath(movedTo))}`;
}

/** A line for a DynamoDB call the stack throttled on purpose (SESSIONIZER_LOCAL_FAULTS). */
export function formatThrottle(operation: string, form: ThrottleForm): string {
  return `fault injected: ${operation} throttled (${form})`;
}

/** The banner's line for SESSIONIZER_LOCAL_FAULTS, so nobody mistakes injected faults for real ones. */
function faultsLine(faults: DynamoDbFaults | undefined): string[] {
  if (faults === undefined || faults.throttle <= 0) return [];
  const percent = Number((faults.throttle * 100).toFixed(2));
  return [`  Faults          ${percent}% of DynamoDB calls throttled on purpose (SESSIONIZER_LOCAL_FAULTS)`];
}

// A user of the sample export, for the copy-paste example.
const EXAMPLE_USER = 'user_1001';
const EXAMPLE_FILE = 'events/sample-export.ndjson';

export function banner(stack: LocalStack, queue: IngestQueueSettings, faults?: DynamoDbFaults): string {
  const credentials =
    `AWS_ACCESS_KEY_ID=${LOCAL_CREDENTIALS.accessKeyId} AWS_SECRET_ACCESS_KEY=${LOCAL_CREDENTIALS.secretAccessKey} ` +
    `AWS_REGION=${LOCAL_REGION}`;
  const prefixes = stack.sources.map((source) => `${source.prefix} (${source.format})`).join(', ');
  const dropDir = stack.dropDir === undefined ? '(disabled)' : shortPath(stack.dropDir);
  // The other commands find the running stack through its data dir.
  const dataEnv = dataDirEnv(stack.dataDir);
  return [
    '',
    'Sessionizer local stack is ready.',
    `  Viewer          ${stack.apiUrl}/   (open it in a browser; ${stack.apiUrl}/?user=${EXAMPLE_USER} after the upload below)`,
    `  Lookup API      ${stack.apiUrl}   (GET /users/{userId}, /users/{userId}/sessions, /users/{userId}/sessions/{sessionId})`,
    `  Admin route     ${stack.apiUrl}/admin/users/{userId}   (DELETE erases a user: \`${dataEnv}npm run erase -- --user ID\`)`,
    `  S3 endpoint     ${stack.s3Endpoint}   bucket ${stack.bucket}; ingested: ${prefixes}`,
    `  S3 credentials  ${credentials}   (path-style addressing)`,
    `  DynamoDB Local  ${stack.dynamoDbEndpoint}   table ${stack.tableName}`,
    `  Ingest queue    batches of ${queue.batchSize}, ${queue.maxConcurrency} at once, retried after ` +
      `${seconds(queue.visibilityTimeoutMs)}, dead-lettered after ${plural(queue.maxReceiveCount, 'receive')}`,
    `  Session rules   ${describeRules(stack.sessionRules)}   (set by SESSION_GAP_MINUTES and the other variables of docs/local.md)`,
    `  Drop folder     ${dropDir}   (files are uploaded to ${stack.dropPrefix}, then moved to done/)`,
    `  Data            ${shortPath(stack.dataDir)}   (${stack.keptData ? "an earlier run's sessions, kept; " : ''}delete it while stopped to start empty)`,
    ...faultsLine(faults),
    '',
    'Try it (in another terminal):',
    // Through the data dir, as the other commands: upload takes this stack's S3 port and sources from it.
    `  ${dataEnv}npm run upload -- ${EXAMPLE_FILE}`,
    `  curl -s '${stack.apiUrl}/users/${EXAMPLE_USER}/sessions?order=asc'`,
    `  ${dataEnv}npm run replay -- --dry-run   (what a replay would enqueue)`,
    `  ${dataEnv}npm run dlq                   (the dead-letter queue)`,
    '',
    `Press Ctrl-C to stop (or: kill ${process.pid}).`,
    '',
  ].join('\n');
}
