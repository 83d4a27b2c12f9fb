// Child-process entry that runs s3rver. Started by startS3Local() as
//   node --openssl-legacy-provider --import tsx local/s3rver-process.ts '<S3rverChildConfig JSON>'
//
// Why a separate process: s3rver 3.7.1 builds ListObjectsV2 continuation tokens with
// crypto.createCipheriv('des', ...) (lib/controllers/bucket.js). Single DES lives in OpenSSL 3's legacy
// provider, which Node 17+ does not load, so every *truncated* ListObjectsV2 response fails with
// "error:0308010C:digital envelope routines::unsupported" (HTTP 500 InternalError) and paging is
// impossible. The provider can only be enabled at Node startup (--openssl-legacy-provider or
// NODE_OPTIONS), not from inside a running process, and enabling it for the whole test/dev process would
// hide the same problem in our own code. So s3rver alone gets a Node with the flag.
import { AsyncLocalStorage } from 'node:async_hooks';
import { createCipheriv } from 'node:crypto';
import { createServer, type IncomingMessage, type RequestListener } from 'node:http';
import { createRequire } from 'node:module';
import type { RawS3rverEvent, S3Operation } from './s3-event.js';
import type { ChildToParent, ParentToChild, S3rverChildConfig } from './s3rver-ipc.js';

interface S3rverInstance {
  on(event: 'event', listener: (event: RawS3rverEvent) => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
  callback(): RequestListener;
  configureBuckets(): Promise<void>;
}

type S3rverConstructor = new (options: {
  directory: string;
  silent: boolean;
  configureBuckets: { name: string; configs: string[] }[];
}) => S3rverInstance;

function send(message: ChildToParent): Promise<void> {
  return new Promise((resolve) => {
    if (process.send === undefined) {
      resolve();
      return;
    }
    process.send(message, undefined, {}, () => resolve());
  });
}

function operationOf(req: IncomingMessage): S3Operation | undefined {
  const url = new URL(req.url ?? '/', 'http://local');
  const hasKey = url.pathname.split('/').filter(Boolean).length > 1;
  switch (req.method) {
    case 'PUT':
      return req.headers['x-amz-copy-source'] === undefined ? 'PutObject' : 'CopyObject';
    case 'POST':
      if (url.searchParams.has('uploadId')) {
        return 'CompleteMultipartUpload';
      }
      return hasKey ? undefined : 'PostObject';
    case 'DELETE':
      return 'DeleteObject';
    default:
      return undefined;
  }
}

function assertLegacyProvider(): void {
  try {
    createCipheriv('des', Buffer.alloc(8), Buffer.alloc(8));
  } catch (error) {
    throw new Error(
      'this Node cannot load the OpenSSL legacy provider (single DES), which s3rver needs for ' +
        `ListObjectsV2 continuation tokens: ${(error as Error).message}`,
    );
  }
}

async function main(): Promise<void> {
  if (process.send === undefined) {
    throw new Error('s3rver-process.ts must be started by startS3Local() with an IPC channel');
  }
  assertLegacyProvider();
  const config = JSON.parse(process.argv[2] ?? '') as S3rverChildConfig;

  const require = createRequire(import.meta.url);
  const S3rver = require('s3rver') as S3rverConstructor;
  const s3rver = new S3rver({
    directory: config.directory,
    silent: true,
    configureBuckets: [{ name: config.bucket, configs: [] }],
  });
  await s3rver.configureBuckets();

  // s3rver emits 'event' synchronously inside the request's async chain, so the request that caused
  // an event can be recovered from async context; the raw event alone cannot tell a completed multipart
  // upload from a form POST.
  const requestContext = new AsyncLocalStorage<S3Operation | undefined>();
  s3rver.on('event', (event) => {
    const operation = requestContext.getStore();
    void send({ type: 'event', event, ...(operation === undefined ? {} : { operation }) });
  });
  s3rver.on('error', () => {
    // Koa reports request errors here after answering the client with an S3 error; nothing to add.
  });

  const handler = s3rver.callback();
  const server = createServer((req, res) => requestContext.run(operationOf(req), () => handler(req, res)));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (typeof address !== 'object' || address === null) {
    throw new Error('s3rver did not report a listening address');
  }

  const shutdown = (): void => {
    server.close();
    server.closeAllConnections();
    process.exit(0);
  };
  process.on('message', (message: ParentToChild) => {
    if (message.type === 'shutdown') {
      shutdown();
    }
  });
  // The parent died (even by SIGKILL) or closed the channel: nobody can stop us any more, so go.
  process.on('disconnect', shutdown);
  // A terminal's Ctrl-C, and its hang-up when it closes, reach the whole process group: the parent stops
  // this server in order, after what still writes to it (npm start's ingest) had its grace.
  process.on('SIGINT', () => undefined);
  process.on('SIGHUP', () => undefined);

  await send({ type: 'ready', port: address.port });
}

main().catch(async (error: unknown) => {
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.exitCode = 1;
  await send({ type: 'fatal', message });
  process.disconnect?.();
});
