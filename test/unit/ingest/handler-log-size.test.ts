// The log entry of an object names its files: an archive of thousands of members must not make it a line
// Lambda splits (it cuts lines at 64 KB and 256 KB), which no log query or metric filter could read.
import { describe, expect, it } from 'vitest';
import { bytesOf, zipWithSizes } from '../reading/archives.js';
import { segmentLines } from './handler-harness.js';
import { bucket, createHandler, eventFor, freshHandlerMocksEachTest, logger } from './handler-mocks.js';

freshHandlerMocksEachTest();

const MEMBERS = 3_000;

describe('the log entry of an archive of many members', () => {
  it('lists the files with something to say first, within a bound, and counts the others', async () => {
    const key = 'incoming/amplitude-like-export.zip';
    const members = Array.from({ length: MEMBERS }, (_, index) => ({
      path: `123456/123456_2024-01-01_${index}#0.ndjson`,
      content: bytesOf(segmentLines([{ user: `u${index % 10}`, at: index % 600, id: `m-${index}` }])),
    }));
    members.push({ path: 'README.txt', content: bytesOf('hello\n') });
    bucket.put(key, zipWithSizes(members));

    const result = await createHandler()(eventFor(key));

    expect(result.outcomes).toMatchObject([{ status: 'ingested', key, stats: { accepted: MEMBERS } }]);
    const [entry] = logger.entries.filter((logged) => logged.message === 'ingested');
    const attributes = entry?.attributes ?? {};
    expect(Buffer.byteLength(JSON.stringify(attributes))).toBeLessThan(48 * 1024);
    const files = attributes.files as { file: string; skipped?: string }[];
    expect(files[0]).toMatchObject({ file: `${key}!README.txt`, skipped: expect.any(String) });
    expect(files.length).toBeGreaterThan(10);
    expect(attributes.filesNotListed).toBe(MEMBERS + 1 - files.length);
    expect(attributes.formats).toEqual(['segment']);
  });
});
