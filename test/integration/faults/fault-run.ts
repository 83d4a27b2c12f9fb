// One run of the fault suite: a stack on a fresh data dir driven through scenarios in turn. Each scenario
// writes new seeded files, feeds them under its faults, waits for the dust to settle, and checks the whole
// store against the batch over every file so far; a replay of everything must then change nothing.
// close() kills whatever is left and removes the temp dirs, also after a failure.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { DEFAULT_SESSION_RULES, type SessionRules } from '../../../functions/domain/rules/session-rules.js';
import { batchOracle } from './batch-oracle.js';
import { driveIngest } from './drive-ingest.js';
import { type ExportFile, type ExportShape, writeExportFiles } from './export-files.js';
import { raceRebuilds, rulesEnv } from './rebuilds.js';
import type { Scenario } from './scenarios.js';
import { SeededRandom } from './seeded-random.js';
import { type CheckResult, changedSessions, checkStore } from './set-checker.js';
import { waitUntilSettled } from './settle.js';
import { StackUnderTest } from './stack-control.js';
import { StackInputs, type UploadedObject } from './stack-inputs.js';
import { readStore } from './store-reader.js';

export interface RunSettings {
  seed: number;
  /** The new files of each scenario that uploads. */
  shape: ExportShape;
  /** How long the queue may take to drain after the last fault. */
  settleTimeoutMs: number;
}

export interface ScenarioReport extends CheckResult {
  scenario: string;
  seed: number;
  /** Files in the store so far, this scenario's included. */
  files: number;
  /** Distinct accepted events of those files, as the batch counts them. */
  events: number;
  /** During this scenario. */
  kills: number;
  throttled: number;
  /** `npm run rebuild` runs that raced the ingest (a rebuild told to start again counts twice). */
  rebuilds: number;
  /** Deliveries that failed and were received again (a throttle that outlasted the store's retries, say). */
  failedDeliveries: number;
  /** Sessions the replay of everything changed; undefined when the scenario does not replay. */
  changedByReplay: number | undefined;
  seconds: number;
}

function stackEnv(throttle: number, rules: SessionRules): Record<string, string> {
  return {
    ...rulesEnv(rules),
    // Small batches and a short visibility timeout: a failed delivery comes back soon, and one that
    // outlives it is received again while still running, which the ingest must survive too.
    INGEST_BATCH_SIZE: '2',
    INGEST_MAX_CONCURRENCY: '2',
    INGEST_VISIBILITY_TIMEOUT_SECONDS: '8',
    // No fault should exhaust this: a dead letter fails the run.
    INGEST_MAX_RECEIVE_COUNT: '50',
    SESSIONIZER_LOCAL_FAULTS: throttle > 0 ? `throttle:${throttle}` : '',
  };
}

const REBUILD_GRACE_MS = 60_000;

export class FaultRun {
  private readonly random: SeededRandom;
  private readonly scratch: string;
  private readonly filesDir: string;
  private readonly dataDir: string;
  private readonly files: ExportFile[] = [];
  private readonly uploaded: UploadedObject[] = [];
  private stack: StackUnderTest | undefined;
  private env: Record<string, string> | undefined;
  private scenarios = 0;
  /** The rules of the stack and of the batch, as the latest scenario that set them left them. */
  private rules: SessionRules = DEFAULT_SESSION_RULES;
  /** Rebuild processes of the latest scenario, settled or not: close() lets them end before the stack. */
  private rebuilding: Promise<unknown> | undefined;

  constructor(readonly settings: RunSettings) {
    this.random = new SeededRandom(settings.seed);
    this.scratch = mkdtempSync(join(tmpdir(), 'sessionizer-faults-'));
    this.filesDir = join(this.scratch, 'files');
    this.dataDir = join(this.scratch, 'data');
    mkdirSync(this.filesDir);
  }

  /** Runs `scenario` on the stack as the earlier ones left it. */
  async run(scenario: Scenario): Promise<ScenarioReport> {
    const startedAt = Date.now();
    const number = ++this.scenarios;
    const random = this.random.fork(`${number} ${scenario.name}`);
    if (scenario.rules !== undefined) this.rules = scenario.rules;
    try {
      const stack = await this.stackFor(stackEnv(scenario.throttle, this.rules));
      const killsBefore = stack.kills;
      const throttledBefore = stack.throttled();
      const failedBefore = stack.failedDeliveries().length;
      // Each starts within a few seconds of the uploads: they race the ingest and each other.
      const rebuilding =
        scenario.rebuilds > 0
          ? raceRebuilds(this.dataDir, this.rules, scenario.rebuilds, random.fork('rebuilds'), 5_000)
          : undefined;
      this.rebuilding = rebuilding?.catch(() => undefined);
      if (scenario.uploads) {
        const fresh = writeExportFiles(
          this.filesDir,
          this.settings.shape,
          random.fork('files'),
          `s${number}`,
        );
        this.files.push(...fresh.files);
        this.uploaded.push(...(await driveIngest(stack, fresh.files, scenario, random.fork('ingest'))));
      }
      const rebuilds = (await rebuilding)?.runs ?? 0;
      const oracle = await batchOracle(this.files, this.rules);
      await waitUntilSettled(this.dataDir, this.uploaded, { timeoutMs: this.settings.settleTimeoutMs });
      let stored = await readStore(this.endpoints(stack), oracle.sessionsByUser.keys(), random.fork('read'));

      let changedByReplay: number | undefined;
      if (scenario.replayAll) {
        await this.replayEverything(stack);
        const after = await readStore(
          this.endpoints(stack),
          oracle.sessionsByUser.keys(),
          random.fork('reread'),
        );
        changedByReplay = changedSessions(stored, after).length;
        stored = after;
      }
      return {
        scenario: scenario.name,
        seed: this.settings.seed,
        files: this.files.length,
        events: oracle.events,
        kills: stack.kills - killsBefore,
        throttled: stack.throttled() - throttledBefore,
        rebuilds,
        failedDeliveries: stack.failedDeliveries().length - failedBefore,
        changedByReplay,
        seconds: Math.round((Date.now() - startedAt) / 1000),
        ...checkStore(oracle, stored),
      };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(
        `fault scenario ${scenario.name} (seed ${this.settings.seed}; re-run with SOAK_SEED=${this.settings.seed}): ` +
          `${reason}\nstack output (last 20,000 characters):\n${this.stack?.output().slice(-20_000)}`,
        { cause: error },
      );
    }
  }

  /** Stops the stack and removes every temp dir; safe to call after any failure, and twice. */
  async close(): Promise<void> {
    // A rebuild that outlived a failed scenario would start its own DynamoDB Local once the stack is gone.
    if (this.rebuilding !== undefined) {
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise((resolve) => {
        timer = setTimeout(resolve, REBUILD_GRACE_MS);
      });
      await Promise.race([this.rebuilding, grace]);
      clearTimeout(timer);
      this.rebuilding = undefined;
    }
    const stack = this.stack;
    this.stack = undefined;
    try {
      await stack?.stop();
    } finally {
      await stack?.dispose();
      rmSync(this.scratch, { recursive: true, force: true });
    }
  }

  /** The running stack, (re)started when the scenario needs another environment. */
  private async stackFor(env: Record<string, string>): Promise<StackUnderTest> {
    if (this.stack !== undefined && isDeepStrictEqual(this.env, env)) return this.stack;
    const previous = this.stack;
    if (previous !== undefined) {
      await previous.stop();
      await previous.dispose();
    }
    const stack = new StackUnderTest(this.dataDir, env);
    this.stack = stack;
    this.env = env;
    await stack.start();
    return stack;
  }

  private endpoints(stack: StackUnderTest) {
    return { apiUrl: stack.apiUrl, dynamoDbEndpoint: stack.dynamoDbEndpoint };
  }

  private async replayEverything(stack: StackUnderTest): Promise<void> {
    const inputs = new StackInputs(stack.s3Endpoint, stack.apiUrl);
    try {
      const replayed = await inputs.replay();
      if (replayed.length !== this.files.length) {
        throw new Error(`the replay enqueued ${replayed.length} objects, not the ${this.files.length} files`);
      }
    } finally {
      inputs.close();
    }
    await waitUntilSettled(this.dataDir, this.uploaded, { timeoutMs: this.settings.settleTimeoutMs });
  }
}

/** The one line a scenario prints, e.g. `faults: scenario=sigkill seed=42 files=40 events=5123 kills=3 ...`. */
export function summaryLine(report: ScenarioReport): string {
  const replay = report.changedByReplay === undefined ? '' : ` changed-by-replay=${report.changedByReplay}`;
  return (
    `faults: scenario=${report.scenario} seed=${report.seed} files=${report.files} events=${report.events} ` +
    `kills=${report.kills} throttled=${report.throttled} rebuilds=${report.rebuilds} ` +
    `failed-deliveries=${report.failedDeliveries} ` +
    `lost=${report.lost} duplicated=${report.duplicated} unexpected=${report.unexpected} ` +
    `session-mismatches=${report.sessionMismatches}${replay} took=${report.seconds}s`
  );
}
