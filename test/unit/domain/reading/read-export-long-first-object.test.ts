// A file's first JSON object chooses its format (rule 1b), even when it is too long to hold: its members are
// found as its bytes stream past, so every record of the file is read in the format it shows.
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { MAX_RECORD_BYTES } from '../../../../functions/domain/reading/byte-record.js';
import type { FileSummary } from '../../../../functions/domain/reading/read-export.js';
import { event, ids, read } from './read-export-fixture.js';

const MiB = 1024 * 1024;
const tooLong = (length: number) => `record too long (${length} bytes; at most ${MAX_RECORD_BYTES})`;
const mixpanel = (insertId: string) =>
  JSON.stringify({
    event: 'Clicked',
    properties: { time: 1704099600, distinct_id: 'u-1', $insert_id: insertId },
  });

/**
 * A Mixpanel object past the limit whose detecting members come after its long value, behind a string that
 * holds Segment's `type` key and a duplicate `properties` that is not an object.
 */
const HUGE_MIXPANEL =
  `{"properties":"no","pad":"${'x'.repeat(MAX_RECORD_BYTES)}","s":"{\\"type\\":1}",` +
  '"ev\\u0065nt":"Big","properties":{"time":1704099600,"distinct_id":"u-1"}}';
/** The file's next object is Segment's, and its last Mixpanel's. */
const NDJSON = `${HUGE_MIXPANEL}\n${event('m-1')}\n${mixpanel('i-1')}\n`;
const ARRAY = `[${HUGE_MIXPANEL},\n${event('m-1')},\n${mixpanel('i-1')}]`;

describe('readExport, a first object too long to hold', () => {
  it.each([
    ['NDJSON', 'a.ndjson', NDJSON],
    ['a JSON array', 'a.json', ARRAY],
  ])('chooses the format of %s by its own members, in any chunks, and rejects it', async (_, name, text) => {
    const length = HUGE_MIXPANEL.length;
    for (const chunkSize of [text.length, MiB, 64 * 1024 + 3]) {
      const result = await read(name, text, { chunkSize });
      expect(result.summaries).toEqual([
        expect.objectContaining({ format: 'mixpanel', records: 3, accepted: 1, rejected: 2 }),
      ]);
      expect(result.events.map(({ event: accepted }) => accepted.id)).toEqual(['m:i-1']);
      expect(result.rejections.map(({ position, reason }) => [position, reason])).toEqual([
        [1, tooLong(length)],
        [2, expect.stringContaining('properties.time')],
      ]);
    }
  });

  it('is Segment by its type after a long value, and Segment too when no format shows', async () => {
    const segment = `{"pad":"${'x'.repeat(MAX_RECORD_BYTES)}","type":"track"}`;
    const plain = `{"pad":"${'x'.repeat(MAX_RECORD_BYTES)}","event":"Big"}`;
    for (const first of [segment, plain]) {
      const result = await read('b.ndjson', `${first}\n${mixpanel('i-1')}\n${event('m-1')}\n`, {
        chunkSize: MiB,
      });
      expect(result.summaries[0]).toMatchObject({ format: 'segment', accepted: 1, rejected: 2 });
      expect(result.events.map(({ event: accepted }) => accepted.id)).toEqual(['m:m-1']);
    }
  });

  it('names the format it shows when a named format rejects every record, not the next object’s', async () => {
    const amplitude = JSON.stringify({ event_type: 'Clicked', event_time: '2024-01-01 09:00:00.000000' });
    const result = await read('c.ndjson', `${HUGE_MIXPANEL}\n${amplitude}\n`, { format: 'segment' });
    expect(result.summaries[0]).toMatchObject({ accepted: 0, rejected: 2, looksLike: 'mixpanel' });
  });
});

describe('readExport, a ZIP member whose object is too long to hold', () => {
  const pad = 'x'.repeat(MAX_RECORD_BYTES);
  /** A manifest past the limit: an object, but of no export format. */
  const HUGE_MANIFEST = `{"files":["${pad}"],"created":"today"}`;
  const byFile = (summaries: FileSummary[]) =>
    Object.fromEntries(summaries.map((summary) => [summary.file, summary]));

  it.each([
    ['NDJSON', `${HUGE_MANIFEST}\n`],
    ['a JSON array', `[${HUGE_MANIFEST}]`],
    ['NDJSON after a small object of no format', `{"files":1}\n${HUGE_MANIFEST}\n`],
  ])('skips it when its members show no format (%s), as a manifest held whole is', async (_, text) => {
    const zip = zipSync({ 'manifest.json': Buffer.from(text), 'a.ndjson': Buffer.from(`${event('m-1')}\n`) });
    for (const format of ['auto', 'segment'] as const) {
      const result = await read('export.zip', zip, { chunkSize: MiB, format });
      expect(result.rejections, format).toEqual([]);
      expect(ids(result)).toEqual(['m:m-1']);
      const manifest = byFile(result.summaries)['export.zip!manifest.json'];
      expect(manifest, format).toMatchObject({ records: 0, accepted: 0, rejected: 0 });
      expect(manifest?.skipped, format).toBeDefined();
      expect(manifest?.error, format).toBeUndefined();
    }
  });

  it('reads it, rejected as too long, when its members show a format', async () => {
    const zip = zipSync({ 'a.ndjson': Buffer.from(`${HUGE_MIXPANEL}\n${mixpanel('i-1')}\n`) });
    const result = await read('export.zip', zip, { chunkSize: MiB });
    expect(result.summaries).toEqual([
      expect.objectContaining({ format: 'mixpanel', records: 2, accepted: 1, rejected: 1 }),
    ]);
    expect(result.rejections.map(({ reason }) => reason)).toEqual([tooLong(HUGE_MIXPANEL.length)]);
  });
});
