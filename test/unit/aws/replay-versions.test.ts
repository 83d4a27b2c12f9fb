// A deployed stage's replay in a bucket that keeps versions: every version is enqueued, each message naming it.
import { ListObjectVersionsCommand, S3ServiceException } from '@aws-sdk/client-s3';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { readMessage } from '../../../functions/ingest/notifications.js';
import { HIDDEN_NULL_VERSION, replayObjects } from '../../../scripts/replay/aws-replay.js';
import {
  clients,
  freshReplayMocksEachTest,
  s3Mock,
  sentBatches,
  serveVersions,
  sqsMock,
  TARGET,
} from './replay-mocks.js';

freshReplayMocksEachTest();

/** What the ingest reads from each message sent: the objects it names. */
const enqueuedRefs = () =>
  sentBatches()
    .flat()
    .flatMap((entry) => readMessage({ body: entry.MessageBody ?? '' }).objects);

describe('replayObjects in a bucket that keeps versions', () => {
  it('enqueues every version of a key uploaded twice, each message naming its version', async () => {
    // Notifications were down while incoming/a.ndjson was uploaded twice: v2 hides v1.
    serveVersions([
      { key: 'incoming/a.ndjson', versionId: 'v2', latest: true, modified: '2024-03-02T00:00:00Z' },
      { key: 'incoming/a.ndjson', versionId: 'v1', modified: '2024-03-01T00:00:00Z' },
    ]);

    const result = await replayObjects(clients(), TARGET, { dryRun: false });

    expect(result.objects.map(({ key, versionId, noncurrent }) => ({ key, versionId, noncurrent }))).toEqual([
      { key: 'incoming/a.ndjson', versionId: 'v2', noncurrent: undefined },
      { key: 'incoming/a.ndjson', versionId: 'v1', noncurrent: true },
    ]);
    expect(result.versioned).toBe(true);
    expect(enqueuedRefs()).toEqual([
      { bucket: TARGET.bucket, key: 'incoming/a.ndjson', versionId: 'v2', eTag: 'etag-17-v2' },
      { bucket: TARGET.bucket, key: 'incoming/a.ndjson', versionId: 'v1', eTag: 'etag-17-v1' },
    ]);
  });

  it('goes on after the key and version marker S3 names, page after page', async () => {
    const versions = Array.from({ length: 7 }, (_, index) => ({
      key: `segment-logs/s/${Math.floor(index / 3)}.gz`,
      versionId: `v${index}`,
      latest: index % 3 === 0,
    }));
    serveVersions(versions, 2);

    const result = await replayObjects(clients(), TARGET, { prefix: 'segment-logs/', dryRun: true });

    expect(result.objects.map((object) => object.versionId)).toEqual(versions.map((v) => v.versionId));
    expect(s3Mock.commandCalls(ListObjectVersionsCommand).map((call) => call.args[0].input)).toEqual([
      { Bucket: TARGET.bucket, Prefix: 'segment-logs/' },
      ...[1, 3, 5].map((index) => ({
        Bucket: TARGET.bucket,
        Prefix: 'segment-logs/',
        KeyMarker: versions[index]?.key,
        VersionIdMarker: versions[index]?.versionId,
      })),
    ]);
    expect(sqsMock.commandCalls(SendMessageBatchCommand)).toEqual([]);
  });

  it('leaves delete markers out, and enqueues the versions a delete marker hides', async () => {
    serveVersions([
      { key: 'incoming/deleted.ndjson', versionId: 'd1', latest: true, deleteMarker: true },
      { key: 'incoming/deleted.ndjson', versionId: 'v1' },
      { key: 'incoming/only-marker.ndjson', versionId: 'd2', latest: true, deleteMarker: true },
    ]);

    const result = await replayObjects(clients(), TARGET, { dryRun: false });

    expect(result.objects.map(({ key, versionId }) => `${key}@${versionId}`)).toEqual([
      'incoming/deleted.ndjson@v1',
    ]);
    expect(result.skipped).toEqual([]);
    expect(enqueuedRefs().map((ref) => ref.versionId)).toEqual(['v1']);
  });

  it('keeps the versions written on or after --since, whichever is current', async () => {
    serveVersions([
      { key: 'incoming/a.ndjson', versionId: 'v3', latest: true, modified: '2024-01-03T00:00:00Z' },
      { key: 'incoming/a.ndjson', versionId: 'v2', modified: '2024-01-02T00:00:00Z' },
      { key: 'incoming/a.ndjson', versionId: 'v1', modified: '2024-01-01T23:59:59Z' },
      { key: 'incoming/b.ndjson', versionId: 'w2', latest: true, modified: '2023-12-31T00:00:00Z' },
      { key: 'incoming/b.ndjson', versionId: 'w1', modified: '2023-12-30T00:00:00Z' },
    ]);

    const result = await replayObjects(clients(), TARGET, {
      since: new Date('2024-01-02T00:00:00Z'),
      dryRun: false,
    });

    expect(result.objects.map((object) => object.versionId)).toEqual(['v3', 'v2']);
    expect(result.older).toBe(3);
    expect(enqueuedRefs().map((ref) => ref.versionId)).toEqual(['v3', 'v2']);
  });

  it('names no version for a null version, and skips one a later version hides, which no message can name', async () => {
    // Versioning was suspended for a while, then enabled again.
    serveVersions([
      { key: 'incoming/a.ndjson', versionId: 'v2', latest: true },
      { key: 'incoming/a.ndjson', versionId: 'null' },
      { key: 'incoming/b.ndjson', versionId: 'null', latest: true },
      { key: 'incoming/manifest.json', versionId: 'm2', latest: true },
      { key: 'incoming/manifest.json', versionId: 'm1' },
    ]);

    const result = await replayObjects(clients(), TARGET, { dryRun: false });

    expect(enqueuedRefs()).toEqual([
      { bucket: TARGET.bucket, key: 'incoming/a.ndjson', versionId: 'v2', eTag: 'etag-17-v2' },
      { bucket: TARGET.bucket, key: 'incoming/b.ndjson', eTag: 'etag-17' },
    ]);
    // Once a key, however many of its versions are listed.
    expect(result.skipped).toEqual([
      { key: 'incoming/a.ndjson', reason: HIDDEN_NULL_VERSION },
      { key: 'incoming/manifest.json', reason: 'an export manifest, not an export' },
    ]);
  });

  it('says which permission is missing when S3 refuses to list versions', async () => {
    s3Mock.on(ListObjectVersionsCommand).rejects(
      new S3ServiceException({
        name: 'AccessDenied',
        $fault: 'client',
        $metadata: { httpStatusCode: 403 },
        message: 'Access Denied',
      }),
    );

    await expect(replayObjects(clients(), TARGET, { dryRun: true })).rejects.toThrow(
      `S3 refused to list the versions in ${TARGET.bucket} (Access Denied): a replay needs s3:ListBucketVersions on the bucket`,
    );
  });
});
