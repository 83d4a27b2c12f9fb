import { gzipSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { MAX_ARCHIVE_DEPTH } from '../../../../functions/domain/reading/containers.js';
import { readExport } from '../../../../functions/domain/reading/read-export.js';
import { readRecordTexts } from '../../../../functions/domain/reading/record-texts.js';
import { directoryOffset } from '../../reading/archives.js';
import { AT, chunks, event, ids, read } from './read-export-fixture.js';

describe('readExport: ZIP members', () => {
  it('reads each ZIP member as a file of its own and skips directories and manifests', async () => {
    const zip = zipSync({
      'events/': new Uint8Array(0),
      'events/a.ndjson': Buffer.from(`${event('m-1')}\nbad line\n`),
      'events/b.json.gz': gzipSync(`[${event('m-2')}]`),
      'manifest.json': Buffer.from('{"files":2,"created":"today"}'),
      'README.txt': Buffer.from('Exported by a tool.\nNothing to see.\n'),
    });
    const result = await read('export.zip', zip, { chunkSize: 64 });
    expect(result.events.map(({ event: accepted, position }) => [accepted.id, position.file])).toEqual([
      ['m:m-1', 'export.zip!events/a.ndjson'],
      ['m:m-2', 'export.zip!events/b.json.gz'],
    ]);
    expect(result.rejections.map((rejection) => [rejection.file, rejection.position])).toEqual([
      ['export.zip!events/a.ndjson', 2],
    ]);
    const byFile = Object.fromEntries(result.summaries.map((summary) => [summary.file, summary]));
    expect(byFile['export.zip!events/b.json.gz']).toMatchObject({
      compression: 'gzip',
      container: 'json-array',
    });
    for (const skipped of ['export.zip!events/', 'export.zip!manifest.json', 'export.zip!README.txt']) {
      expect(byFile[skipped]?.skipped, skipped).toBeDefined();
      expect(byFile[skipped]).toMatchObject({ rejected: 0, accepted: 0 });
      expect(byFile[skipped]?.error, skipped).toBeUndefined();
    }
  });

  it('reads the events of a ZIP inside a ZIP, and says which archives it could not read', async () => {
    const inner = zipSync({ 'day-1.ndjson': Buffer.from(`${event('m-2')}\nbad line\n`) }, { level: 0 });
    let deep = zipSync({ 'deep.ndjson': Buffer.from(event('m-deep')) });
    for (let level = 0; level < MAX_ARCHIVE_DEPTH - 1; level++) deep = zipSync({ [`in-${level}.zip`]: deep });
    const zip = zipSync({
      'a.ndjson': Buffer.from(event('m-1')),
      'daily.zip': inner,
      'cut.zip': inner.subarray(0, directoryOffset(inner)),
      'deep.zip': deep,
    });
    const result = await read('export.zip', zip, { chunkSize: 64 });
    expect(result.events.map(({ event: accepted, position }) => [accepted.id, position.file])).toEqual([
      ['m:m-1', 'export.zip!a.ndjson'],
      ['m:m-2', 'export.zip!daily.zip!day-1.ndjson'],
      // The archive without its directory still gave its complete member.
      ['m:m-2', 'export.zip!cut.zip!day-1.ndjson'],
    ]);
    expect(result.rejections.map((rejection) => [rejection.file, rejection.position])).toEqual([
      ['export.zip!daily.zip!day-1.ndjson', 2],
      ['export.zip!cut.zip!day-1.ndjson', 2],
    ]);
    const byFile = Object.fromEntries(result.summaries.map((summary) => [summary.file, summary]));
    expect(byFile['export.zip!cut.zip']?.error).toMatch(/; the complete records before it still count$/);
    const deepErrors = result.summaries.filter(
      (summary) => summary.file.startsWith('export.zip!deep.zip') && summary.error !== undefined,
    );
    expect(deepErrors.map(({ file, error }) => [file, error])).toEqual([
      [
        'export.zip!deep.zip!in-2.zip!in-1.zip!in-0.zip',
        `ZIP archives nested more than ${MAX_ARCHIVE_DEPTH} deep; not unpacked`,
      ],
    ]);
  });

  it('skips a ZIP member holding no events without a file error, even when its JSON breaks off', async () => {
    const zip = zipSync({
      'manifest.json': Buffer.from('[{"name":"a.ndjson"},'),
      'notes.json': Buffer.from('[{"note":1} {"note":2}]'),
      'events.json': Buffer.from(`[${event('m-1')},\n{"type":"tr`),
    });
    const result = await read('export.zip', zip, { chunkSize: 64 });
    const byFile = Object.fromEntries(result.summaries.map((summary) => [summary.file, summary]));
    for (const skipped of ['export.zip!manifest.json', 'export.zip!notes.json']) {
      expect(byFile[skipped]?.skipped, skipped).toBeDefined();
      expect(byFile[skipped]?.error, skipped).toBeUndefined();
    }
    expect(ids(result)).toEqual(['m:m-1']);
    expect(byFile['export.zip!events.json']?.skipped).toBeUndefined();
    expect(byFile['export.zip!events.json']?.error).toMatch(/^unterminated JSON array/);
  });

  it('reads a ZIP member in an explicitly named format even when its events lack the keys auto looks for', async () => {
    // PostHog events without uuid: `auto` would not know them, but --input-format posthog reads them.
    const posthog = JSON.stringify({ event: 'Clicked', distinct_id: 'u-1', timestamp: AT });
    const zip = zipSync({
      'events.ndjson': Buffer.from(`${posthog}\n`),
      'manifest.json': Buffer.from('{"files":1}'),
    });
    const result = await read('export.zip', zip, { format: 'posthog' });
    expect(result.events.map(({ position }) => position.file)).toEqual(['export.zip!events.ndjson']);
    const byFile = Object.fromEntries(result.summaries.map((summary) => [summary.file, summary]));
    expect(byFile['export.zip!events.ndjson']).toMatchObject({ format: 'posthog', accepted: 1 });
    expect(byFile['export.zip!events.ndjson']?.skipped).toBeUndefined();
    expect(byFile['export.zip!manifest.json']).toMatchObject({ records: 0, accepted: 0, rejected: 0 });
    expect(byFile['export.zip!manifest.json']?.skipped).toBeDefined();
  });

  it('reads a ZIP member of another format under an explicitly named one: its events are rejected, not skipped', async () => {
    const zip = zipSync({ 'events.ndjson': Buffer.from(`${event('m-1')}\n`) });
    const result = await read('export.zip', zip, { format: 'amplitude' });
    expect(result.events).toEqual([]);
    expect(result.summaries).toEqual([
      expect.objectContaining({ file: 'export.zip!events.ndjson', format: 'amplitude', rejected: 1 }),
    ]);
    expect(result.summaries[0]?.skipped).toBeUndefined();
    expect(result.rejections.map((rejection) => rejection.position)).toEqual([1]);
  });

  it('skips a member holding only text in another encoding (a UTF-16 README), as any README', async () => {
    const zip = zipSync({
      'events.ndjson': Buffer.from(`${event('m-1')}\n`),
      'README.txt': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('export notes\r\n', 'utf16le')]),
      'notes.txt': Buffer.from('export notes\r\n', 'utf16le'),
    });
    const result = await read('export.zip', zip);
    const byFile = Object.fromEntries(result.summaries.map((summary) => [summary.file, summary]));
    for (const skipped of ['export.zip!README.txt', 'export.zip!notes.txt']) {
      expect(byFile[skipped]?.skipped, skipped).toBe('holds no events of any export format');
      expect(byFile[skipped]?.error, skipped).toBeUndefined();
    }
    expect(ids(result)).toEqual(['m:m-1']);
  });

  it('reads a member whose first line starts like UTF-16 when a line after it is an event', async () => {
    const zip = zipSync({ 'events.ndjson': Buffer.from(`\xff\xfe\n${event('m-1')}\n`, 'latin1') });
    const result = await read('export.zip', zip);
    expect(ids(result)).toEqual(['m:m-1']);
    expect(result.rejections.map(({ position }) => position)).toEqual([1]);
    expect(result.summaries[0]?.skipped).toBeUndefined();
  });

  it('calls a member whose bytes break before its first record a file error, not skipped', async () => {
    const gzip = gzipSync(Array.from({ length: 200 }, (_, index) => event(`m-${index}`)).join('\n'));
    const zip = zipSync({
      'events.ndjson': Buffer.from(`${event('m-1')}\n`),
      'day.ndjson.gz': gzip.subarray(0, 20),
    });
    const result = await read('export.zip', zip);
    const broken = result.summaries.find((summary) => summary.file === 'export.zip!day.ndjson.gz');
    expect(broken?.skipped).toBeUndefined();
    expect(broken?.error).toMatch(/reading stopped before the first complete record$/);
    expect(broken).toMatchObject({ accepted: 0, rejected: 0 });
    expect(result.rejections).toEqual([]);
  });

  it('names each member whose content does not match its CRC-32, not the first with a count of others', async () => {
    const text = (id: string) => Buffer.from(`${event(`${id}-1`)}\n${event(`${id}-2`)}\n`);
    const zip = Buffer.from(
      zipSync({ 'a.ndjson': text('a'), 'b.ndjson': text('b'), 'c.ndjson': text('c') }, { level: 0 }),
    );
    // The same length, still JSON: only the checksum tells.
    for (const id of ['a-2', 'c-2']) zip[zip.indexOf(`"${id}"`) + 1] = 'x'.charCodeAt(0);

    const result = await read('export.zip', zip);

    expect(ids(result)).toEqual(['m:a-1', 'm:x-2', 'm:b-1', 'm:b-2', 'm:c-1', 'm:x-2']);
    // Found at the central directory, once each member was read whole: reading stopped at its end, as a
    // gzip member's failed check says.
    const damaged =
      'corrupt member data (CRC-32 mismatch: its content differs from what the archive lists); reading stopped after line 2';
    expect(result.summaries.map(({ file, error }) => [file, error])).toEqual([
      ['export.zip!a.ndjson', damaged],
      ['export.zip!b.ndjson', undefined],
      ['export.zip!c.ndjson', damaged],
    ]);
  });

  it('says where reading stopped in a damaged member that is a JSON array', async () => {
    const array = Buffer.from(`[\n${event('a-1')},\n${event('a-2')}\n]\n`);
    const zip = Buffer.from(zipSync({ 'a.json': array }, { level: 0 }));
    zip[zip.indexOf('"a-2"') + 1] = 'x'.charCodeAt(0);

    const result = await read('export.zip', zip);

    expect(result.summaries[0]?.error).toBe(
      'corrupt member data (CRC-32 mismatch: its content differs from what the archive lists); reading stopped after element 2 (which starts on line 3)',
    );
  });
});

describe('readExport of an archive that holds one path twice', () => {
  /** An archive of `first` then `second` both at `m.ndjson`, sizes and CRCs in the local headers, stored. */
  const twice = (first: string, second: string) =>
    Buffer.from(
      Buffer.from(zipSync({ 'm.ndjson': Buffer.from(first), 'n.ndjson': Buffer.from(second) }, { level: 0 }))
        .toString('latin1')
        .replaceAll('n.ndjson', 'm.ndjson'),
      'latin1',
    );

  async function readWithLimit(zip: Uint8Array, maxMemberBytes?: number) {
    const events: { id: string; file: string }[] = [];
    const summaries = await readExport(
      'x.zip',
      (async function* () {
        yield zip;
      })(),
      { format: 'auto', browserOf: () => null, ...(maxMemberBytes !== undefined && { maxMemberBytes }) },
      {
        event: (accepted, position) => events.push({ id: accepted.id, file: position.file }),
        rejected: () => {},
      },
    );
    return { events, summaries: summaries.map(({ file, error }) => [file, error]) };
  }

  it('names the later member apart when the first is refused for its declared size, whatever the limit', async () => {
    const zip = twice(`${event('big', { pad: 'x'.repeat(5000) })}\n`, `${event('small')}\n`);

    const limited = await readWithLimit(zip, 1000);

    expect(limited.summaries).toEqual([
      [
        'x.zip!m.ndjson',
        expect.stringMatching(/^declares \d+(\.\d+)? KiB past the 1000 bytes limit; refused$/),
      ],
      ['x.zip!m.ndjson (2)', undefined],
    ]);
    expect(limited.events).toEqual([{ id: 'm:small', file: 'x.zip!m.ndjson (2)' }]);
    // Read without that limit (as a tie-break reads a copy again), the member keeps its name and its text.
    expect((await readWithLimit(zip)).events.at(-1)).toEqual({ id: 'm:small', file: 'x.zip!m.ndjson (2)' });
    const texts = await readRecordTexts('x.zip', chunks(zip), 'x.zip!m.ndjson (2)', new Set([1]));
    expect(texts).toEqual(new Map([[1, event('small')]]));
  });

  it('gives the later member its own CRC-32 error, not the first', async () => {
    const zip = twice(`${event('a-1')}\n`, `${event('b-1')}\n${event('b-2')}\n`);
    zip[zip.indexOf('"b-2"') + 1] = 'x'.charCodeAt(0);

    const { summaries } = await readWithLimit(zip);

    expect(summaries).toEqual([
      ['x.zip!m.ndjson', undefined],
      [
        'x.zip!m.ndjson (2)',
        'corrupt member data (CRC-32 mismatch: its content differs from what the archive lists); reading stopped after line 2',
      ],
    ]);
  });
});
