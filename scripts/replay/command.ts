// `npm run replay`: enqueues objects already in the bucket for the ingest again (on a deployed stage, every
// version of each), or redrives the dead-letter queue; against the running local stack, or with --stage against
// a deployed stage. Ingest is idempotent, so replaying what was ingested already changes nothing; events of
// erased users are rejected again.
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { escapeControl } from '../../contract/visible-text.js';
import { parseDay, type ReplayResponse } from '../../local/admin-routes.js';
import { dataDirEnv, shellWord } from '../../local/command-words.js';
import { replayOnLocalStack } from '../../local/replay.js';
import { LOCAL_BUCKET } from '../../local/s3-client.js';
import { dataDirFrom } from '../../local/stack-config.js';
import { plural } from '../../local/stack-log.js';
import { createCloudFormationClient, stageRegion } from '../aws/stack-outputs.js';
import { type LineIo, runParsed } from '../command-status.js';
import {
  type DeadLetterRedrive,
  type ObjectReplayResult,
  type ReplayTarget,
  redriveDeadLetters,
  replayObjects,
} from './aws-replay.js';
import { deployedNothingListedHint, nothingListedHint } from './nothing-listed.js';
import { parseReplayOptions, type ReplayOptions, USAGE } from './options.js';
import { replayTargetOf } from './stage-target.js';

export interface CommandIo extends LineIo {
  readonly env: NodeJS.ProcessEnv;
}

const defaultIo: CommandIo = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  env: process.env,
};

/**
 * The command that redrives what a dry run listed: the same prefix, on the same data dir. `--prefix=` keeps a
 * prefix that starts with "-" its value (parseArgs takes `--prefix -x/` for a missing value).
 */
export function redriveCommand(prefix: string | undefined, env: NodeJS.ProcessEnv): string {
  const quoted = prefix === undefined ? '' : ` --prefix=${shellWord(prefix)}`;
  return `${dataDirEnv(dataDirFrom(env))}npm run replay -- --from-dlq${quoted}`;
}

function printLocal(response: ReplayResponse, prefix: string | undefined, io: CommandIo): void {
  if (response.fromDeadLetterQueue) {
    const messages = response.messages ?? [];
    const verb = response.dryRun ? '' : 'redrove ';
    io.out(`${verb}${plural(messages.length, 'dead letter')}${messages.length > 0 ? ':' : ''}`);
    for (const message of messages) {
      const last = message.lastError === undefined ? '' : `; last: ${escapeControl(message.lastError)}`;
      io.out(
        `  ${message.keys.map(escapeControl).join(', ') || `message ${message.messageId}`}  ` +
          `(${plural(message.receiveCount, 'receive')}, dead-lettered ${message.deadLetteredAt ?? '?'}${last})`,
      );
    }
    if (response.dryRun && messages.length > 0)
      io.out(`\`${redriveCommand(prefix, io.env)}\` redrives them.`);
    return;
  }
  printObjects(
    { objects: response.objects ?? [], skipped: response.skipped ?? [], older: response.older ?? 0 },
    LOCAL_BUCKET,
    response.dryRun,
    io,
  );
  const hint = nothingListedHint(response, prefix, io.env);
  if (hint !== undefined) io.out(hint);
}

/**
 * A key as a line shows it: a key may hold any character, and an escape sequence or a bidirectional control
 * must not reach the terminal raw (contract/visible-text.ts).
 */
const shownKey = (bucket: string, key: string) => `s3://${bucket}/${escapeControl(key)}`;

function printObjects(result: ObjectReplayResult, bucket: string, dryRun: boolean, io: CommandIo): void {
  const { objects, skipped } = result;
  const verb = dryRun ? 'would enqueue' : 'enqueued';
  const dry = dryRun ? ' (dry run: nothing enqueued)' : '';
  // A bucket that keeps versions is replayed version by version: one key may be listed more than once.
  const noun = result.versioned === true ? 'object version' : 'object';
  io.out(`${verb} ${plural(objects.length, noun)}${dry}${objects.length > 0 ? ':' : ''}`);
  for (const object of objects) {
    const version =
      object.versionId === undefined
        ? ''
        : `version ${object.versionId}${object.noncurrent === true ? ', noncurrent' : ''}, `;
    // A Date from S3, or its JSON text from the local stack.
    const modified =
      object.lastModified === undefined ? '' : `, modified ${new Date(object.lastModified).toISOString()}`;
    io.out(`  ${shownKey(bucket, object.key)}  (${version}${object.size} bytes${modified})`);
  }
  if (result.older > 0) io.out(`left out ${plural(result.older, noun)} modified before --since`);
  if (skipped.length > 0) io.out(`skipped ${plural(skipped.length, 'object')} the ingest does not read:`);
  for (const { key, reason } of skipped) io.out(`  ${shownKey(bucket, key)}  (${reason})`);
}

function printRedrive(
  redrive: DeadLetterRedrive,
  options: ReplayOptions & { stage: string },
  io: CommandIo,
): void {
  const { dryRun } = options;
  // The region given, else the next command reads the stage's stacks where they are not.
  const region = options.region === undefined ? '' : ` --region ${shellWord(options.region)}`;
  const waiting = `${plural(redrive.deadLetters, 'dead letter')} (approximately) in ${redrive.deadLetterQueueArn}`;
  const last =
    redrive.lastTask === undefined
      ? undefined
      : `latest move task: ${redrive.lastTask.status}, ${plural(redrive.lastTask.moved, 'message')} moved` +
        (redrive.lastTask.toMove === undefined ? '' : ` of ${redrive.lastTask.toMove}`);
  const follow = `follow it with: aws sqs list-message-move-tasks --source-arn ${redrive.deadLetterQueueArn}`;
  const running = redrive.lastTask?.status === 'RUNNING';
  // Not "nothing to move": they are still dead letters, only invisible for a while.
  const inFlight =
    redrive.inFlight === undefined
      ? undefined
      : `${redrive.inFlight} more (approximately) in flight: received and not yet back (looked at in the console, say); they return to the queue after its visibility timeout: run this again then`;
  if (dryRun || redrive.taskHandle === undefined) {
    io.out(waiting);
    if (last !== undefined) io.out(last);
    if (inFlight !== undefined) io.out(inFlight);
    if (running) {
      io.out(`a move task is running already and moves them back to the ingest queue; ${follow}`);
    } else if (dryRun && redrive.deadLetters > 0) {
      io.out(
        `\`npm run replay -- --stage ${options.stage}${region} --from-dlq\` moves them back to the ingest queue.`,
      );
    } else if (!dryRun && inFlight === undefined) {
      io.out('nothing to move');
    }
    return;
  }
  io.out(`moving ${waiting} back to the ingest queue (task ${redrive.taskHandle})`);
  io.out(follow);
  if (inFlight !== undefined) io.out(inFlight);
}

async function replayOnAws(options: ReplayOptions & { stage: string }, io: CommandIo): Promise<void> {
  const region = await stageRegion(options.stage, options.region);
  const cloudFormation = createCloudFormationClient(region);
  const s3 = new S3Client({ region });
  const sqs = new SQSClient({ region });
  try {
    const target: ReplayTarget = await replayTargetOf(options.stage, cloudFormation, region);
    if (options.fromDeadLetterQueue) {
      printRedrive(await redriveDeadLetters(sqs, target, options.dryRun), options, io);
      return;
    }
    const since = options.since === undefined ? undefined : parseDay(options.since);
    const result = await replayObjects({ s3, sqs }, target, {
      prefix: options.prefix,
      since,
      dryRun: options.dryRun,
    });
    printObjects(result, target.bucket, options.dryRun, io);
    const hint = deployedNothingListedHint(result, options.prefix, target);
    if (hint !== undefined) io.out(hint);
  } finally {
    cloudFormation.destroy();
    s3.destroy();
    sqs.destroy();
  }
}

/** Runs the command; resolves to its exit status (2 for bad arguments, 1 when the replay failed). */
export async function runReplay(argv: readonly string[], io: CommandIo = defaultIo): Promise<number> {
  // `npm run dlq` runs this command too: its errors name the one typed.
  const name = io.env.npm_lifecycle_event === 'dlq' ? 'dlq' : 'replay';
  return runParsed(
    { name, usage: USAGE, help: `npm run ${name} --` },
    parseReplayOptions(argv),
    io,
    async (options) => {
      if (options.stage !== undefined) {
        await replayOnAws({ ...options, stage: options.stage }, io);
      } else {
        const response = await replayOnLocalStack(
          {
            dryRun: options.dryRun,
            fromDeadLetterQueue: options.fromDeadLetterQueue,
            ...(options.prefix !== undefined && { prefix: options.prefix }),
            ...(options.since !== undefined && { since: options.since }),
          },
          io.env,
        );
        printLocal(response, options.prefix, io);
      }
    },
  );
}
