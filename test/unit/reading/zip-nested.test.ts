import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { MAX_ARCHIVE_DEPTH } from '../../../functions/domain/reading/containers.js';
import {
  bytesOf,
  chunked,
  dataOffset,
  directoryOffset,
  readExport,
  textOf,
  trackLines,
  zipWithSizes,
} from './archives.js';

describe('ZIP archives inside ZIP archives', () => {
  it('unpacks a ZIP inside a ZIP as files of their own, and a gzipped member of it', async () => {
    const inner = zipWithSizes([
      { path: 'day-1.json', content: bytesOf('{"a":1}') },
      { path: 'day-2.json.gz', content: gzipSync(bytesOf('{"b":2}')) },
    ]);
    const archive = zipWithSizes([
      { path: 'first.json', content: bytesOf('{"z":0}') },
      { path: 'days/nested.zip', content: inner, deflate: false },
      { path: 'nested.zip.gz', content: gzipSync(inner) },
      { path: 'plain.json', content: bytesOf('{}') },
    ]);

    const outcome = await readExport('export.zip', chunked(archive, [7, 64]));

    expect(outcome.members.map(({ name, text }) => [name, text])).toEqual([
      ['export.zip!first.json', '{"z":0}'],
      ['export.zip!days/nested.zip!day-1.json', '{"a":1}'],
      ['export.zip!days/nested.zip!day-2.json.gz', '{"b":2}'],
      ['export.zip!plain.json', '{}'],
    ]);
    // A gzip holds NDJSON or an array, not an archive.
    expect(outcome.issues.map(({ kind, file }) => [kind, file])).toEqual([
      ['nested-archive', 'export.zip!nested.zip.gz'],
    ]);
    expect(outcome.error).toBeUndefined();
  });

  it(`stops unpacking at ${MAX_ARCHIVE_DEPTH} archives deep, and says so (an archive that holds itself ends)`, async () => {
    let archive = zipWithSizes([{ path: 'deepest.json', content: bytesOf('{}') }]);
    for (let level = 0; level < MAX_ARCHIVE_DEPTH; level++)
      archive = zipWithSizes([
        { path: `level-${level}.json`, content: bytesOf(`{"level":${level}}`) },
        { path: `in-${level}.zip`, content: archive },
      ]);

    const outcome = await readExport('export.zip', chunked(archive));

    expect(outcome.members.map((member) => member.name)).toEqual([
      'export.zip!level-3.json',
      'export.zip!in-3.zip!level-2.json',
      'export.zip!in-3.zip!in-2.zip!level-1.json',
      'export.zip!in-3.zip!in-2.zip!in-1.zip!level-0.json',
    ]);
    expect(outcome.issues).toEqual([
      {
        kind: 'too-deep',
        file: 'export.zip!in-3.zip!in-2.zip!in-1.zip!in-0.zip',
        reason: `ZIP archives nested more than ${MAX_ARCHIVE_DEPTH} deep; not unpacked`,
      },
    ]);
  });

  it('reads on past an archive inside the archive that breaks, naming it', async () => {
    const inner = zipWithSizes([
      { path: 'a.json', content: bytesOf(trackLines(50, 'a')), deflate: false },
      { path: 'b.json', content: bytesOf(trackLines(50, 'b')), deflate: false },
    ]);
    // Cut inside b.json: the inner archive ends without its directory.
    const cut = inner.subarray(0, dataOffset(inner, 'b.json') + 40);
    const archive = zipWithSizes([
      { path: 'broken.zip', content: cut },
      { path: 'after.json', content: bytesOf('{"after":true}') },
    ]);

    const outcome = await readExport('export.zip', chunked(archive));

    expect(outcome.members.map((member) => [member.name, member.error?.kind])).toEqual([
      ['export.zip!broken.zip!a.json', undefined],
      ['export.zip!broken.zip!b.json', 'truncated'],
      ['export.zip!after.json', undefined],
    ]);
    expect(outcome.members[1]?.text).toBe(textOf(cut.subarray(dataOffset(inner, 'b.json'))));
    expect(outcome.error).toBeUndefined();
  });

  it('names an archive inside the archive whose directory is missing, and reads on', async () => {
    const inner = zipWithSizes([{ path: 'a.json', content: bytesOf('{"a":1}'), deflate: false }]);
    const archive = zipWithSizes([
      { path: 'no-directory.zip', content: inner.subarray(0, directoryOffset(inner)) },
      { path: 'after.json', content: bytesOf('{"after":true}') },
    ]);

    const outcome = await readExport('export.zip', chunked(archive));

    expect(outcome.members.map(({ name, text }) => [name, text])).toEqual([
      ['export.zip!no-directory.zip!a.json', '{"a":1}'],
      ['export.zip!after.json', '{"after":true}'],
    ]);
    expect(outcome.issues).toEqual([
      expect.objectContaining({ kind: 'broken-archive', file: 'export.zip!no-directory.zip' }),
    ]);
    expect(outcome.error).toBeUndefined();
  });

  it('names a member of an inner archive apart from an outer member whose path spells the same name', async () => {
    // Tie-breaks (rules 3 and 8) find a copy again by its file's name, so two files must never share one.
    const inner = zipWithSizes([{ path: 'x.json', content: bytesOf('{"inner":1}') }]);
    const archive = zipWithSizes([
      { path: 'a.zip!x.json', content: bytesOf('{"outer":1}') },
      { path: 'a.zip', content: inner },
      { path: 'b.zip', content: inner },
      { path: 'b.zip!x.json', content: bytesOf('{"outer":2}') },
    ]);

    const outcome = await readExport('export.zip', chunked(archive, [7, 64]));

    expect(outcome.members.map(({ name, text }) => [name, text])).toEqual([
      ['export.zip!a.zip!x.json', '{"outer":1}'],
      ['export.zip!a.zip!x.json (2)', '{"inner":1}'],
      ['export.zip!b.zip!x.json', '{"inner":1}'],
      ['export.zip!b.zip!x.json (2)', '{"outer":2}'],
    ]);
  });

  it('names them so whatever chunks the archive comes in: the reader does not look ahead across archives', async () => {
    // The outer reader parses the next member's header as soon as its bytes arrive, which in large chunks is
    // before the inner archive's members have been named. A copy read again for a tie-break is found by its
    // file's name, in chunks S3 or a disk give that time, so the names must be the same for every read.
    const inner = zipWithSizes([
      { path: 'd/', content: new Uint8Array(0) },
      { path: 'x.json', content: bytesOf('{"inner":1}') },
    ]);
    const archive = zipWithSizes([
      { path: 'a.zip', content: inner },
      { path: 'a.zip!x.json', content: bytesOf('{"outer":1}') },
      { path: 'a.zip!d/', content: new Uint8Array(0) },
      { path: 'c.zip', content: inner },
      { path: 'c.zip!x.json', content: bytesOf('{"outer":2}') },
    ]);
    const expected = [
      ['export.zip!a.zip!x.json', '{"inner":1}'],
      ['export.zip!a.zip!x.json (2)', '{"outer":1}'],
      ['export.zip!c.zip!x.json', '{"inner":1}'],
      ['export.zip!c.zip!x.json (2)', '{"outer":2}'],
    ];
    for (const sizes of [[7], [64], [100], [4096], [archive.length]]) {
      const outcome = await readExport('export.zip', chunked(archive, sizes));
      expect(
        outcome.members.map(({ name, text }) => [name, text]),
        `chunks of ${sizes}`,
      ).toEqual(expected);
      expect(
        outcome.issues.map(({ file }) => file),
        `chunks of ${sizes}`,
      ).toEqual(['export.zip!a.zip!d/', 'export.zip!a.zip!d/ (2)', 'export.zip!c.zip!d/']);
    }
  });
});
