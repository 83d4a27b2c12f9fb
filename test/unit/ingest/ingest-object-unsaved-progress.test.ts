// A call that runs out of time continues its file only from progress it could keep: progress too large for
// its item (the positions of events refused as erased, by the hundred thousand) would start the file over on
// every call, a chain of continuations that never ends.
import { describe, expect, it } from 'vitest';
import { ingestObject } from '../../../functions/ingest/ingest-object.js';
import { IngestStopped } from '../../../functions/ingest/progress.js';
import { FakeSessionWriter } from '../../helpers/fake-session-writer.js';
import { bytesOf, chunked } from '../reading/archives.js';
import { MemoryReport, RULES, randomSplitText } from './ingest-object-harness.js';

const FILE = 'incoming/random-split.ndjson';
const BYTES = bytesOf(randomSplitText);

function ingestUntilTimeUp(saves: (progress: unknown) => boolean) {
  let merges = 0;
  const writer = new FakeSessionWriter(RULES);
  return ingestObject({
    file: FILE,
    format: 'auto',
    open: async () => chunked(BYTES, [4096]),
    rules: RULES,
    browserOf: () => null,
    writer: {
      mergeUserEvents: async (userId, events, texts) => {
        merges++;
        return writer.mergeUserEvents(userId, events, texts);
      },
    },
    report: new MemoryReport(),
    chunkEvents: 700,
    checkpoint: { save: async (progress) => saves(progress), timeUp: () => merges >= 5 },
  });
}

describe('a call out of time', () => {
  it('stops to be continued once its progress is kept', async () => {
    await expect(ingestUntilTimeUp(() => true)).rejects.toBeInstanceOf(IngestStopped);
  });

  it('fails, saying why and what to do, when its progress could not be kept', async () => {
    const failure = ingestUntilTimeUp(() => false);

    await expect(failure).rejects.not.toBeInstanceOf(IngestStopped);
    await expect(failure).rejects.toThrow(
      /^incoming\/random-split\.ndjson: .*progress .* too large to keep.*split the file/,
    );
  });
});
