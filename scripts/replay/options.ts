// `npm run replay`'s command line: its usage text, and the arguments read into what to replay where.
import { readCommandLine } from '../../cli/command-line.js';
import { dayProblem } from '../../local/admin-routes.js';
import { notDeployedStage } from '../aws/deployed-stage.js';

export const USAGE = `Usage: npm run replay -- [--stage STAGE [--region REGION]] [--prefix PREFIX] [--since YYYY-MM-DD]
                         [--dry-run] [--from-dlq]

Enqueues objects already in the bucket for the ingest again (ingest is idempotent: replaying an object
the current code already ingested changes nothing, and events of erased users are rejected again), or
redrives the dead-letter queue. Without --stage: the running local stack (its S3 keeps no versions).
With --stage: a deployed stage, with your AWS credentials (the default chain: AWS_PROFILE, SSO,
environment, ...); its bucket keeps versions, and every version is enqueued, each message naming it,
noncurrent ones and those behind a delete marker included (delete markers themselves are not).

Options:
  --stage STAGE    a deployed stage: its bucket and queues are the outputs of its stacks
  --region REGION  the stage's AWS region (default: AWS_REGION or your profile's)
  --prefix PREFIX  only objects under PREFIX (default: every source prefix); objects outside the
                   source prefixes, rejection reports and files that are no export by name (a
                   manifest, a folder marker) are never enqueued
  --since DAY      only objects (with --stage: versions) modified on or after DAY (YYYY-MM-DD, UTC)
  --dry-run        list what would be enqueued, enqueue nothing
  --from-dlq       redrive the dead letters instead: locally, those of objects under --prefix if given;
                   on AWS, the whole dead-letter queue (SQS moves it back to the ingest queue)
  -h, --help       show this help

\`npm run dlq\` lists the dead letters (the same as --from-dlq --dry-run).

Environment:
  SESSIONIZER_DATA_DIR  the data dir of the local stack (default .sessionizer), as given to \`npm start\``;

export interface ReplayOptions {
  readonly stage: string | undefined;
  readonly region: string | undefined;
  readonly prefix: string | undefined;
  readonly since: string | undefined;
  readonly dryRun: boolean;
  readonly fromDeadLetterQueue: boolean;
}
/** The options, or what is wrong with them (exit status 2). */
export function parseReplayOptions(
  argv: readonly string[],
): ReplayOptions | { help: true } | { problem: string } {
  const line = readCommandLine(
    {
      args: [...argv],
      options: {
        stage: { type: 'string' },
        region: { type: 'string' },
        prefix: { type: 'string' },
        since: { type: 'string' },
        'dry-run': { type: 'boolean' },
        'from-dlq': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    },
    { prefix: ' (a replay takes one prefix: run it once for each)' },
  );
  if ('problem' in line) return { problem: line.problem };
  const { values } = line;
  if (values.help === true) return { help: true };
  const options: ReplayOptions = {
    stage: values.stage as string | undefined,
    region: values.region as string | undefined,
    prefix: values.prefix as string | undefined,
    since: values.since as string | undefined,
    dryRun: values['dry-run'] === true,
    fromDeadLetterQueue: values['from-dlq'] === true,
  };
  const sinceProblem = options.since === undefined ? undefined : dayProblem(options.since);
  if (sinceProblem !== undefined) return { problem: `--since ${sinceProblem}` };
  // On AWS neither narrows a redrive: SQS moves the whole queue, so the local advice (--prefix) would be refused.
  const wholeQueue = 'does not apply to --from-dlq on AWS: SQS moves the whole dead-letter queue';
  if (options.fromDeadLetterQueue && options.since !== undefined) {
    return {
      problem:
        options.stage === undefined
          ? '--since does not apply to the dead-letter queue (use --prefix to pick dead letters)'
          : `--since ${wholeQueue}`,
    };
  }
  if (options.stage !== undefined && options.fromDeadLetterQueue && options.prefix !== undefined)
    return { problem: `--prefix ${wholeQueue}` };
  if (options.stage === undefined && options.region !== undefined)
    return { problem: '--region applies to a deployed stage only; add --stage' };
  const notDeployed = options.stage === undefined ? undefined : notDeployedStage(options.stage);
  if (notDeployed !== undefined) return { problem: notDeployed };
  return options;
}
