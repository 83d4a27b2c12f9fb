import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { createBrowserOf } from '../../../../functions/domain/events/browser.js';
import { ownedText } from '../../../../functions/domain/reading/owned-text.js';
import { readExport } from '../../../../functions/domain/reading/read-export.js';
import { EventCollector } from '../../../../functions/domain/sessions/collector.js';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const MIB = 1024 * 1024;
const RECORDS = 48;

/** Heap still in use once `work` is done and garbage collected (what it returns is kept meanwhile). */
async function heapHeldBy(work: () => unknown): Promise<number> {
  collectGarbage();
  const before = process.memoryUsage().heapUsed;
  const held = await work();
  collectGarbage();
  const after = process.memoryUsage().heapUsed;
  expect(held).toBeDefined();
  return after - before;
}

/** A record of half a megabyte, most of it a member no rule reads. */
function bigRecord(k: number): string {
  return JSON.stringify({
    type: 'page',
    userId: `a-user-id-long-enough-to-be-sliced-${k}`,
    anonymousId: `an-anonymous-id-long-enough-${k}`,
    messageId: `message-${k}`,
    timestamp: '2024-01-01T09:00:00Z',
    name: `a page name long enough ${k}`,
    properties: { url: `https://example.com/a/long/enough/path/${k}`, title: `A title of page ${k}` },
    context: { device: { type: `device-type-${k}-long` }, os: { name: `operating-system-${k}` } },
    // Under Node's 1 MB threshold for external strings, whose bytes the heap figures leave out.
    padding: 'x'.repeat(MIB / 2),
  });
}

/** Built in a function of its own so that no string of the records outlives it. */
function exportOf(records: number): Buffer {
  return Buffer.from(Array.from({ length: records }, (_, k) => bigRecord(k)).join('\n'));
}

describe('owned text', () => {
  it('keeps none of the string it was sliced from (slices do, which is why it exists)', async () => {
    const slicesOf = (keep: (slice: string) => string) => () =>
      Array.from({ length: RECORDS }, (_, k) => keep(`${k}`.padEnd(MIB, 'x').slice(100, 140)));

    expect(await heapHeldBy(slicesOf((slice) => slice))).toBeGreaterThan((RECORDS / 2) * MIB);
    expect(await heapHeldBy(slicesOf(ownedText))).toBeLessThan(2 * MIB);
    for (const text of ['a value sliced from its record', '', 'é ÿ \u0000', 'ā 😀 \ud800 \udfff']) {
      expect(ownedText(text)).toBe(text);
    }
  });

  it('lets no record stay in memory through the events collected from it', async () => {
    const file = exportOf(RECORDS);
    let accepted = 0;

    const held = await heapHeldBy(async () => {
      const collector = new EventCollector(false);
      await readExport(
        'big.ndjson',
        (async function* () {
          yield file;
        })(),
        { format: 'auto', browserOf: createBrowserOf() },
        {
          event: (event, position) => {
            accepted++;
            collector.add(event, position);
          },
          rejected: () => {},
        },
      );
      return collector;
    });

    expect(accepted).toBe(RECORDS);
    // Every distinct user, anonymousId, name, page and device is kept: a few kilobytes, not the records.
    expect(held).toBeLessThan(4 * MIB);
  });

  it('lets no record stay in memory through the user agents cached from it', async () => {
    const held = await heapHeldBy(() => {
      const browserOf = createBrowserOf();
      for (let k = 0; k < RECORDS; k++) {
        const agent = `Mozilla/5.0 (X11; Linux x86_64; rv:${k}.0) Gecko/20100101 Firefox/${k}.0`;
        const record = `${JSON.stringify({ userAgent: agent })}${'x'.repeat(MIB / 2)}`;
        const start = record.indexOf('Mozilla');
        expect(browserOf(record.slice(start, start + agent.length))).toBe('Firefox');
      }
      return browserOf;
    });

    expect(held).toBeLessThan(4 * MIB);
  });
});
