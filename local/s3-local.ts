// Local S3: s3rver in a child Node process (see s3rver-process.ts for why) behind an in-process HTTP
// front that decodes aws-chunked uploads (see s3-front-proxy.ts). Object-created notifications are
// forwarded from the child over IPC and converted to real-S3-shaped events (see s3-event.ts).
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { S3Event } from 'aws-lambda';
import { OutputTail, reapOnExit, terminate } from './process-utils.js';
import { toRealS3Event } from './s3-event.js';
import { startS3FrontProxy } from './s3-front-proxy.js';
import { isChildToParent, type ParentToChild, type S3rverChildConfig } from './s3rver-ipc.js';

export interface S3LocalOptions {
  /** Port of the S3 endpoint; 0 or undefined picks a free one. */
  port?: number;
  /** Directory s3rver keeps buckets in; undefined uses a temporary directory removed by stop(). */
  dataDir?: string;
  /** Created at startup if it does not exist. */
  bucket: string;
  /**
   * Called with a real-S3-shaped event (URL-encoded key) for every ObjectCreated:* in any bucket and
   * under any prefix; filtering (e.g. only `incoming/`) is the consumer's job, as with an S3 trigger.
   * Errors and rejected promises are logged, not rethrown: a failing consumer must not take the local
   * S3 down, just as a failing Lambda does not affect the upload that triggered it.
   */
  onObjectCreated?: (event: S3Event) => void | Promise<void>;
  startTimeoutMs?: number;
}

export interface S3Local {
  /** Use this endpoint: it decodes aws-chunked uploads and rejects malformed ones. */
  endpoint: string;
  port: number;
  /**
   * s3rver itself, without the aws-chunked front. Only for diagnostics and quirk tests: streaming
   * uploads with default SDK settings are stored corrupted here.
   */
  s3rverEndpoint: string;
  /** Resolves with how s3rver ended (`signal SIGKILL`) if it exits other than by stop(); never otherwise. */
  unexpectedExit: Promise<string>;
  stop(): Promise<void>;
}

const CHILD_ENTRY = fileURLToPath(new URL('./s3rver-process.ts', import.meta.url));

function tsxLoaderUrl(): string {
  return pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
}

function reportConsumerError(error: unknown, event: S3Event): void {
  const key = event.Records[0]?.s3.object.key;
  console.error(`[s3-local] onObjectCreated failed for ${key ?? '(no key)'}:`, error);
}

/**
 * Starts a local S3 endpoint with `bucket` in place. Resolves once it accepts requests.
 * stop() shuts down the front and s3rver and waits for the child to exit.
 */
export async function startS3Local(options: S3LocalOptions): Promise<S3Local> {
  const temporaryDir = options.dataDir === undefined ? mkdtempSync(join(tmpdir(), 's3-local-')) : undefined;
  const directory = resolve(options.dataDir ?? (temporaryDir as string));
  const removeTemporaryDir = (): void => {
    if (temporaryDir !== undefined) {
      rmSync(temporaryDir, { recursive: true, force: true });
    }
  };
  // s3rver keeps a multipart upload's parts here until it completes, and has no AbortMultipartUpload: an
  // upload abandoned (a stop of the drop folder, a Ctrl-C of npm run upload) would leave them for good.
  // None survives a restart of the server, and the data dir is this process's alone (its lock).
  rmSync(join(directory, options.bucket, '._S3rver_uploads'), { recursive: true, force: true });
  const config: S3rverChildConfig = { directory, bucket: options.bucket };

  const child = fork(CHILD_ENTRY, [JSON.stringify(config)], {
    execArgv: ['--openssl-legacy-provider', '--import', tsxLoaderUrl()],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  reapOnExit(child);
  const output = new OutputTail().attach(child.stdout, child.stderr);
  let running = false;
  // Always listening: an unhandled 'error' (e.g. a failed kill) would crash the host process.
  child.on('error', (error) => {
    if (running) {
      console.error('[s3-local] s3rver child process error:', error);
    }
  });

  const onMessage = (message: unknown): void => {
    if (!isChildToParent(message) || message.type !== 'event' || options.onObjectCreated === undefined) {
      return;
    }
    const first = message.event.Records[0];
    if (first === undefined || !first.eventName.startsWith('ObjectCreated:')) {
      return;
    }
    const event = toRealS3Event(message.event, message.operation ? { operation: message.operation } : {});
    try {
      Promise.resolve(options.onObjectCreated(event)).catch((error: unknown) =>
        reportConsumerError(error, event),
      );
    } catch (error) {
      reportConsumerError(error, event);
    }
  };
  child.on('message', onMessage);

  const timeoutMs = options.startTimeoutMs ?? 30_000;
  let upstreamPort: number;
  try {
    upstreamPort = await new Promise<number>((resolvePort, reject) => {
      const cleanup = (): void => {
        clearTimeout(timer);
        child.off('message', onReady);
        child.off('exit', onExit);
        child.off('error', onError);
      };
      const failWith = (reason: string): void => {
        cleanup();
        const tail = output.toString();
        reject(new Error(`s3rver ${reason}.${tail ? `\n--- s3rver output (tail) ---\n${tail}` : ''}`));
      };
      const onReady = (message: unknown): void => {
        if (!isChildToParent(message)) {
          return;
        }
        if (message.type === 'ready') {
          cleanup();
          resolvePort(message.port);
        } else if (message.type === 'fatal') {
          failWith(`failed to start: ${message.message}`);
        }
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
        clearTimeout(timer);
        // Give a fatal message that raced the exit a chance to arrive first.
        setImmediate(() =>
          failWith(`exited during startup (${signal ? `signal ${signal}` : `exit code ${code}`})`),
        );
      };
      const onError = (error: Error): void => failWith(`could not be started: ${error.message}`);
      const timer = setTimeout(() => failWith(`did not become ready within ${timeoutMs} ms`), timeoutMs);
      child.on('message', onReady);
      child.once('exit', onExit);
      child.once('error', onError);
    });
  } catch (error) {
    await terminate(child);
    removeTemporaryDir();
    throw error;
  }

  let proxy: Awaited<ReturnType<typeof startS3FrontProxy>>;
  try {
    proxy = await startS3FrontProxy({
      port: options.port ?? 0,
      upstream: { host: '127.0.0.1', port: upstreamPort },
    });
  } catch (error) {
    await terminate(child);
    removeTemporaryDir();
    throw error;
  }

  let stopping: Promise<void> | undefined;
  running = true;
  const unexpectedExit = new Promise<string>((resolveExit) => {
    child.once('exit', (code, signal) => {
      if (stopping !== undefined) return;
      const how = signal ? `signal ${signal}` : `exit code ${code}`;
      // Requests now fail with 502 from the front; say why where someone will look.
      console.error(`[s3-local] s3rver exited unexpectedly (${how}).\n${output}`);
      resolveExit(how);
    });
  });
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await proxy.close();
      child.off('message', onMessage);
      if (child.connected && child.exitCode === null && child.signalCode === null) {
        // A polite shutdown lets s3rver close its sockets; terminate() below escalates if it hangs.
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          new Promise<void>((done) => child.once('exit', () => done())),
          new Promise<void>((done) => {
            timer = setTimeout(done, 2_000);
          }),
          new Promise<void>((done) =>
            child.send({ type: 'shutdown' } satisfies ParentToChild, (error) => error && done()),
          ),
        ]);
        clearTimeout(timer);
      }
      await terminate(child);
      removeTemporaryDir();
    })();
    return stopping;
  };

  return {
    endpoint: `http://127.0.0.1:${proxy.port}`,
    port: proxy.port,
    s3rverEndpoint: `http://127.0.0.1:${upstreamPort}`,
    unexpectedExit,
    stop,
  };
}
