// `npm run rebuild`: recomputes every session stored by the local stack under the session rules of this
// environment (the variables `npm start` reads), as the rebuild state machine does on AWS. It uses the
// running stack's DynamoDB Local and S3 server when there is one, else starts DynamoDB Local on the data dir
// for the time it runs, and its S3 server (the exports) only if copies tied at one instant must be read again.
// See docs/operations.md, "Rebuild under new rules".
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { readCommandLine, usageErrorText } from '../cli/command-line.js';
import { quoted } from '../cli/terminal-text.js';
import { wholeNumberFromText } from '../cli/whole-number.js';
import { AlreadyAtRulesError, NothingIngestedError } from '../functions/adapters/dynamodb/rebuild-record.js';
import { DynamoDbRebuilder } from '../functions/adapters/dynamodb/rebuilder.js';
import { readTableRules } from '../functions/adapters/dynamodb/rules-record.js';
import { DynamoDbTableRebuild } from '../functions/adapters/dynamodb/table-rebuild.js';
import { Transport } from '../functions/adapters/dynamodb/transport.js';
import { copyTextReader } from '../functions/adapters/s3/copy-texts.js';
import { type ObjectSource, S3ObjectSource } from '../functions/adapters/s3/object-source.js';
import { compileRules, describeRules } from '../functions/domain/rules/session-rules.js';
import { CallCopyTexts, type CopyTextReader } from '../functions/domain/store/copy-texts.js';
import { beginTableRebuild } from '../functions/rebuild/rebuild-table.js';
import { shortPath } from './command-words.js';
import { acquireDataDirLock, liveLockHolder } from './data-dir-lock.js';
import { SHARED_DB_FILE, startDynamoDbLocal } from './dynamodb-local.js';
import { describeError } from './errors.js';
import { oldRulesStack } from './old-rules-stack.js';
import { rebuildProgressLine, runTableRebuild } from './rebuild-runner.js';
import { createLocalDynamoDbClient, createLocalS3Client, LOCAL_BUCKET, LOCAL_TABLE } from './s3-client.js';
import { type S3Local, startS3Local } from './s3-local.js';
import { type LocalStackConfig, loadLocalStackConfig } from './stack-config.js';
import { optionAsVariable } from './start-arguments.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const DEFAULT_SEGMENTS = 4;

const USAGE = `Usage: npm run rebuild -- [--segments N]

Recomputes every session the local stack stored under the session rules of this environment, as the
rebuild state machine does on AWS. Run it after changing them, with the same variables you give
\`npm start\`, then start the stack with them: it ingests under the new rules.

Options:
  --segments N  parallel scan segments, each rebuilding its share of the users (default ${DEFAULT_SEGMENTS})
  -h, --help    show this help

Environment (as for \`npm start\`):
  SESSION_GAP_MINUTES, SESSION_GAP_MINUTES_BY_PLATFORM, SESSION_MAX_MINUTES, IDENTITY_STITCHING
                        the rules to rebuild under
  SESSIONIZER_DATA_DIR  the data dir of the stack (default .sessionizer)`;

interface LocalStores {
  client: DynamoDBClient;
  /** Reads copies again from the exports in the local S3 server. */
  readCopies: CopyTextReader;
  where: string;
  runningStack?: number;
  close(): Promise<void>;
}

/** The exports in the S3 server at `endpoint`, read as the rebuild function reads them from S3. */
function exportsAt(endpoint: string): ObjectSource & { close(): void } {
  const s3 = createLocalS3Client(endpoint);
  const objects = new S3ObjectSource(s3);
  return { open: (ref) => objects.open(ref), close: () => s3.destroy() };
}

/**
 * The exports in an S3 server started on the data dir when a tie first needs a copy read again (most
 * rebuilds never do), and stopped by `close`.
 */
function exportsOnDemand(dataDir: string): ObjectSource & { close(): Promise<void> } {
  let started: Promise<{ server: S3Local; objects: ReturnType<typeof exportsAt> }> | undefined;
  const start = async () => {
    const server = await startS3Local({ dataDir: join(dataDir, 's3'), bucket: LOCAL_BUCKET });
    return { server, objects: exportsAt(server.endpoint) };
  };
  return {
    open: async (ref) => {
      started ??= start();
      return (await started).objects.open(ref);
    },
    close: async () => {
      // One that failed to start has nothing to stop; its error reached the read that started it.
      const opened = await started?.catch(() => undefined);
      if (opened === undefined) return;
      opened.objects.close();
      await opened.server.stop();
    },
  };
}

function nothingIngested(config: LocalStackConfig): string {
  return `no sessions table in ${shortPath(config.dataDir)}: nothing was ingested there, so there is nothing to rebuild`;
}

/**
 * The running stack's DynamoDB Local and S3 server, or DynamoDB Local started on the data dir (holding its
 * lock) until `close`, with its S3 server started on demand.
 */
async function openStores(config: LocalStackConfig): Promise<LocalStores> {
  const holder = liveLockHolder(config.dataDir);
  if (holder !== undefined) {
    if (holder.command !== undefined) {
      throw new Error(
        `\`${holder.command}\` (pid ${holder.pid}) is using the data dir ${shortPath(config.dataDir)}; wait for it to finish (run again afterwards, this one finds nothing left to do)`,
      );
    }
    if (holder.dynamoDbEndpoint === undefined || holder.s3Endpoint === undefined) {
      throw new Error(
        `the local stack (pid ${holder.pid}) on ${shortPath(config.dataDir)} is still starting (or predates this command); try again once it is ready, or stop it`,
      );
    }
    const client = createLocalDynamoDbClient(holder.dynamoDbEndpoint);
    const objects = exportsAt(holder.s3Endpoint);
    return {
      client,
      readCopies: copyTextReader(objects, LOCAL_BUCKET),
      where: `the running stack's DynamoDB Local (pid ${holder.pid})`,
      runningStack: holder.pid,
      close: async () => {
        client.destroy();
        objects.close();
      },
    };
  }
  // DynamoDB Local started on a data dir without a database (a mistyped one, say) would leave one behind.
  if (!existsSync(join(config.dataDir, 'dynamodb', SHARED_DB_FILE))) throw new Error(nothingIngested(config));
  const lock = acquireDataDirLock(config.dataDir, { command: 'npm run rebuild' });
  try {
    const server = await startDynamoDbLocal({ dataDir: join(config.dataDir, 'dynamodb') });
    const client = createLocalDynamoDbClient(server.endpoint);
    const objects = exportsOnDemand(config.dataDir);
    return {
      client,
      readCopies: copyTextReader(objects, LOCAL_BUCKET),
      where: `DynamoDB Local on ${shortPath(config.dataDir)}`,
      close: async () => {
        client.destroy();
        await objects.close();
        await server.stop();
        lock.release();
      },
    };
  } catch (error) {
    lock.release();
    throw error;
  }
}

async function main(argv: string[]): Promise<number> {
  let segments = DEFAULT_SEGMENTS;
  let config: LocalStackConfig;
  let readingVariables = false;
  try {
    const line = readCommandLine({
      args: argv,
      options: { segments: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
    if ('problem' in line) {
      // The rules come from the environment: `--gap 20`, as the batch CLI takes it, would be "Unknown option".
      const instead = line.problem.startsWith('Unknown option') ? optionAsVariable(argv) : undefined;
      throw new Error(
        instead === undefined
          ? line.problem
          : `${instead.option} is no option of npm run rebuild: it takes the rules from the environment, as npm start does; for this one, ${instead.variable}=${instead.value} npm run rebuild`,
      );
    }
    const { values } = line;
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    if (values.segments !== undefined) {
      const given = wholeNumberFromText(values.segments);
      if (given === undefined || given < 1 || given > 40)
        throw new Error(`--segments must be a whole number from 1 to 40, not ${quoted(values.segments)}`);
      segments = given;
    }
    readingVariables = true;
    config = loadLocalStackConfig();
  } catch (error) {
    // The error alone, then where the help is: the whole help after it would scroll it out of view. A
    // variable's problem quotes its value as JSON, as npm start prints it: its escapes are not escaped again.
    const message = (error as Error).message;
    process.stderr.write(
      usageErrorText('rebuild', readingVariables ? { jsonQuoted: message } : message, 'npm run rebuild --'),
    );
    return 2;
  }
  const target = compileRules(config.sessionRules);
  let stores: LocalStores;
  try {
    stores = await openStores(config);
  } catch (error) {
    console.error(`rebuild: ${error instanceof Error ? error.message : describeError(error)}`);
    return 1;
  }
  try {
    try {
      await stores.client.send(new DescribeTableCommand({ TableName: LOCAL_TABLE }));
    } catch {
      console.error(`rebuild: ${nothingIngested(config)}`);
      return 1;
    }
    const transport = new Transport({ client: stores.client, tableName: LOCAL_TABLE });
    const table = await readTableRules(transport);
    // Nothing to do is no failure, as on AWS: the first ingest records its rules.
    if (table === undefined) throw new NothingIngestedError();
    const from = describeRules(table.rules);
    console.log(`rebuilding ${LOCAL_TABLE} in ${stores.where}`);
    console.log(`  from: ${from}\n  to:   ${describeRules(target.source)}`);
    const startedAt = Date.now();
    let lastPrinted = 0;
    const rebuild = new DynamoDbTableRebuild({
      transport,
      rebuilder: new DynamoDbRebuilder({
        transport,
        rules: target,
        copyTexts: () => new CallCopyTexts(stores.readCopies),
      }),
    });
    await beginTableRebuild(rebuild);
    const stackProblem = oldRulesStack(config.dataDir, target);
    if (stackProblem !== undefined) {
      console.error(`rebuild: ${stackProblem}`);
      return 1;
    }
    // Begins again (it resumes) and finishes at once: no ingest of the old rules can still be writing.
    const run = await runTableRebuild(rebuild, {
      totalSegments: segments,
      drainMs: 0,
      onProgress: (progress) => {
        // Every couple of seconds, and the last one.
        if (Date.now() - lastPrinted < 2_000 && progress.segmentsDone < progress.totalSegments) return;
        lastPrinted = Date.now();
        console.log(rebuildProgressLine(progress, Math.round((Date.now() - startedAt) / 1000)));
      },
    });
    const next =
      stores.runningStack === undefined
        ? 'Start the stack with the same environment (`npm start`) to ingest under these rules.'
        : `The running stack (pid ${stores.runningStack}) ingests under these rules.`;
    console.log(
      `done: the stored sessions are cut under ${describeRules(target.source)}${run.counted ? '' : ' (another rebuild finished it meanwhile)'}.\n${next}`,
    );
    return 0;
  } catch (error) {
    // Nothing to do is no failure: a script may run the rebuild before every start.
    if (error instanceof AlreadyAtRulesError || error instanceof NothingIngestedError) {
      console.log(`rebuild: ${error.message}`);
      return 0;
    }
    console.error(`rebuild: ${error instanceof Error ? error.message : describeError(error)}`);
    return 1;
  } finally {
    await stores.close();
  }
}

process.exitCode = await main(process.argv.slice(2));
