// The local stand-ins for the stack's AWS services: DynamoDB Local and the local S3, started in parallel
// with their data under the data dir, after checking that every fixed port is free (before a JVM starts).
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { S3Event } from 'aws-lambda';
import { type DynamoDbLocal, startDynamoDbLocal } from './dynamodb-local.js';
import { type S3Local, startS3Local } from './s3-local.js';
import type { LocalStackEnvVar } from './stack-config.js';

/** A port the stack cannot bind; names the variable to change. */
export class PortInUseError extends Error {
  constructor(
    readonly envVar: LocalStackEnvVar,
    readonly port: number,
    what: string,
  ) {
    super(
      `port ${port} (${what}) is already in use; stop whatever holds it (another \`npm start\`?) ` +
        `or choose another port, e.g. ${envVar}=${port + 1} npm start`,
    );
    this.name = 'PortInUseError';
  }
}

export function isAddressInUse(error: unknown): boolean {
  return (
    (error as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE' ||
    (error instanceof Error && /Address already in use|BindException/i.test(error.message))
  );
}

/** Fails fast, before a JVM is started, when a fixed port is taken. */
async function assertPortFree(port: number, host: string, envVar: LocalStackEnvVar, what: string) {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once('error', (error) =>
      reject(isAddressInUse(error) ? new PortInUseError(envVar, port, what) : error),
    );
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve()));
  });
}

export interface ServersOptions {
  apiPort: number;
  s3Port: number;
  dynamoDbPort: number;
  dataDir: string;
  bucket: string;
  onObjectCreated: (event: S3Event) => void;
}

export interface Servers {
  dynamoDb: DynamoDbLocal;
  s3: S3Local;
}

/**
 * Starts both servers. When one fails the other is stopped again and the error (a PortInUseError for a
 * taken port) is thrown.
 */
export async function startServers(options: ServersOptions): Promise<Servers> {
  await assertPortFree(options.apiPort, '127.0.0.1', 'PORT', 'lookup API');
  await assertPortFree(options.s3Port, '127.0.0.1', 'S3_PORT', 'local S3');
  // DynamoDB Local has no bind-address option and listens on every interface.
  await assertPortFree(options.dynamoDbPort, '0.0.0.0', 'DYNAMODB_PORT', 'DynamoDB Local');

  const [dynamoDb, s3] = await Promise.allSettled([
    startDynamoDbLocal({ port: options.dynamoDbPort, dataDir: join(options.dataDir, 'dynamodb') }),
    startS3Local({
      port: options.s3Port,
      dataDir: join(options.dataDir, 's3'),
      bucket: options.bucket,
      onObjectCreated: options.onObjectCreated,
    }),
  ]);
  if (dynamoDb.status === 'fulfilled' && s3.status === 'fulfilled') {
    return { dynamoDb: dynamoDb.value, s3: s3.value };
  }
  await Promise.allSettled([
    dynamoDb.status === 'fulfilled' && dynamoDb.value.stop(),
    s3.status === 'fulfilled' && s3.value.stop(),
  ]);
  if (dynamoDb.status === 'rejected') {
    throw isAddressInUse(dynamoDb.reason)
      ? new PortInUseError('DYNAMODB_PORT', options.dynamoDbPort, 'DynamoDB Local')
      : dynamoDb.reason;
  }
  const reason = (s3 as PromiseRejectedResult).reason;
  throw isAddressInUse(reason) ? new PortInUseError('S3_PORT', options.s3Port, 'local S3') : reason;
}
