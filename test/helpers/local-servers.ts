// Convenience wrappers for integration tests: start a local server on an ephemeral port with a client
// already pointed at it (call stop() in afterAll; it also destroys the client), or run `npm start` and
// the other npm scripts as a user does.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';
import { startDynamoDbLocal } from '../../local/dynamodb-local.js';
import { findFreePort } from '../../local/process-utils.js';
import { createLocalDynamoDbClient, createLocalS3Client } from '../../local/s3-client.js';
import { startS3Local } from '../../local/s3-local.js';

export interface LocalDynamoDb {
  endpoint: string;
  client: DynamoDBClient;
  stop(): Promise<void>;
}

export interface LocalS3 {
  endpoint: string;
  client: S3Client;
  stop(): Promise<void>;
}

/** `server` with `client` pointed at it: stop() destroys the client, then stops the server. */
function withClient<C extends { destroy(): void }>(
  server: { endpoint: string; stop(): Promise<void> },
  client: C,
): { endpoint: string; client: C; stop(): Promise<void> } {
  return {
    endpoint: server.endpoint,
    client,
    stop: async () => {
      client.destroy();
      await server.stop();
    },
  };
}

/** In-memory DynamoDB Local unless `dataDir` is given. */
export async function startLocalDynamoDb(options: { dataDir?: string } = {}): Promise<LocalDynamoDb> {
  const server = await startDynamoDbLocal({ dataDir: options.dataDir });
  return withClient(server, createLocalDynamoDbClient(server.endpoint));
}

/** Local S3 with `bucket` created, in a temporary directory removed by stop(). */
export async function startLocalS3(
  bucket: string,
  onObjectCreated?: (event: S3Event) => void | Promise<void>,
): Promise<LocalS3> {
  const server = await startS3Local({ bucket, ...(onObjectCreated ? { onObjectCreated } : {}) });
  return withClient(server, createLocalS3Client(server.endpoint));
}

/**
 * Polls `probe` until it returns something other than undefined/false, for things that happen
 * asynchronously (S3 events arrive over IPC after the upload's response). Throws with `what` on timeout.
 */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  { timeoutMs = 5_000, intervalMs = 20 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const READY_LINE = 'Sessionizer local stack is ready.';

/** Alive and not a zombie (a container's init may be slow to reap orphans). */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    try {
      process.kill(pid, 0);
      return !existsSync('/proc');
    } catch {
      return false;
    }
  }
}

interface ProcessRow {
  readonly pid: number;
  readonly ppid: number;
  readonly pgid: number;
  readonly args: string;
}

/** Every process of the machine, from one `ps`. */
function processTable(): ProcessRow[] {
  const out = execFileSync('ps', ['-eo', 'pid=,ppid=,pgid=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({
      pid: Number(match[1]),
      ppid: Number(match[2]),
      pgid: Number(match[3]),
      args: match[4] as string,
    }));
}

const alive = (rows: readonly ProcessRow[]) =>
  rows.filter(({ pid }) => isAlive(pid)).map(({ pid, args }) => ({ pid, args }));

/** Processes of a process group (the stack runs in its own, as in a terminal), with their commands. */
function groupMembers(pgid: number, rows = processTable()): { pid: number; args: string }[] {
  return alive(rows.filter((row) => row.pgid === pgid));
}

/** Every live process started under `pid`, children of children included, whatever their group. */
function descendants(pid: number, rows = processTable()): { pid: number; args: string }[] {
  const found: ProcessRow[] = [];
  for (const parents = [pid]; parents.length > 0; ) {
    const parent = parents.pop() as number;
    for (const row of rows) {
      if (row.ppid !== parent) continue;
      found.push(row);
      parents.push(row.pid);
    }
  }
  return alive(found);
}

export interface Ports {
  api: number;
  s3: number;
  dynamoDb: number;
}

/**
 * Three distinct ports that were free a moment ago, for the three servers of a stack: each probe closes its
 * port again, so the system may hand the same one out twice, which the stack refuses as a configuration.
 */
export async function freePorts(): Promise<Ports> {
  const ports: number[] = [];
  while (ports.length < 3) {
    const port = await findFreePort();
    if (!ports.includes(port)) ports.push(port);
  }
  const [api, s3, dynamoDb] = ports as [number, number, number];
  return { api, s3, dynamoDb };
}

/** Stack starts tried on fresh ports when one was taken between finding it free and binding it. */
const PORT_ATTEMPTS = 3;

/**
 * Starts a stack on free ports, and on others when another test's server took one first (findFreePort's
 * race, which its callers are to retry): the stack then says the port "is already in use".
 */
export async function startOnFreePorts(
  start: (ports: Ports) => Promise<StackProcess>,
): Promise<{ stack: StackProcess; ports: Ports }> {
  for (let attempt = 1; ; attempt++) {
    const ports = await freePorts();
    try {
      return { stack: await start(ports), ports };
    } catch (error) {
      const taken = error instanceof Error && /is already in use/.test(error.message);
      if (!taken || attempt === PORT_ATTEMPTS) throw error;
    }
  }
}

export class StackProcess {
  output = '';
  /** Every process of the stack seen so far: DynamoDB Local and its watchdog run in groups of their own. */
  private readonly seen = new Set<number>();
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private constructor(readonly child: ChildProcess) {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      this.output += chunk;
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.output += chunk;
    });
    // 'close', not 'exit': the stack's output keeps coming after npm itself is gone (see the Ctrl-C test).
    this.exited = new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  }

  get pid(): number {
    return this.child.pid as number;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /**
   * Runs `command` from the repository root in its own process group, as a shell runs a job, so a signal
   * to the group is what a terminal's Ctrl-C does. Resolves once the ready banner is printed; `onSpawn`
   * learns the group's id at once, before the stack is ready.
   */
  static async start(
    command: string[],
    ports: Ports,
    env: Record<string, string>,
    { onSpawn }: { onSpawn?: (pid: number) => void } = {},
  ): Promise<StackProcess> {
    const child = spawn(command[0] as string, command.slice(1), {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        PORT: String(ports.api),
        S3_PORT: String(ports.s3),
        DYNAMODB_PORT: String(ports.dynamoDb),
        ...env,
      },
    });
    const stack = new StackProcess(child);
    if (child.pid !== undefined) onSpawn?.(child.pid);
    try {
      await waitFor(
        `the ready banner of ${command.join(' ')}`,
        () => {
          if (stack.output.includes(READY_LINE)) return true;
          if (!stack.running)
            throw new Error(`${command.join(' ')} exited before it was ready:\n${stack.output}`);
          return undefined;
        },
        { timeoutMs: 90_000, intervalMs: 200 },
      );
    } catch (error) {
      // Nobody holds this stack yet: a start that timed out must not leave its processes running.
      stack.kill();
      throw error;
    }
    return stack;
  }

  /** Lines logging a finished ingest, as printed by main.ts. */
  ingestLines(): string[] {
    return this.output
      .split('\n')
      .filter((line) => /^\d\d:\d\d:\d\d (ingested|NOT entirely read:|FAILED|DEAD-LETTERED) /.test(line));
  }

  /** The stack's live processes: its group, and what it started in groups of their own. */
  members(): { pid: number; args: string }[] {
    const byPid = new Map<number, string>();
    const rows = processTable();
    for (const { pid, args } of [...groupMembers(this.pid, rows), ...descendants(this.pid, rows)])
      byPid.set(pid, args);
    for (const pid of byPid.keys()) this.seen.add(pid);
    return [...byPid].map(([pid, args]) => ({ pid, args }));
  }

  /** Whether every process of the stack ever seen is gone (a server's own group outlives the stack's). */
  gone(): boolean {
    this.members();
    return [...this.seen].every((pid) => !isAlive(pid));
  }

  /**
   * SIGKILL to the group, as a crash or a stuck terminal job gets: the servers in groups of their own are
   * left to the stack's watchdog, as they would be.
   */
  kill(): void {
    this.members();
    try {
      process.kill(-this.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

/** `npm run <script>` as typed in `cwd` (npm runs the script in the repository root, with INIT_CWD = cwd). */
export function runScript(script: string, args: string[], cwd: string, env: Record<string, string>) {
  const child = spawn('npm', ['--prefix', ROOT, 'run', '--silent', script, '--', ...args], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once('close', (status) => resolve({ status, stdout, stderr })),
  );
}
