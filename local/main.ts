// `npm start`: the whole pipeline locally, no AWS account. See docs/local.md.

import { dataDirEnv, shortPath } from './command-words.js';
import { describeError } from './errors.js';
import { stopChildrenOnSignalsMyself } from './process-utils.js';
import type { LocalStack } from './stack.js';
import { type LocalStackConfig, loadLocalStackConfig } from './stack-config.js';
import {
  banner,
  formatAdminLog,
  formatDropped,
  formatHandlerLog,
  formatQueueActivity,
  formatRecovered,
  formatThrottle,
} from './stack-log.js';
import { startLocalStackWithViewer } from './stack-with-viewer.js';
import { startArguments } from './start-arguments.js';

// The SDK warns on every start that Node 20 support ends in 2027; Lambda's runtime decides that, not
// this dev tool, and the notice would bury the endpoints.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** Our own errors say what to do in their message; the class name would only be noise. */
const reasonOf = (error: unknown) => (error instanceof Error ? error.message : describeError(error));

const time = () => new Date().toISOString().slice(11, 19);
const say = (line: string | undefined) => {
  if (line !== undefined) console.log(`${time()} ${line}`);
};

async function main(): Promise<void> {
  const answer = startArguments(process.argv.slice(2));
  if (answer !== undefined) {
    (answer.status === 0 ? console.log : console.error)(answer.text);
    process.exit(answer.status);
  }
  let config: LocalStackConfig;
  try {
    config = loadLocalStackConfig();
  } catch (error) {
    console.error(`npm start: ${reasonOf(error)}`);
    process.exit(2);
  }

  let stack: LocalStack | undefined;
  let stoppingSince: number | undefined;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stoppingSince !== undefined) {
      // One Ctrl-C can arrive twice: from the terminal and relayed by a parent (npm, or a tsx CLI).
      if (Date.now() - stoppingSince < 2_000) return;
      // A second Ctrl-C: do not wait any longer. Children are killed by the exit handler.
      say(`${signal} again: stopped at once; a running ingest is ingested again on the next start.`);
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
  // process-utils' exit handler. Past startup the stop ends them in order, after the ingest's grace.
  stopChildrenOnSignalsMyself();
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  // The terminal went away.
  process.on('SIGHUP', shutdown);

  say(`starting DynamoDB Local and S3 (data in ${shortPath(config.dataDir)})...`);
  try {
    stack = await startLocalStackWithViewer({
      ...config,
      log: {
        handler: (level, message, attributes) => {
          // Past the stop's grace the servers go while a cut-off ingest still runs, and its next call
          // fails: the queue's line that it is ingested again on the next start says all there is.
          if (stoppingSince !== undefined && level !== 'info') return;
          say(formatHandlerLog(level, message, attributes));
        },
        queue: (activity, keys) => say(formatQueueActivity(activity, keys, dataDirEnv(config.dataDir))),
        recovered: (keys) => say(formatRecovered(keys)),
        dropped: (name, key, movedTo) => say(formatDropped(name, key, movedTo)),
        admin: (message, attributes) => say(formatAdminLog(message, attributes)),
        throttled: (operation, form) => say(formatThrottle(operation, form)),
        warn: (message, error) => say(error === undefined ? message : `${message}: ${describeError(error)}`),
      },
    });
  } catch (error) {
    console.error(`\nnpm start: could not start the local stack: ${reasonOf(error)}`);
    process.exit(1);
  }
  console.log(banner(stack, config.queue, config.faults));
  const running = stack;
  // Without its database or its bucket the stack could only fail every ingest until the uploads are
  // dead-lettered: stop (the running ingests are given back for the next start) and say why.
  void running.serverExited.then((reason) => {
    if (stoppingSince !== undefined) return;
    stoppingSince = Date.now();
    console.error(
      `\nnpm start: ${reason}; stopping. Start the stack again with \`${running.startCommand}\`.`,
    );
    void running.stop().finally(() => process.exit(1));
  });
}

await main();
