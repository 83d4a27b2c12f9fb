// The local stack as the fault suite drives it: started as `npm start` starts it (its own process group,
// its own data dir, free ports), killed with SIGKILL as a whole group at any moment, restarted on the same
// data dir, and never left behind.
import { type Ports, StackProcess, startOnFreePorts, waitFor } from '../../helpers/local-servers.js';
import { type GroupGuard, guardProcessGroup } from './group-guard.js';

/** The `start` script's own command, without npm around it, so a group kill reaches every process at once. */
const START_COMMAND = [process.execPath, '--import', 'tsx', 'local/main.ts'];

const THROTTLE_LINE = /^\d\d:\d\d:\d\d fault injected: /;
const FAILED_LINE = /^\d\d:\d\d:\d\d (FAILED|DEAD-LETTERED) /;

export class StackUnderTest {
  private current: StackProcess | undefined;
  /** Kills the current group if this process dies first. */
  private guard: GroupGuard | undefined;
  /** Chosen afresh on every start: a port another program took while the stack was down never blocks it. */
  private ports: Ports | undefined;
  /** Output of every process started so far, the running one last. */
  private readonly outputs: (() => string)[] = [];
  kills = 0;
  starts = 0;

  constructor(
    readonly dataDir: string,
    private readonly env: Record<string, string>,
  ) {}

  private port(which: keyof Ports): number {
    if (this.ports === undefined) throw new Error('the stack under test was never started');
    return this.ports[which];
  }

  /** Of the latest start. */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.port('api')}`;
  }

  get s3Endpoint(): string {
    return `http://127.0.0.1:${this.port('s3')}`;
  }

  get dynamoDbEndpoint(): string {
    return `http://127.0.0.1:${this.port('dynamoDb')}`;
  }

  get running(): boolean {
    return this.current?.running ?? false;
  }

  /** Everything every run printed, for failure messages. */
  output(): string {
    return this.outputs.map((output, run) => `--- run ${run + 1}\n${output()}`).join('\n');
  }

  private lines(pattern: RegExp): string[] {
    return this.outputs.flatMap((output) => output().split('\n')).filter((line) => pattern.test(line));
  }

  /** DynamoDB calls throttled on purpose, over every run (SESSIONIZER_LOCAL_FAULTS). */
  throttled(): number {
    return this.lines(THROTTLE_LINE).length;
  }

  /** Deliveries that failed (and are retried) or went to the dead-letter queue, over every run. */
  failedDeliveries(): string[] {
    return this.lines(FAILED_LINE);
  }

  async start(): Promise<void> {
    if (this.running) throw new Error('the stack under test is already running');
    const { stack, ports } = await startOnFreePorts(async (candidate) => {
      try {
        return await StackProcess.start(
          START_COMMAND,
          candidate,
          { ...this.env, SESSIONIZER_DATA_DIR: this.dataDir },
          {
            onSpawn: (pid) => {
              this.guard = guardProcessGroup(pid);
            },
          },
        );
      } catch (error) {
        // StackProcess killed the group of the failed start.
        this.guard?.release();
        this.guard = undefined;
        throw error;
      }
    });
    this.ports = ports;
    this.current = stack;
    this.outputs.push(() => stack.output);
    this.starts++;
  }

  /** SIGKILL to the whole process group (DynamoDB Local and s3rver included); resolves once all are gone. */
  async kill(): Promise<void> {
    const stack = this.current;
    if (stack === undefined) return;
    stack.kill();
    await stack.exited;
    await this.groupGone(stack);
    this.kills++;
  }

  async restart(): Promise<void> {
    await this.kill();
    await this.start();
  }

  /** SIGTERM, as `kill <pid>` stops it; SIGKILL to the group if it has not exited in time. */
  async stop(): Promise<void> {
    const stack = this.current;
    if (stack === undefined || !stack.running) return;
    process.kill(stack.pid, 'SIGTERM');
    const exited = await Promise.race([stack.exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
    if (exited === undefined) stack.kill();
    await stack.exited;
  }

  /** For `finally` and afterAll, even after a failure: no process of the group survives. */
  async dispose(): Promise<void> {
    const stack = this.current;
    this.current = undefined;
    if (stack === undefined) return;
    stack.kill();
    await stack.exited;
    await this.groupGone(stack).catch(() => stack.kill());
  }

  /** The JVM may take a moment to die after its group is signalled: wait, so the data dir can go too. */
  private async groupGone(stack: StackProcess): Promise<void> {
    await waitFor('every process of the stack to be gone', () => stack.gone(), {
      timeoutMs: 15_000,
      intervalMs: 100,
    });
    this.guard?.release();
    this.guard = undefined;
  }
}
