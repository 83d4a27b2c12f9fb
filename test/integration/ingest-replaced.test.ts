// A file cut short whose object is replaced before the call that continues it, on the local S3 server, which
// keeps no versions: the rest of the first content cannot be read, and the continuation says how much of it
// was merged before it ingests the current content.
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { DynamoDbIngestProgress } from '../../functions/adapters/dynamodb/ingest-progress.js';
import type { ObjectRef } from '../../functions/adapters/s3/object-source.js';
import { continuationMessage } from '../../functions/adapters/sqs/continuation-queue.js';
import { quietLogger } from '../helpers/silent-ingest.js';
import { sqsEvent } from '../helpers/sqs-events.js';
import { segmentLines } from '../unit/ingest/handler-harness.js';
import { localIngestHandler, useIngestServers } from './ingest-servers.js';
import { freshStore } from './store/store-harness.js';

const BUCKET = 'sessionizer-replaced-it';
const KEY = 'incoming/replaced 1+.ndjson';
/** A context with 5 s left: the call stops after its first merge. */
const SHORT = { getRemainingTimeInMillis: () => 5_000 } as Context;

const servers = useIngestServers(BUCKET);

describe('an ingest continued after its object was replaced in a bucket that keeps no versions', () => {
  it('logs how much of the first content was merged, then ingests the current content', async () => {
    const store = await freshStore(servers.dynamo.client);
    const errors: Record<string, unknown>[] = [];
    const logger = {
      ...quietLogger,
      error: (_message: string, attributes: Record<string, unknown>) => {
        errors.push(attributes);
      },
    };
    const continued: ObjectRef[] = [];
    const handler = localIngestHandler(servers, BUCKET, store, {
      logger,
      progress: new DynamoDbIngestProgress(store.transport),
      continueLater: async (objects) => {
        continued.push(...objects);
      },
      mergeConcurrency: 1,
    });
    const users = Array.from({ length: 20 }, (_, index) => ({ user: `first-${index}`, at: index }));
    await servers.s3.client.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: KEY, Body: segmentLines(users) }),
    );
    const [uploaded] = await servers.notificationsFor('the upload', (key) => key === KEY, 1);

    const first = await handler(sqsEvent([uploaded]), SHORT);

    expect(first.outcomes).toEqual([expect.objectContaining({ status: 'continued' })]);
    const [ref] = continued.splice(0);
    expect(ref?.versionId).toBeUndefined();
    const readETag = uploaded?.Records[0]?.s3.object.eTag.replace(/"/g, '');
    expect(ref?.eTag).toBe(readETag);
    const other = segmentLines([{ user: 'second', at: 0 }]);
    await servers.s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: KEY, Body: other }));

    const next = await handler(sqsEvent([JSON.parse(continuationMessage(ref as ObjectRef))]));

    // The current content is one event, new to the store.
    expect(next.outcomes).toEqual([
      expect.objectContaining({ status: 'ingested', stats: expect.objectContaining({ newEvents: 1 }) }),
    ]);
    // One chunk: its first user was merged before the call stopped.
    expect(errors).toEqual([
      expect.objectContaining({ key: KEY, eTag: readETag, merged: 0, chunkStepsDone: 1 }),
    ]);
  });
});
