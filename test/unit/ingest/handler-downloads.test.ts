// Every download the ingest opens is read to its end or ended: one left open holds its socket until S3 gives
// up on it, and a warm function's later calls wait for the sockets so held.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ObjectSource } from '../../../functions/adapters/s3/object-source.js';
import { s3Notification, sqsEvent } from '../../helpers/sqs-events.js';
import { segmentLines } from './handler-harness.js';
import { createHandler, eventFor, freshHandlerMocksEachTest } from './handler-mocks.js';
import { MemoryProgress } from './memory-progress.js';

freshHandlerMocksEachTest();

const KEY = 'incoming/a.ndjson';

/** An object source whose every download is kept, to see which were ended; `texts` are the contents read in turn. */
function watchedSource(texts: readonly string[], currentETag?: ObjectSource['currentETag']) {
  const downloads: Readable[] = [];
  const objects: ObjectSource = {
    open: async () => {
      const text = texts[Math.min(downloads.length, texts.length - 1)] as string;
      const bytes = Readable.from([Buffer.from(text)]);
      downloads.push(bytes);
      return { status: 'found', bytes, eTag: `etag-${texts.indexOf(text)}` };
    },
    ...(currentETag !== undefined && { currentETag }),
  };
  return { objects, downloads };
}

const FILE = segmentLines([{ user: 'ann', at: 0, id: 'm-1' }]);

describe('createIngestHandler and the downloads it opens', () => {
  it('ends the download when the check of the current content fails before it is read', async () => {
    const { objects, downloads } = watchedSource([FILE], async () => {
      throw new Error('SlowDown');
    });

    const result = await createHandler({ objects })(eventFor(KEY));

    expect(result.failureReasons).toEqual({ 'message-1': 'Error: SlowDown' });
    expect(downloads.map((download) => download.destroyed)).toEqual([true]);
  });

  it('ends the download when its progress cannot be read (a throttled table)', async () => {
    const { objects, downloads } = watchedSource([FILE]);
    const progress = new MemoryProgress();
    progress.load = async () => {
      throw new Error('ProvisionedThroughputExceededException');
    };

    const result = await createHandler({ objects, progress })(eventFor(KEY));

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'message-1' }]);
    expect(downloads.map((download) => download.destroyed)).toEqual([true]);
  });

  it('ends the download when the progress of the content its notification named cannot be read', async () => {
    const { objects, downloads } = watchedSource([FILE]);
    const progress = new MemoryProgress();
    progress.load = async () => {
      throw new Error('ProvisionedThroughputExceededException');
    };
    // The content named was replaced: what an earlier call merged of it is looked up first.
    const event = sqsEvent([s3Notification(KEY, { eTag: 'etag-of-an-earlier-upload' })]);

    const result = await createHandler({ objects, progress })(event);

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'message-1' }]);
    expect(downloads.map((download) => download.destroyed)).toEqual([true]);
  });

  it('ends the second download of a tie-break that finds the object replaced', async () => {
    // Two copies of one event at one instant: the kept one is chosen by their texts, read again.
    const copyB =
      '{"type":"track","event":"B","userId":"u","timestamp":"2024-01-01T09:00:00Z","messageId":"m"}';
    const copyA =
      '{"type":"track","event":"A","userId":"u","timestamp":"2024-01-01T09:00:00Z","messageId":"m"}';
    const { objects, downloads } = watchedSource([`${copyB}\n${copyA}`, `${copyA}\n${copyB}`]);

    const result = await createHandler({ objects })(eventFor(KEY));

    expect(result.failureReasons['message-1']).toContain('was replaced while being ingested');
    expect(downloads).toHaveLength(2);
    expect(downloads.map((download) => download.destroyed)).toEqual([true, true]);
  });
});
