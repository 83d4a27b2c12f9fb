import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { InputFormat } from '../../../contract/index.js';
import { MOST_HELD } from '../../../functions/domain/reading/held-rejections.js';
import { ingestObject } from '../../../functions/ingest/ingest-object.js';
import { FakeSessionWriter } from '../../helpers/fake-session-writer.js';
import { asExpectedSessions } from '../../helpers/session-expectations.js';
import { bytesOf, tarOf, zipWithDataDescriptors } from '../reading/archives.js';
import { segmentLines } from './handler-harness.js';
import { asExpected, caseNamed, ingest, MemoryReport, RULES } from './ingest-object-harness.js';

describe('ingestObject', () => {
  it('aborts the report and throws when the source breaks, so the message is retried', async () => {
    const report = new MemoryReport();
    const text = `not json\n${segmentLines(Array.from({ length: 50 }, (_, index) => ({ user: 'u', at: index })))}`;
    async function* breaking(): AsyncGenerator<Uint8Array> {
      yield bytesOf(text.slice(0, 600));
      throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    }

    const ingesting = ingestObject({
      file: 'incoming/a.ndjson',
      format: 'auto',
      open: async () => breaking(),
      writer: new FakeSessionWriter(RULES),
      rules: RULES,
      report,
      browserOf: () => null,
    });

    await expect(ingesting).rejects.toThrow('socket hang up');
    expect(report.finished).toBe('aborted');
  });

  it('reads every member of a ZIP archive, skipping its manifest and directories', async () => {
    const archive = zipWithDataDescriptors([
      { path: 'manifest.json', content: bytesOf('{"files":2,"format":"segment"}') },
      { path: 'events/', content: new Uint8Array() },
      {
        path: 'events/a.ndjson',
        content: bytesOf(`${segmentLines([{ user: 'ann', at: 0 }])}{"type":"track"}\n`),
      },
      {
        path: 'events/b.json',
        content: bytesOf(
          `[${segmentLines([
            { user: 'ann', at: 10 },
            { user: 'bob', at: 0 },
          ])
            .trim()
            .split('\n')
            .join(',')}]`,
        ),
      },
    ]);

    const run = await ingest('incoming/export.zip', archive, { pieceBytes: 100 });

    expect(run.stats.files.map(({ file, error, skipped }) => ({ file, error, skipped }))).toEqual([
      {
        file: 'incoming/export.zip!manifest.json',
        error: undefined,
        skipped: 'holds no events of any export format',
      },
      { file: 'incoming/export.zip!events/', error: undefined, skipped: 'a directory' },
      { file: 'incoming/export.zip!events/a.ndjson', error: undefined, skipped: undefined },
      { file: 'incoming/export.zip!events/b.json', error: undefined, skipped: undefined },
    ]);
    expect(run.stats.files.map((file) => file.container)).toEqual([
      'ndjson',
      undefined,
      'ndjson',
      'json-array',
    ]);
    expect(run.report.written).toEqual([
      {
        file: 'incoming/export.zip!events/a.ndjson',
        position: 2,
        reason: expect.any(String),
        raw: '{"type":"track"}',
      },
    ]);
    expect(asExpected(run.writer.sessions())).toEqual([
      {
        userId: 'ann',
        sessionNumber: 1,
        startedAt: '2024-01-01T09:00:00.000Z',
        endedAt: '2024-01-01T09:10:00.000Z',
        eventCount: 2,
      },
      {
        userId: 'bob',
        sessionNumber: 1,
        startedAt: '2024-01-01T09:00:00.000Z',
        endedAt: '2024-01-01T09:00:00.000Z',
        eventCount: 1,
      },
    ]);
  });

  it('reads a file in the format its source names, whatever its shape suggests', async () => {
    const testCase = caseNamed('format-explicit');
    const text = readFileSync(join(testCase.dir, 'posthog.ndjson'));

    const named = await ingest('posthog/export.ndjson', text, { format: 'posthog' });
    const detected = await ingest('incoming/export.ndjson', text, { format: 'auto' });

    expect(asExpected(named.writer.sessions())).toEqual(testCase.expected.sessions);
    expect(named.stats.files.map((file) => file.format)).toEqual(['posthog']);
    expect(asExpected(detected.writer.sessions())).not.toEqual(testCase.expected.sessions);
  });

  it.each<[InputFormat, string]>([
    ['amplitude', 'format-amplitude'],
    ['mixpanel', 'format-mixpanel'],
  ])('reads %s exports named by their source', async (format, name) => {
    const testCase = caseNamed(name);
    const file = testCase.files[0] as string;

    const run = await ingest(`${format}/${file}`, readFileSync(join(testCase.dir, file)), { format });

    expect(asExpectedSessions(run.writer.sessions(), testCase.expected.sessions)).toEqual(
      testCase.expected.sessions,
    );
    expect(run.stats.rejected).toBe(testCase.expected.rejected);
  });

  it('rejects events of another shape in a Segment source instead of guessing their format', async () => {
    const testCase = caseNamed('format-amplitude');
    const file = testCase.files[0] as string;

    const run = await ingest(`segment-logs/${file}`, readFileSync(join(testCase.dir, file)), {
      format: 'segment',
    });

    expect(run.stats.accepted).toBe(0);
    expect(run.stats.rejected).toBe(run.stats.records);
    expect(run.writer.calls).toEqual([]);
  });

  it('reads the file again only for a tie between differing copies of one event', async () => {
    const tie = [
      '{"type":"track","event":"B","userId":"u","timestamp":"2024-01-01T09:00:00Z","messageId":"m"}',
      '{"type":"track","event":"A","userId":"u","timestamp":"2024-01-01T09:00:00Z","messageId":"m"}',
    ].join('\n');

    const plain = await ingest(
      'incoming/a.ndjson',
      segmentLines([
        { user: 'u', at: 0, id: 'm' },
        { user: 'u', at: 0, id: 'm' },
      ]),
    );
    const tied = await ingest('incoming/b.ndjson', tie);

    expect(plain.opens).toBe(1);
    expect(tied.opens).toBe(2);
    // Rule 3: the copy whose canonical JSON sorts first ("event":"A").
    expect(tied.writer.events('u').map((event) => event.name)).toEqual(['A']);
  });

  it('reads each copy of a tie from its own member of an archive that holds one path twice', async () => {
    const line = (name: string) =>
      `{"type":"track","event":"${name}","userId":"u","timestamp":"2024-01-01T09:00:00Z","messageId":"m"}`;
    const other = '{"type":"track","event":"o","userId":"o","timestamp":"2024-01-01T09:00:00Z"}';
    const archive = zipWithDataDescriptors([
      { path: 'day.ndjson', content: bytesOf(`${other}\n${line('B')}\n`) },
      { path: 'day.ndjson', content: bytesOf(`${line('A')}\n${other}\n${other}\n`) },
    ]);

    const run = await ingest('incoming/export.zip', archive);

    expect(run.writer.events('u').map((event) => event.name)).toEqual(['A']);
  });

  it('reads a long text again for the rejections it stopped holding once a line shows it is an export', async () => {
    const garbage = Array.from({ length: MOST_HELD + 50 }, (_, index) => `not json ${index}`);
    const text = `${garbage.join('\n')}\n${segmentLines([{ user: 'u', at: 0 }])}`;

    const run = await ingest('incoming/a.ndjson', text);

    expect(run.opens).toBe(2);
    expect(run.stats.rejected).toBe(MOST_HELD + 50);
    expect(run.report.written.map((line) => line.position)).toEqual(garbage.map((_, index) => index + 1));
    expect(run.writer.events('u')).toHaveLength(1);
  });

  it('does not read again a long text none of whose lines is JSON', async () => {
    const text = Array.from({ length: MOST_HELD + 50 }, (_, index) => `a,csv,line,${index}`).join('\n');

    const run = await ingest('incoming/a.csv', text);

    expect(run.opens).toBe(1);
    expect(run.report.written).toEqual([
      expect.objectContaining({ position: 0, reason: expect.stringContaining('no line is JSON') }),
    ]);
  });

  it('names an AWS Lambda test event for what it is without reading it again, unless it is past 1 MiB', async () => {
    const sample = readFileSync(new URL('../../../events/lambda/sqs-s3-segment-logs.json', import.meta.url));

    const lambdaEventReason =
      "no line is JSON: it is an AWS Lambda test event (aws:sqs), not an export (a function's sample input)";
    // Plain, and gzipped as an export may be: told apart once decompressed, as the CLI tells it.
    for (const [file, bytes] of [
      ['incoming/sqs.json', sample],
      ['incoming/sqs.json.gz', gzipSync(sample)],
    ] as const) {
      const run = await ingest(file, bytes, { pieceBytes: 100 });
      expect(run.opens).toBe(1);
      expect(run.report.written).toEqual([{ file, position: 0, reason: lambdaEventReason }]);
    }
    // No test event is that long (Lambda takes 6 MB at most, a sample a few KB): not held to be looked at.
    const long = { Records: [{ eventSource: 'aws:sqs', body: 'x'.repeat(1024 * 1024) }] };
    const longRun = await ingest('incoming/long.json', JSON.stringify(long, null, 2));
    expect(longRun.report.written).toEqual([
      { file: 'incoming/long.json', position: 0, reason: 'no line is JSON' },
    ]);
  });

  it('refuses a tar archive, gzipped or in a ZIP, as a file error naming it, storing none of its lines', async () => {
    const tar = tarOf({
      'a.ndjson': segmentLines([{ user: 'u', at: 0 }]),
      'b.ndjson': segmentLines([{ user: 'v', at: 0 }]),
    });
    const hint =
      'exports are read as JSON text, plain, gzipped or in a ZIP archive: extract the tar and read or upload its files (or a ZIP of them) instead';

    const gzipped = await ingest('incoming/export.tar.gz', gzipSync(tar), { pieceBytes: 100 });
    const zipped = await ingest(
      'incoming/export.zip',
      zipWithDataDescriptors([{ path: 'export.tar', content: tar }]),
    );

    expect(gzipped.report.written).toEqual([
      {
        file: 'incoming/export.tar.gz',
        position: 0,
        reason: `file is a gzipped tar archive (magic "ustar" at byte 257 of the gzip data); ${hint}`,
      },
    ]);
    expect(zipped.report.written).toEqual([
      {
        file: 'incoming/export.zip!export.tar',
        position: 0,
        reason: `file is a tar archive (magic "ustar" at byte 257); ${hint}`,
      },
    ]);
    for (const run of [gzipped, zipped]) {
      expect(run.stats).toMatchObject({ accepted: 0, rejected: 0 });
      expect(run.writer.sessions()).toEqual([]);
    }
  });

  it('refuses a pre-POSIX V7 tar archive (no "ustar" magic), plain, gzipped or in a ZIP', async () => {
    const tar = tarOf({ 'a.ndjson': segmentLines([{ user: 'u', at: 0 }]) }, 'v7');
    const hint =
      'exports are read as JSON text, plain, gzipped or in a ZIP archive: extract the tar and read or upload its files (or a ZIP of them) instead';
    const told = 'a pre-POSIX V7 header, without "ustar" magic';

    const plain = await ingest('incoming/export.tar', tar, { pieceBytes: 100 });
    const gzipped = await ingest('incoming/export.tar.gz', gzipSync(tar));
    const zipped = await ingest(
      'incoming/export.zip',
      zipWithDataDescriptors([{ path: 'export.tar', content: tar }]),
    );

    expect(plain.report.written).toEqual([
      { file: 'incoming/export.tar', position: 0, reason: `file is a tar archive (${told}); ${hint}` },
    ]);
    expect(gzipped.report.written).toEqual([
      {
        file: 'incoming/export.tar.gz',
        position: 0,
        reason: `file is a gzipped tar archive (${told}, in the gzip data); ${hint}`,
      },
    ]);
    expect(zipped.report.written).toEqual([
      {
        file: 'incoming/export.zip!export.tar',
        position: 0,
        reason: `file is a tar archive (${told}); ${hint}`,
      },
    ]);
    for (const run of [plain, gzipped, zipped]) {
      expect(run.stats).toMatchObject({ accepted: 0, rejected: 0 });
      expect(run.writer.sessions()).toEqual([]);
    }
  });

  it('writes rejections in file order, file errors last, and closes the report', async () => {
    const text = `bad 1\n${segmentLines([{ user: 'u', at: 0 }])}bad 2\n`;

    const run = await ingest('incoming/a.ndjson', text, { pieceBytes: 7 });

    expect(run.report.written.map((line) => line.position)).toEqual([1, 3]);
    expect(run.report.finished).toBe('closed');
    expect(run.report.readyCalls).toBeGreaterThan(1);
  });

  it('reports the events of an erased user by position, a copy merged with another once', async () => {
    const writer = new FakeSessionWriter(RULES);
    writer.erase('gone');
    const text = segmentLines([
      { user: 'gone', at: 0, id: 'g1' },
      { user: 'kept', at: 0 },
      { user: 'gone', at: 1, id: 'g2' },
      { user: 'gone', at: 2, id: 'g1' },
      { user: 'kept', at: 3 },
    ]);

    const run = await ingest('incoming/a.ndjson', text, { writer });

    expect(
      run.report.written.filter((line) => line.reason === 'erased').map((line) => line.position),
    ).toEqual([1, 3]);
    expect(run.stats).toMatchObject({ accepted: 5, erased: 2, newEvents: 2, duplicates: 1 });
  });

  it("reports and counts once an erased user's event whose copies fall in two chunks", async () => {
    const writer = new FakeSessionWriter(RULES);
    writer.erase('gone');
    const text = segmentLines([
      { user: 'gone', at: 0, id: 'g1' },
      { user: 'kept', at: 1 },
      { user: 'kept', at: 2 },
      { user: 'gone', at: 3, id: 'g1' },
      { user: 'gone', at: 4, id: 'g2' },
    ]);

    const run = await ingest('incoming/a.ndjson', text, { writer, chunkEvents: 2, pieceBytes: 16 });

    expect(run.stats.chunks).toBeGreaterThan(1);
    expect(
      run.report.written.filter((line) => line.reason === 'erased').map((line) => line.position),
    ).toEqual([1, 5]);
    expect(run.stats).toMatchObject({ accepted: 5, erased: 2, newEvents: 2, duplicates: 1 });
  });

  it('reports as erased only the events a merge refused, the others of the same user stored', async () => {
    // Device 42 erased with its user, stitching turned off since: customer 42 shares its partition (rule 2).
    const writer = new FakeSessionWriter(RULES);
    writer.eraseAnonymous('42');
    const at = (minute: number) => new Date(Date.UTC(2024, 0, 1, 9, minute)).toISOString();
    const text = [
      { userId: '42', timestamp: at(0), messageId: 'u1' },
      { anonymousId: '42', timestamp: at(1), messageId: 'a1' },
      { userId: 42, anonymousId: '42', timestamp: at(2), messageId: 'u2' },
      { anonymousId: '42', timestamp: at(3), messageId: 'a2' },
      // One event sent from the device, then by the customer: the customer's copy is stored.
      { anonymousId: '42', timestamp: at(4), messageId: 'both' },
      { userId: '42', timestamp: at(5), messageId: 'both' },
    ]
      .map((fields) => JSON.stringify({ type: 'track', event: 'Clicked', ...fields }))
      .join('\n');

    const run = await ingest('incoming/a.ndjson', text, { writer });

    const erased = run.report.written.filter((line) => line.reason === 'erased');
    expect(erased.map((line) => line.position).sort((a, b) => a - b)).toEqual([2, 4]);
    expect(run.stats).toMatchObject({ accepted: 6, erased: 2, newEvents: 3, duplicates: 1 });
    expect(writer.events('42').map((event) => [event.id, event.userId, event.timestamp])).toEqual([
      ['m:u1', '42', Date.UTC(2024, 0, 1, 9, 0)],
      ['m:u2', '42', Date.UTC(2024, 0, 1, 9, 2)],
      ['m:both', '42', Date.UTC(2024, 0, 1, 9, 5)],
    ]);
  });

  // Rule 3 keeps, of two copies at one instant, the one whose canonical JSON sorts first. A chunk (or a
  // file) holds that text and picks right; the store, which keeps no text, picks by its own projection
  // order when the copies arrive in different chunks or files. Fails until the store can see which copy's
  // text sorts first (see plan-merge's preferredCopy); then this becomes a plain `it`.
});
