// The SDK clients as the Lambda bundles build them (lib/config/bundling.ts, stand-ins included) still sign
// with the credentials Lambda puts in the environment, read an object, write a rejection report, call
// DynamoDB and queue a continuation. A fake endpoint stands in for AWS.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { esbuildOptionsFor, repoRoot } from '../../lib/config/bundling.js';

const ENTRY = `
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { S3ObjectSource } from './functions/adapters/s3/object-source.ts';
import { S3RejectionReport } from './functions/adapters/s3/rejection-report.ts';
import { lazyContinuationQueue } from './functions/adapters/sqs/lazy-continuation-queue.ts';
import { dynamoDbClient } from './functions/shared/dynamodb-client.ts';
import { s3Client } from './functions/shared/s3-client.ts';

const tables = (await dynamoDbClient.send(new ListTablesCommand({}))).TableNames;
const opened = await new S3ObjectSource(s3Client).open({ bucket: 'uploads', key: 'incoming/a.ndjson' });
let text = '';
if (opened.status === 'found') for await (const chunk of opened.bytes) text += Buffer.from(chunk).toString();
const report = new S3RejectionReport({ s3: s3Client, bucket: 'uploads', key: 'rejected/a.ndjson' });
report.write({ file: 'incoming/a.ndjson', position: 0, reason: 'probe' });
await report.close();
// From a chunk of its own, as the ingest loads it.
await lazyContinuationQueue(process.env.INGEST_QUEUE_URL)([
  { bucket: 'uploads', key: 'incoming/a.ndjson', versionId: 'v1' },
]);
console.log(JSON.stringify({ tables, text }));
`;

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly authorization: string;
  readonly token: string | undefined;
  readonly body: string;
}

async function bodyOf(request: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of request) body += chunk;
  return body;
}

describe('SDK clients in a Lambda bundle', () => {
  const seen: Seen[] = [];
  let server: Server;
  let endpoint: string;
  let scratch: string;
  let bundle: string;

  beforeAll(async () => {
    server = createServer(async (request, response) => {
      const body = await bodyOf(request);
      seen.push({
        method: request.method ?? '',
        url: request.url ?? '',
        authorization: request.headers.authorization ?? '',
        token: request.headers['x-amz-security-token'] as string | undefined,
        body,
      });
      if (String(request.headers['x-amz-target']).startsWith('AmazonSQS.')) {
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
        const md5 = createHash('md5').update(JSON.parse(body).MessageBody).digest('hex');
        response.end(JSON.stringify({ MessageId: 'm-1', MD5OfMessageBody: md5 }));
      } else if (request.headers['x-amz-target'] !== undefined) {
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
        response.end('{"TableNames":["sessions"]}');
      } else if (request.method === 'GET') {
        response.writeHead(200, { etag: '"abc"', 'content-length': '5' });
        response.end('hello');
      } else {
        response.writeHead(200, { etag: '"def"' });
        response.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    scratch = await mkdtemp(join(tmpdir(), 'sessionizer-bundled-clients-'));
    bundle = join(scratch, 'index.mjs');
    // Split, as the ingest is: the continuation's SQS client comes from a chunk.
    const { entryPoints: _entryPoints, ...options } = esbuildOptionsFor('unused', scratch, {
      splitting: true,
    });
    await build({ ...options, stdin: { contents: ENTRY, resolveDir: repoRoot, loader: 'ts' } });
  }, 60_000);

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(scratch, { recursive: true, force: true });
  });

  it('sign with the environment credentials, read, write a report and call DynamoDB', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [bundle], {
      env: {
        PATH: process.env.PATH ?? '',
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'secret',
        AWS_SESSION_TOKEN: 'session-token',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        DYNAMODB_ENDPOINT: endpoint,
        AWS_ENDPOINT_URL_S3: endpoint,
        INGEST_QUEUE_URL: `${endpoint}/000000000000/ingest`,
      },
    });

    expect(JSON.parse(stdout)).toEqual({ tables: ['sessions'], text: 'hello' });
    expect(seen.map(({ method, url }) => `${method} ${url.split('?')[0]}`)).toEqual([
      'POST /',
      'GET /uploads/incoming/a.ndjson',
      'PUT /uploads/rejected/a.ndjson',
      // SQS's JSON protocol posts to the root of the queue URL's host, naming the queue in the body.
      'POST /',
    ]);
    for (const request of seen) {
      expect(request.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE\//);
      expect(request.token).toBe('session-token');
    }
    expect(seen[2]?.body).toBe('{"file":"incoming/a.ndjson","position":0,"reason":"probe"}\n');
    expect(JSON.parse(seen[3]?.body ?? '')).toMatchObject({ QueueUrl: `${endpoint}/000000000000/ingest` });
  }, 60_000);

  it('fail plainly when the environment has no credentials', async () => {
    const run = promisify(execFile)(process.execPath, [bundle], {
      env: {
        PATH: process.env.PATH ?? '',
        AWS_REGION: 'us-east-1',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        DYNAMODB_ENDPOINT: endpoint,
        AWS_ENDPOINT_URL_S3: endpoint,
        // Were the default chain bundled, it would look here (and at instance metadata) instead.
        HOME: scratch,
      },
    });

    await expect(run).rejects.toThrow('Unable to find environment variable credentials.');
    // Its stack, as the function's log would show it: source files and lines, not the bundle's.
    const { stderr } = (await run.catch((error: unknown) => error)) as { stderr: string };
    expect(stderr).toMatch(
      /\n {4}at credentialsProvider \([^)\n]*node_modules\/@aws-sdk\/credential-provider-env\/dist-es\/fromEnv\.js:\d+:\d+\)\n/,
    );
  }, 60_000);
});
