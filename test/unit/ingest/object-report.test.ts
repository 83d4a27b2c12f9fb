import { describe, expect, it } from 'vitest';
import { openObjectReport } from '../../../functions/ingest/object-report.js';
import type { RejectionReport } from '../../../functions/ingest/rejection-report.js';
import { rejectionReportKey, replacedContentReportKey } from '../../../functions/ingest/report-key.js';

const REF = { bucket: 'b', key: 'incoming/a.ndjson' };

/** A report that records whether it was closed. */
function recordingReport(key: string): RejectionReport & { closed: boolean } {
  return {
    key,
    lines: 0,
    closed: false,
    write() {},
    ready: async () => undefined,
    async close() {
      this.closed = true;
    },
    abort: async () => undefined,
  };
}

describe('openObjectReport', () => {
  it('keeps the report of an object deleted while it was read under its key, and closes it', async () => {
    // A deleted object is no replacement: there is no newer content whose report this one would overwrite.
    const opened: ReturnType<typeof recordingReport>[] = [];
    let current: string | undefined = 'e1';
    const report = await openObjectReport(
      {
        objects: { currentETag: async () => current },
        openReport: (key) => {
          const made = recordingReport(key);
          opened.push(made);
          return made;
        },
        rejectedPrefix: 'rejected/',
        warn: () => undefined,
      },
      REF,
      'e1',
    );
    current = undefined;
    await report.close();
    expect(opened.map((made) => made.key)).toEqual(['rejected/incoming/a.ndjson.ndjson']);
    expect(opened[0]?.closed).toBe(true);
  });
});

describe('rejectionReportKey', () => {
  it('shortens a key too long for S3 to exactly 1,024 bytes at most, whatever its characters', () => {
    for (const character of ['a', 'é', '😀']) {
      for (let length = 990; length <= 1_030; length++) {
        const key = rejectionReportKey(`incoming/${character.repeat(length)}`, 'rejected/');
        expect(Buffer.byteLength(key), `${length} × ${character}`).toBeLessThanOrEqual(1_024);
      }
    }
  });
});

describe('report keys of two objects', () => {
  const ETAG = 'd41d8cd98f00b204e9800998ecf8427e';

  it('never meet: an object named like an earlier content of another, or like a shortened key', () => {
    const long = `incoming/${'x'.repeat(1_100)}`;
    const shortened = rejectionReportKey(long, 'rejected/');
    const namedLikeShortened = shortened.slice('rejected/'.length, -'.ndjson'.length);
    const keys = [
      rejectionReportKey(long, 'rejected/'),
      rejectionReportKey(namedLikeShortened, 'rejected/'),
      replacedContentReportKey('incoming/a.ndjson', ETAG, 'rejected/'),
      rejectionReportKey(`incoming/a.ndjson.${ETAG}`, 'rejected/'),
      replacedContentReportKey('incoming/a.ndjson', `${ETAG}-12`, 'rejected/'),
      rejectionReportKey(`incoming/a.ndjson.${ETAG}-12`, 'rejected/'),
      replacedContentReportKey(long, ETAG, 'rejected/'),
      rejectionReportKey(`${long}.${ETAG}`, 'rejected/'),
    ];
    expect(new Set(keys).size).toBe(keys.length);
    for (const key of keys) expect(Buffer.byteLength(key)).toBeLessThanOrEqual(1_024);
  });

  it('keep the plain names of every other key and earlier content', () => {
    expect(rejectionReportKey('incoming/a.ndjson', 'rejected/')).toBe('rejected/incoming/a.ndjson.ndjson');
    expect(rejectionReportKey('incoming/a.ndjson.abc', 'rejected/')).toBe(
      'rejected/incoming/a.ndjson.abc.ndjson',
    );
    expect(replacedContentReportKey('incoming/a.ndjson', ETAG, 'rejected/')).toBe(
      `rejected/incoming/a.ndjson.${ETAG}.ndjson`,
    );
  });
});
