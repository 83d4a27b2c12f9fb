// The replay tests' shared set-up: mocked S3, SQS and CloudFormation clients and a deployed stage's target.
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { ListObjectsV2Command, ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import { SendMessageBatchCommand, type SendMessageBatchRequestEntry, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach } from 'vitest';
import { DEFAULT_SOURCES } from '../../../contract/index.js';
import type { ReplayTarget } from '../../../scripts/replay/aws-replay.js';
import { runReplay } from '../../../scripts/replay/command.js';

export const s3Mock = mockClient(S3Client);
export const sqsMock = mockClient(SQSClient);
export const cloudFormationMock = mockClient(CloudFormationClient);

export const TARGET: ReplayTarget = {
  bucket: 'events-bucket',
  ingestQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/ingest',
  ingestQueueArn: 'arn:aws:sqs:eu-west-1:123456789012:ingest',
  deadLetterQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/ingest-dlq',
  sources: DEFAULT_SOURCES,
  region: 'eu-west-1',
};
export const DLQ_ARN = 'arn:aws:sqs:eu-west-1:123456789012:ingest-dlq';

export interface Listed {
  readonly key: string;
  readonly modified?: string;
}

/** One version in a bucket that keeps versions, as ListObjectVersions names it; newest first within a key. */
export interface ListedVersion extends Listed {
  /** "null" for the version an unversioned (or suspended) bucket writes. */
  readonly versionId: string;
  readonly latest?: boolean;
  readonly deleteMarker?: boolean;
}

const eTagOf = (entry: ListedVersion) =>
  `"etag-${entry.key.length}${entry.versionId === 'null' ? '' : `-${entry.versionId}`}"`;
const modifiedOf = (entry: Listed) => new Date(entry.modified ?? '2024-03-01T00:00:00Z');

/**
 * The bucket as ListObjectsV2 pages it: `pageSize` entries a page, continuation tokens between them. With
 * Delimiter '/', as S3 answers: the keys below a further slash come once, as the folder (CommonPrefixes).
 * An unversioned bucket: ListObjectVersions answers each object as its null version.
 */
export function serveListing(objects: readonly Listed[], pageSize = 2) {
  serveVersions(
    objects.map((object) => ({ ...object, versionId: 'null', latest: true })),
    pageSize,
  );
}

/**
 * A bucket that keeps versions: ListObjectVersions pages its versions and delete markers (`pageSize` entries
 * a page, going on after KeyMarker and VersionIdMarker, as S3 does), ListObjectsV2 its current objects.
 */
export function serveVersions(versions: readonly ListedVersion[], pageSize = 2) {
  const current = versions.filter((entry) => entry.latest === true && entry.deleteMarker !== true);
  s3Mock
    .on(ListObjectsV2Command)
    .callsFake((input: { Prefix?: string; Delimiter?: string; ContinuationToken?: string }) => {
      const prefix = input.Prefix ?? '';
      const entries: (ListedVersion | { folder: string })[] = [];
      for (const object of current) {
        if (!object.key.startsWith(prefix)) continue;
        const slash = input.Delimiter === '/' ? object.key.indexOf('/', prefix.length) : -1;
        const folder = object.key.slice(0, slash + 1);
        if (slash === -1) entries.push(object);
        else if (!entries.some((entry) => 'folder' in entry && entry.folder === folder))
          entries.push({ folder });
      }
      const start = Number(input.ContinuationToken ?? '0');
      const page = entries.slice(start, start + pageSize);
      const more = start + pageSize < entries.length;
      const folders = page.flatMap((entry) => ('folder' in entry ? [{ Prefix: entry.folder }] : []));
      return {
        Contents: page.flatMap((object) =>
          'key' in object
            ? [{ Key: object.key, ETag: eTagOf(object), Size: 100, LastModified: modifiedOf(object) }]
            : [],
        ),
        ...(folders.length > 0 && { CommonPrefixes: folders }),
        KeyCount: page.length,
        IsTruncated: more,
        ...(more && { NextContinuationToken: String(start + pageSize) }),
      };
    });
  s3Mock
    .on(ListObjectVersionsCommand)
    .callsFake((input: { Prefix?: string; KeyMarker?: string; VersionIdMarker?: string }) => {
      const entries = versions.filter((entry) => entry.key.startsWith(input.Prefix ?? ''));
      const after =
        input.KeyMarker === undefined
          ? -1
          : entries.findIndex(
              (entry) => entry.key === input.KeyMarker && entry.versionId === input.VersionIdMarker,
            );
      if (input.KeyMarker !== undefined && after === -1)
        throw new Error(`no version ${input.KeyMarker} ${input.VersionIdMarker} to go on after`);
      const page = entries.slice(after + 1, after + 1 + pageSize);
      const last = page.at(-1);
      const more = after + 1 + pageSize < entries.length;
      const common = (entry: ListedVersion) => ({
        Key: entry.key,
        VersionId: entry.versionId,
        IsLatest: entry.latest === true,
        LastModified: modifiedOf(entry),
      });
      return {
        Versions: page
          .filter((entry) => entry.deleteMarker !== true)
          .map((entry) => ({ ...common(entry), ETag: eTagOf(entry), Size: 100 })),
        DeleteMarkers: page.filter((entry) => entry.deleteMarker === true).map(common),
        IsTruncated: more,
        ...(more && last !== undefined && { NextKeyMarker: last.key, NextVersionIdMarker: last.versionId }),
      };
    });
}

export const sentBatches = () =>
  sqsMock
    .commandCalls(SendMessageBatchCommand)
    .map((call) => (call.args[0].input.Entries ?? []) as SendMessageBatchRequestEntry[]);

export const clients = () => ({
  s3: new S3Client({ region: 'eu-west-1' }),
  sqs: new SQSClient({ region: 'eu-west-1' }),
});

/** Fresh mocks before each test of a file that calls it; SQS takes every batch whole. */
export function freshReplayMocksEachTest(): void {
  beforeEach(() => {
    s3Mock.reset();
    sqsMock.reset();
    cloudFormationMock.reset();
    sqsMock.on(SendMessageBatchCommand).callsFake((input: { Entries: SendMessageBatchRequestEntry[] }) => ({
      Successful: input.Entries.map((entry) => ({ Id: entry.Id, MessageId: `m-${entry.Id}` })),
      Failed: [],
    }));
  });
}

/**
 * Stage dev as its stacks' outputs name it (DescribeStacks): the replay target's bucket and queues, plus
 * `statelessOutputs` (the erasure's ApiUrl, for one).
 */
export function mockDeployedStage(statelessOutputs: Record<string, string> = {}): void {
  const outputs = (stack: string, values: Record<string, string>) =>
    cloudFormationMock.on(DescribeStacksCommand, { StackName: stack }).resolves({
      Stacks: [
        {
          StackName: stack,
          CreationTime: new Date(),
          StackStatus: 'UPDATE_COMPLETE',
          Outputs: Object.entries(values).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
        },
      ],
    });
  outputs('Sessionizer-dev-Stateful', { BucketName: TARGET.bucket });
  outputs('Sessionizer-dev-Stateless', {
    ...statelessOutputs,
    IngestQueueUrl: TARGET.ingestQueueUrl,
    IngestQueueArn: TARGET.ingestQueueArn,
    DeadLetterQueueUrl: TARGET.deadLetterQueueUrl,
  });
}

/** What a `npm run replay` run printed, and its exit status. */
export async function runReplayPrinting(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const status = await runReplay(argv, {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    env: {},
  });
  return { status, out: out.join('\n'), err: err.join('\n') };
}
