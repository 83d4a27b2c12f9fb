// What an ingest counts as sessions written when stitching is on, against DynamoDB Local: the sessions of the
// day items written, whether a merge wrote them or a link's move did, also across a call stopped between them.
import { describe, expect, it } from 'vitest';
import { DynamoDbStitchingWriter } from '../../../functions/adapters/dynamodb/stitching-writer.js';
import { type IngestObjectInput, ingestObject } from '../../../functions/ingest/ingest-object.js';
import { type IngestProgress, IngestStopped } from '../../../functions/ingest/progress.js';
import { useLocalDynamoDb } from '../../helpers/use-local-dynamodb.js';
import { MemoryReport } from '../../unit/ingest/ingest-object-harness.js';
import { bytesOf, chunked } from '../../unit/reading/archives.js';
import { freshStore, type StoreUnderTest } from './store-harness.js';

const dynamo = useLocalDynamoDb();

const BROWSE =
  '{"type":"track","event":"Browse","userId":null,"anonymousId":"anon-x","timestamp":"2024-01-02T08:00:00.000Z","messageId":"a-1"}';
const LOGIN =
  '{"type":"track","event":"Login","userId":"u-x","anonymousId":"anon-x","timestamp":"2024-01-02T08:05:00.000Z","messageId":"b-1"}';

function ingestText(
  store: StoreUnderTest,
  text: string,
  more: Pick<IngestObjectInput, 'resume' | 'checkpoint'> = {},
) {
  return ingestObject({
    file: 'incoming/counts.ndjson',
    format: 'auto',
    open: async () => chunked(bytesOf(`${text}\n`), [64 * 1024]),
    writer: store.writer,
    identity: new DynamoDbStitchingWriter(store.writer),
    rules: store.rules,
    report: new MemoryReport(),
    browserOf: () => null,
    ...more,
  });
}

describe('sessions written by an ingest, stitching', () => {
  it("counts the sessions a link's move writes as well as the merge's", async () => {
    const store = await freshStore(dynamo.client, { identityStitching: true });
    expect(await ingestText(store, BROWSE)).toMatchObject({ usersTouched: 1, sessionsWritten: 1 });

    // The link moves anon-x's event into u-x's day (one session), then u-x's merge writes that day again.
    expect(await ingestText(store, LOGIN)).toMatchObject({ usersTouched: 1, sessionsWritten: 2 });
  });

  it('keeps the count of a move a stopped call made, and counts it once, when the next call resumes', async () => {
    const store = await freshStore(dynamo.client, { identityStitching: true });
    await ingestText(store, BROWSE);
    let saved: IngestProgress | undefined;
    const checkpoint = {
      save: async (progress: IngestProgress) => {
        saved = progress;
        return true;
      },
      timeUp: () => true,
    };

    // The call is out of time once its first step, the link, is in: it stops before u-x's merge.
    await expect(ingestText(store, LOGIN, { checkpoint })).rejects.toThrow(IngestStopped);
    expect(saved).toMatchObject({ partial: { owners: 1 }, totals: { usersTouched: 0, sessionsWritten: 1 } });
    const resumed = await ingestText(store, LOGIN, {
      resume: saved,
      checkpoint: { ...checkpoint, timeUp: () => false },
    });

    expect(resumed).toMatchObject({ usersTouched: 1, sessionsWritten: 2 });
  });
});
