import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSpool } from '../../../cli/line-spool.js';
import { RejectionLog } from '../../../cli/rejection-log.js';
import type { Rejection } from '../../../functions/domain/reading/rejection.js';

const rejection: fc.Arbitrary<Rejection> = fc
  .record({
    file: fc.string({ unit: 'binary', maxLength: 20 }),
    position: fc.nat(),
    index: fc.option(fc.nat(), { nil: undefined }),
    reason: fc.string({ unit: 'binary', maxLength: 40 }),
    raw: fc.string({ unit: 'binary', maxLength: 200 }),
  })
  .map(({ index, ...rest }) =>
    index === undefined
      ? { file: rest.file, position: rest.position, reason: rest.reason, raw: rest.raw }
      : { file: rest.file, position: rest.position, index, reason: rest.reason, raw: rest.raw },
  );

describe('RejectionLog', () => {
  it('gives back each rejection as it was added, in order, in memory or from disk', () => {
    fc.assert(
      fc.property(
        fc.array(rejection, { maxLength: 60 }),
        fc.integer({ min: 0, max: 2_000 }),
        (added, bound) => {
          const log = new RejectionLog(new LineSpool({ inMemoryChars: bound }));
          for (const item of added) log.add(item);
          expect(log.length).toBe(added.length);
          // Key order too: the JSON output writes them as they come.
          expect([...log].map((item) => JSON.stringify(item))).toEqual(
            added.map((item) => JSON.stringify(item)),
          );
          expect([...(log.jsonTexts?.() ?? [])]).toEqual(added.map((item) => JSON.stringify(item)));
          log.dispose();
        },
      ),
      { numRuns: 300 },
    );
  });

  it('holds a raw event with line breaks and U+2028 as one line', () => {
    const log = new RejectionLog(new LineSpool({ inMemoryChars: 0 }));
    const raw = '{"a":"x\n\r\u2028\u2029y"}';
    log.add({ file: 'f', position: 1, reason: 'r', raw });
    log.add({ file: 'f', position: 2, reason: 'r', raw: 'z' });
    expect([...log].map((item) => item.raw)).toEqual([raw, 'z']);
    log.dispose();
  });
});
