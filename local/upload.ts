// `npm run upload -- FILE...`: puts files into the running local stack's bucket, by default under the
// first source prefix (`incoming/`); objects under any source prefix are ingested. See docs/local.md.
import { createReadStream } from 'node:fs';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import * as z from 'zod';
import { helpLine, readCommandLine, usageErrorText } from '../cli/command-line.js';
import { gotText, wholeNumberInput } from '../cli/whole-number.js';
import type { SourceDefinition } from '../contract/index.js';
import { escapeControl } from '../contract/visible-text.js';
import { liveLockHolder } from './data-dir-lock.js';
import { isConnectionRefused } from './errors.js';
import { changedSince, fileState } from './file-state.js';
import { ingestEnvShape, sourcesFrom } from './ingest-env.js';
import { notIngestedNotes } from './not-ingested-notes.js';
import { createLocalS3Client, LOCAL_BUCKET } from './s3-client.js';
import { dataDirFrom } from './stack-config.js';
import { folderPrefix, planUploads, prefixProblem } from './upload-plan.js';
import { rulesRefusal, type StackLock, s3Endpoint, stackSources } from './upload-stack.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const usage = (
  sources: readonly SourceDefinition[],
) => `Usage: npm run upload -- [--prefix PREFIX] [--keep-path] FILE...

Uploads files to the local stack's bucket ${LOCAL_BUCKET} (started with \`npm start\`); every object
under a source prefix (${sources.map((source) => source.prefix).join(', ')}) is ingested.

Options:
  --prefix PREFIX  key prefix, a folder (a missing final / is added; default ${sources[0]?.prefix}),
                   e.g. segment-logs/<source-id>/<day>/
  --keep-path      key PREFIX + the file's path relative to the current directory, not just its name
  -h, --help       show this help

Environment:
  S3_PORT              port of the local S3 endpoint, as given to \`npm start\` (default: the port of the
                       stack running on SESSIONIZER_DATA_DIR)
  SESSIONIZER_DATA_DIR the data dir of the stack to upload to, as given to \`npm start\` (default .sessionizer)
  SESSIONIZER_SOURCES  the sources, as given to \`npm start\` (default: those of the stack running on
                       SESSIONIZER_DATA_DIR)`;

const envSchema = z.object({
  S3_PORT: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z
      .preprocess(
        wholeNumberInput,
        z
          .number({ error: (issue) => `must be a port number from 1 to 65535${gotText(issue.input)}` })
          .int()
          .min(1, 'must be a port number from 1 to 65535')
          .max(65_535, 'must be a port number from 1 to 65535'),
      )
      .optional(),
  ),
  SESSIONIZER_SOURCES: ingestEnvShape.SESSIONIZER_SOURCES,
});

async function main(argv: string[]): Promise<number> {
  const env = envSchema.safeParse(process.env);
  if (!env.success) {
    // A usage error, said with where the help is (it lists the variables). The variables are npm start's, and
    // their problems quote values as npm start's do, as JSON: escaped once here, JSON's escapes kept (as rebuild).
    const problems = env.error.issues.map((issue) => `${issue.path[0]?.toString()} ${issue.message}`);
    process.stderr.write(usageErrorText('upload', { jsonQuoted: problems.join('; ') }, 'npm run upload --'));
    return 2;
  }
  // The lock is read once: the endpoint, the sources and the refusal are then of one stack.
  const dataDir = dataDirFrom();
  const stackLock: StackLock = { dataDir, holder: liveLockHolder(dataDir) };
  const known =
    env.data.SESSIONIZER_SOURCES === undefined ? stackSources(env.data.S3_PORT, stackLock.holder) : undefined;
  const sources = known ?? sourcesFrom(env.data);
  // S3_PORT names a stack on another data dir, whose lock would name its sources: they may not be these.
  const sourcesUnknown =
    env.data.S3_PORT !== undefined && env.data.SESSIONIZER_SOURCES === undefined && known === undefined;

  const parsed = readCommandLine({
    args: argv,
    options: {
      prefix: { type: 'string' },
      'keep-path': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  });
  // A usage error alone, then where the help is, as every command says one: the help would scroll it away.
  const refuse = (problem: string) => {
    process.stderr.write(usageErrorText('upload', problem, 'npm run upload --'));
    return 2;
  };
  if ('problem' in parsed) return refuse(parsed.problem);
  if (parsed.values.help) {
    console.log(usage(sources));
    return 0;
  }
  if (parsed.positionals.length === 0) return refuse('no files given');
  const given = parsed.values.prefix ?? (sources[0] as SourceDefinition).prefix;
  const badPrefix = prefixProblem(given, sources[0]?.prefix);
  const { uploads, problems } = planUploads(
    parsed.positionals,
    folderPrefix(given),
    parsed.values['keep-path'] === true,
  );
  if (badPrefix !== undefined) problems.unshift({ text: badPrefix, usage: true });
  if (problems.length > 0) {
    // Every problem, before anything is sent; a usage error among them decides the status, whatever the order
    // of the arguments. Names are as typed: a tab or an escape sequence must not reach the terminal as it is.
    const usageError = problems.some((problem) => problem.usage);
    const lines = problems.map((problem) => `upload: ${escapeControl(problem.text)}\n`).join('');
    process.stderr.write(usageError ? `${lines}${helpLine('npm run upload --')}` : lines);
    return usageError ? 2 : 1;
  }
  for (const note of notIngestedNotes(
    uploads.map(({ key }) => key),
    sources,
  )) {
    console.error(`upload: note: ${note}`);
  }

  let endpoint: string;
  try {
    endpoint = s3Endpoint(env.data.S3_PORT, stackLock);
  } catch (error) {
    console.error(`upload: ${(error as Error).message}`);
    return 1;
  }
  /** Files that changed while they were uploaded: their objects hold only part of them. */
  const cutShort: string[] = [];
  const s3 = createLocalS3Client(endpoint, {
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 2_000 },
  });
  try {
    try {
      await s3.send(new HeadBucketCommand({ Bucket: LOCAL_BUCKET }));
    } catch (error) {
      if (isConnectionRefused(error)) {
        console.error(
          `upload: the local stack is not running: nothing answers at ${endpoint}.\n` +
            `Start it with \`npm start\` in another terminal${env.data.S3_PORT === undefined ? '' : ` (with S3_PORT=${env.data.S3_PORT})`}, ` +
            'or set S3_PORT to the port it prints.',
        );
      } else {
        console.error(
          `upload: ${endpoint} is not the local stack's S3 (bucket ${LOCAL_BUCKET}: ${(error as Error).name}); ` +
            'check S3_PORT.',
        );
      }
      return 1;
    }
    const refusal = rulesRefusal(endpoint, stackLock.holder);
    if (refusal !== undefined) console.error(`upload: note: ${refusal}`);
    if (sourcesUnknown) {
      console.error(
        `upload: note: no stack on the data dir ${dataDir} uses S3_PORT=${env.data.S3_PORT}, so the sources ` +
          `of the one that does are not known: upload took the default ones (${sources.map((source) => source.prefix).join(', ')}), ` +
          'which that stack may not ingest. Give its SESSIONIZER_DATA_DIR instead of S3_PORT, or its SESSIONIZER_SOURCES.',
      );
    }
    for (const { path, key, size } of uploads) {
      const before = fileState(path);
      await new Upload({
        client: s3,
        params: { Bucket: LOCAL_BUCKET, Key: key, Body: createReadStream(path) },
      }).done();
      if (before !== undefined && changedSince(path, before) !== undefined) {
        // Uploading it again could catch the writer mid-line once more: only whoever writes it knows when it is done.
        cutShort.push(path);
        console.error(
          `upload: ${path} changed while it was uploaded: it is still being written, and s3://${LOCAL_BUCKET}/${key} ` +
            'holds only the part that was read; run the command again for it once the file is complete ' +
            '(the object is then replaced whole)',
        );
        continue;
      }
      console.log(`s3://${LOCAL_BUCKET}/${key}  (${before?.size ?? size} bytes)`);
    }
  } catch (error) {
    console.error(`upload: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    return 1;
  } finally {
    s3.destroy();
  }
  const whole = uploads.length - cutShort.length;
  console.error(
    `${whole} ${whole === 1 ? 'file' : 'files'} uploaded${cutShort.length === 0 ? '' : `, ${cutShort.length} only in part`}; ` +
      'the stack logs each ingest as it finishes.',
  );
  return cutShort.length === 0 ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
