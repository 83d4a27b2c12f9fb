import { describe, expect, it } from 'vitest';
import type { EventSource } from '../../../../functions/domain/events/event.js';
import { CopyTextsNeeded, sourceTextKey } from '../../../../functions/domain/store/copy-choice.js';
import { CallCopyTexts, type CopyTextReader } from '../../../../functions/domain/store/copy-texts.js';

const source = (object: string, record: number): EventSource => ({
  object,
  version: 'e:1',
  file: object,
  record,
});

/** A reader that knows the texts of a.ndjson's records and remembers what it was asked. */
function reader(): CopyTextReader & { asked: number[][] } {
  const asked: number[][] = [];
  const read: CopyTextReader = async (sources) => {
    asked.push(sources.map((copy) => copy.record));
    return new Map(
      sources.map((copy) => [
        sourceTextKey(copy),
        copy.object === 'a.ndjson' ? `{"r":${copy.record}}` : null,
      ]),
    );
  };
  return Object.assign(read, { asked });
}

describe('CallCopyTexts', () => {
  it('reads each copy once, keeping the ones that cannot be read as null', async () => {
    const read = reader();
    const texts = new CallCopyTexts(read);
    await texts.readMissing([source('a.ndjson', 1), source('b.ndjson', 2)]);
    await texts.readMissing([source('a.ndjson', 1), source('a.ndjson', 3)]);
    await texts.readMissing([source('b.ndjson', 2)]);
    expect(read.asked).toEqual([[1, 2], [3]]);
    expect(texts.texts.get(sourceTextKey(source('a.ndjson', 3)))).toBe('{"r":3}');
    expect(texts.texts.get(sourceTextKey(source('b.ndjson', 2)))).toBeNull();
  });

  it('runs an attempt again with the texts it lacked, and gives up on one that asks for nothing new', async () => {
    const texts = new CallCopyTexts(reader());
    const needs = [source('a.ndjson', 1), source('a.ndjson', 2)];
    let attempts = 0;
    const result = await texts.withTexts(async (known) => {
      attempts++;
      const missing = needs.filter((copy) => !known.has(sourceTextKey(copy)));
      if (missing.length > 0) throw new CopyTextsNeeded(missing.slice(0, 1));
      return [...known.values()];
    });
    expect({ attempts, result }).toEqual({ attempts: 3, result: ['{"r":1}', '{"r":2}'] });

    const stuck = texts.withTexts(async () => {
      throw new CopyTextsNeeded([source('a.ndjson', 1)]);
    });
    await expect(stuck).rejects.toBeInstanceOf(CopyTextsNeeded);
    await expect(texts.withTexts(async () => Promise.reject(new Error('store down')))).rejects.toThrow(
      'store down',
    );
  });
});
