import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { PageFields } from '../../../../functions/domain/events/event.js';
import { PageTable } from '../../../../functions/domain/sessions/page-table.js';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const MIB = 1024 * 1024;

function page(url: PageFields['url'], referrer: PageFields['referrer'] = null): PageFields {
  return { url, path: '/a', title: 'A | Shop', referrer };
}

/** A fresh copy of `text`, as each record's value is its own string. */
function copyOf(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

describe('PageTable', () => {
  it('gives pages alike one index, and each difference a new one, past the pages it scans per url', () => {
    const table = new PageTable();
    // One url reached from many referrers: its later pages are looked up by key, not scanned.
    const referrers = Array.from({ length: 20 }, (_, k) => `https://from.example/${k}`);
    const indexes = referrers.map((referrer) =>
      table.intern(page(copyOf('https://shop.example/a'), referrer)),
    );
    expect(new Set(indexes).size).toBe(referrers.length);
    referrers.forEach((referrer, k) => {
      expect(table.intern(page(copyOf('https://shop.example/a'), copyOf(referrer)))).toBe(indexes[k]);
    });
    const base = page('https://shop.example/b', 'https://from.example/0');
    const differing = [
      base,
      { ...base, path: '/b' },
      { ...base, title: 'B | Shop' },
      { ...base, referrer: null },
      { ...base, referrer: '' },
      // Texts that a joined key would run together: a number per text keeps them apart.
      { ...base, path: '/a/', title: 'B' },
      { ...base, path: '/a', title: '/B' },
      page(1),
      page('1'),
      page(null),
      page(''),
      page({ href: '1' }),
      page(['1']),
    ];
    const differingIndexes = differing.map((each) => table.intern(each));
    expect(new Set(differingIndexes).size).toBe(differing.length);
    differing.forEach((each, k) => {
      expect(table.intern(structuredClone(each))).toBe(differingIndexes[k]);
      expect(table.values[differingIndexes[k] as number]).toEqual(each);
    });
  });

  it('tells pages apart by texts numbered past 65,535', () => {
    const table = new PageTable();
    const referrerOf = (k: number) => `https://from.example/${k}`;
    const pages = 70_000;
    const numbers = Array.from({ length: pages }, (_, k) => k);
    expect(numbers.map((k) => table.intern(page('https://shop.example/a', referrerOf(k))))).toEqual(numbers);
    for (const k of [0, 1, 65_533, 65_534, 65_535, 65_536, pages - 1])
      expect(table.intern(page(copyOf('https://shop.example/a'), copyOf(referrerOf(k))))).toBe(k);
  });

  it('keeps each text once, however many pages share it', () => {
    const table = new PageTable();
    const long = 'x'.repeat(10_000);
    const pages = 500;
    collectGarbage();
    const before = process.memoryUsage().heapUsed;
    for (let k = 0; k < pages; k++) {
      table.intern({
        url: copyOf(`https://shop.example/${long}`),
        path: copyOf(`/${long}`),
        title: copyOf(`${long} | Shop`),
        referrer: `https://from.example/${k}`,
      });
    }
    collectGarbage();
    const held = process.memoryUsage().heapUsed - before;
    expect(table.values.length).toBe(pages);
    // Copies of its own would take 3 × 10 KB a page, and as many again in its key: 30 MB in all.
    expect(held).toBeLessThan(2 * MIB);
  });
});
