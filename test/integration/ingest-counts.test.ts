// The sessions a link's move writes, as the ingest handler publishes them (the SessionsWritten metric) and as
// `npm start` words its log entry, on local S3 and DynamoDB Local with stitching on.
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { formatHandlerLog } from '../../local/stack-log.js';
import { sqsEvent } from '../helpers/sqs-events.js';
import { RecordingLogger, RecordingMetrics } from '../unit/ingest/handler-harness.js';
import { localIngestHandler, useIngestServers } from './ingest-servers.js';
import { freshStore } from './store/store-harness.js';

const BUCKET = 'sessionizer-counts-it';

const servers = useIngestServers(BUCKET);

describe('sessions written by the ingest handler, stitching', () => {
  it("publishes and logs the sessions a link's move wrote among them", async () => {
    const store = await freshStore(servers.dynamo.client, { identityStitching: true });
    const logger = new RecordingLogger();
    const metrics = new RecordingMetrics();
    const handler = localIngestHandler(servers, BUCKET, store, { logger, metrics });
    const deliver = async (key: string, event: Record<string, unknown>) => {
      await servers.s3.client.send(
        new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: `${JSON.stringify(event)}\n` }),
      );
      const uploaded = await servers.notificationsFor(key, (name) => name === key, 1);
      await handler(sqsEvent(uploaded));
      const ingested = logger.at('info').filter((entry) => entry.message === 'ingested');
      const entry = ingested.at(-1);
      return {
        line: entry && formatHandlerLog('info', entry.message, entry.attributes),
        metric: metrics.published.at(-1)?.get('SessionsWritten'),
      };
    };
    const track = { type: 'track', anonymousId: 'anon-x' };

    const browse = await deliver('incoming/browse.ndjson', {
      ...track,
      event: 'Browse',
      userId: null,
      timestamp: '2024-01-02T08:00:00.000Z',
      messageId: 'a-1',
    });
    const login = await deliver('incoming/login.ndjson', {
      ...track,
      event: 'Login',
      userId: 'u-x',
      timestamp: '2024-01-02T08:05:00.000Z',
      messageId: 'b-1',
    });

    expect(browse.metric).toBe(1);
    expect(browse.line).toMatch(/: 1 event, 0 rejected, 1 user, 1 session written;/);
    // The link moves anon-x's event into u-x's day (one session), then u-x's merge writes that day again.
    expect(login.metric).toBe(2);
    expect(login.line).toMatch(/: 1 event, 0 rejected, 1 user, 2 sessions written;/);
  });
});
