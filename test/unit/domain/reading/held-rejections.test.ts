import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { HeldRejections, MOST_HELD } from '../../../../functions/domain/reading/held-rejections.js';
import { NOT_AN_EXPORT } from '../../../../functions/domain/reading/read-export.js';
import type { Rejection } from '../../../../functions/domain/reading/rejection.js';
import { event, ids, read } from './read-export-fixture.js';

const rejection = (line: number, raw = `line ${line}`): Rejection => ({
  file: 'a.ndjson',
  position: line,
  reason: 'invalid JSON',
  raw,
});

describe('HeldRejections', () => {
  it('holds at most MOST_HELD when the file can be read again, and says which it dropped', () => {
    const passed: Rejection[] = [];
    const held = new HeldRejections({ rejected: (passedOn) => passed.push(passedOn) }, true);
    for (let line = 1; line <= MOST_HELD + 500; line++) held.add(rejection(line));

    held.release();
    held.add(rejection(MOST_HELD + 502));

    expect(passed.map((passedOn) => passedOn.position)).toEqual(
      Array.from({ length: MOST_HELD }, (_, index) => index + 1),
    );
    expect(held.toReadAgain).toEqual({
      first: MOST_HELD + 1,
      last: MOST_HELD + 500,
      count: 500,
      line: MOST_HELD + 1,
    });
    held.restore(rejection(MOST_HELD + 1));
    held.restored();
    expect(passed.slice(-2).map((passedOn) => passedOn.position)).toEqual([MOST_HELD + 1, MOST_HELD + 502]);
    expect(held.toReadAgain).toBeUndefined();
  });

  it('holds every rejection when the file cannot be read again, past the raw budget only their start', () => {
    const passed: Rejection[] = [];
    const held = new HeldRejections({ rejected: (passedOn) => passed.push(passedOn) }, false);
    const long = 'x'.repeat(5000);
    for (let line = 1; line <= MOST_HELD + 2000; line++) held.add(rejection(line, long));

    held.release();

    expect(passed).toHaveLength(MOST_HELD + 2000);
    expect(held.toReadAgain).toBeUndefined();
    expect(passed[0]?.raw).toBe(long);
    expect(passed.at(-1)?.raw).toBe(`${'x'.repeat(1024)}…`);
  });
});

describe('readExport reading again the rejections it stopped holding', () => {
  // No line of it is JSON: any JSON line shows a plain file is an export.
  const garbage = (count: number, from = 1) =>
    Array.from({ length: count }, (_, index) =>
      index % 3 === 0
        ? `not json ${from + index}`
        : index % 3 === 1
          ? `{"broken": ${from + index}`
          : `'${from + index}'`,
    );

  it('NDJSON: the same rejections, in file order, as holding them all', async () => {
    const content = [...garbage(MOST_HELD + 1500), event('m-1'), ...garbage(20, 90_000), event('m-2')].join(
      '\n',
    );
    let reopened = 0;
    const reopen = () => {
      reopened++;
      return Buffer.from(content);
    };

    const again = await read('a.ndjson', content, { chunkSize: 64 * 1024, reopen });
    const heldAll = await read('a.ndjson', content, { chunkSize: 64 * 1024 });

    expect(reopened).toBe(1);
    expect(ids(again)).toEqual(['m:m-1', 'm:m-2']);
    expect(again.rejections).toHaveLength(MOST_HELD + 1520);
    expect(again.rejections).toEqual(heldAll.rejections);
    expect(again.summaries).toEqual(heldAll.summaries);
  });

  it.each([
    ['NDJSON', (objects: string[]) => objects.join('\n')],
    ['a JSON array', (objects: string[]) => `[\n${objects.join(',\n')}\n]`],
  ])('in a ZIP member of %s, objects its format rejects before its first event too', async (_, text) => {
    const objects = [
      ...Array.from({ length: MOST_HELD + 300 }, (_, index) => `{"n":${index}}`),
      event('m-1'),
    ];
    const zip = zipSync({ 'events.json': Buffer.from(text(objects)) });

    const again = await read('export.zip', zip, { reopen: () => zip });
    const heldAll = await read('export.zip', zip);

    expect(ids(again)).toEqual(['m:m-1']);
    expect(again.rejections).toHaveLength(MOST_HELD + 300);
    expect(again.rejections).toEqual(heldAll.rejections);
  });

  it('keeps the whole text of lines past the raw budget, read again', async () => {
    const long = (line: number) => `${line} ${'y'.repeat(9000)}`;
    const lines = [...Array.from({ length: 1200 }, (_, index) => long(index + 1)), event('m-1')];
    const content = lines.join('\n');

    const again = await read('a.ndjson', content, { reopen: () => Buffer.from(content) });

    expect(again.rejections).toHaveLength(1200);
    expect(again.rejections.map((rejected) => rejected.raw)).toEqual(lines.slice(0, 1200));
  });

  it('does not read again a file that never shows it is an export', async () => {
    let reopened = 0;
    const content = garbage(MOST_HELD * 2).join('\n');

    const result = await read('a.csv', content, {
      reopen: () => {
        reopened++;
        return Buffer.from(content);
      },
    });

    expect(reopened).toBe(0);
    expect(result.rejections).toEqual([]);
    expect(result.summaries[0]?.error).toBe(NOT_AN_EXPORT);
  });

  it('says how many it could not read again when the file changed in between, never dropping them silently', async () => {
    const lines = [...garbage(MOST_HELD + 100), event('m-1')];
    const content = lines.join('\n');
    const shorter = lines.slice(0, MOST_HELD + 40).join('\n');

    const result = await read('a.ndjson', content, { reopen: () => Buffer.from(shorter) });

    expect(result.rejections).toHaveLength(MOST_HELD + 41);
    expect(result.rejections.at(-1)).toEqual({
      file: 'a.ndjson',
      position: MOST_HELD + 1,
      reason:
        '60 of the 100 rejected records from here on could not be read again (the file changed while it was read); read it again once it stays put',
      raw: '',
    });
  });
});
