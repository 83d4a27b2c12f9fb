// The local stand-ins for the stack's AWS services: DynamoDB Local and the local S3, started in parallel
// with their data under the data dir, after checking that every fixed port is free (before a JVM starts).
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { S3Event } from 'aws-lambda';
import { type DynamoDbLocal, startDynamoDbLocal } from './dynamodb-local.js';
import { isPortFree } from './process-utils.js';
import { type S3Local, startS3Local } from './s3-local.js';
import type { LocalStackEnvVar } from './stack-config.js';

/** A port the stack cannot bind; names the variable to change, and a port free right now when it found one. */
export class PortInUseError extends Error {
  constructor(
    readonly envVar: LocalStackEnvVar,
    readonly port: number,
    what: string,
    readonly suggestion?: number,
  ) {
    super(
      `port ${port} (${what}) is already in use; stop whatever holds it (another \`npm start\`?) ` +
        (suggestion === undefined
          ? `or choose another port with ${envVar}`
          : `or choose another port, e.g. ${envVar}=${suggestion} npm start (free right now)`),
    );
    this.name = 'PortInUseError';
  }
}

/** The error for a taken port, suggesting the next port that is free and none of the stack's others. */
export async function portInUse(
  envVar: LocalStackEnvVar,
  port: number,
  what: string,
  stackPorts: readonly number[] = [],
): Promise<PortInUseError> {
  for (let candidate = port + 1; candidate <= Math.min(port + 100, 65_535); candidate++) {
    if (!stackPorts.includes(candidate) && (await isPortFree(candidate, '0.0.0.0'))) {
      return new PortInUseError(envVar, port, what, candidate);
    }
  }
  return new PortInUseError(envVar, port, what);
}

export function isAddressInUse(error: unknown): boolean {
  return (
    (error as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE' ||
    (error instanceof Error && /Address already in use|BindException/i.test(error.message))
  );
}

/** Fails fast, before a JVM is started, when a fixed port is taken. */
async function assertPortFree(
  port: number,
  host: string,
  envVar: LocalStackEnvVar,
  what: string,
  stackPorts: readonly number[],
) {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once('error', (error) => {
      if (!isAddressInUse(error)) reject(error);
      else portInUse(envVar, port, what, stackPorts).then(reject, reject);
    });
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
  const stackPorts = [options.apiPort, options.s3Port, options.dynamoDbPort];
  await assertPortFree(options.apiPort, '127.0.0.1', 'PORT', 'lookup API', stackPorts);
  await assertPortFree(options.s3Port, '127.0.0.1', 'S3_PORT', 'local S3', stackPorts);
  // DynamoDB Local has no bind-address option and listens on every interface.
  await assertPortFree(options.dynamoDbPort, '0.0.0.0', 'DYNAMODB_PORT', 'DynamoDB Local', stackPorts);

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
      ? await portInUse('DYNAMODB_PORT', options.dynamoDbPort, 'DynamoDB Local', stackPorts)
      : dynamoDb.reason;
  }
  const reason = (s3 as PromiseRejectedResult).reason;
  throw isAddressInUse(reason) ? await portInUse('S3_PORT', options.s3Port, 'local S3', stackPorts) : reason;
}
