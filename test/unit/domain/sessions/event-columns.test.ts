import { describe, expect, it } from 'vitest';
import type { EventRecord, PageFields } from '../../../../functions/domain/events/event.js';
import { EventColumns } from '../../../../functions/domain/sessions/event-columns.js';
import { record } from '../../../helpers/event-arbitraries.js';

/** Ids of every width up to the longest allowed, ASCII and not, so the id arena fills several blocks. */
function idOf(k: number): string {
  if (k % 97 === 0) return `${'x'.repeat(500)}-${k}`;
  if (k % 13 === 0) return `évènement-${k}-😀`;
  return `m:${k.toString(36)}`;
}

function eventOf(k: number): EventRecord {
  return record({
    id: idOf(k),
    userId: k % 5 === 0 ? null : `user-${k % 101}`,
    anonymousId: k % 5 === 0 ? `anon-${k % 7}` : null,
    timestamp: Date.UTC(2024, 0, 1) + k * 1_000,
    name: k % 3 === 0 ? null : `Event ${k % 11}`,
    platform: k % 4 === 0 ? 'ios' : null,
  });
}

describe('EventColumns', () => {
  it('gives back every event, id and source exactly, across column and id-arena blocks', () => {
    const columns = new EventColumns();
    const count = 140_000; // over two blocks of 65,536 events, over a megabyte of ids
    for (let k = 0; k < count; k++)
      columns.add(eventOf(k), { file: k < 70_000 ? 'a.ndjson' : 'b.ndjson', record: k, line: k + 1 });
    expect(columns.length).toBe(count);
    for (const k of [0, 1, 96, 97, 65_535, 65_536, 65_537, 70_000, 131_071, 131_072, count - 1]) {
      const { id, ...fields } = eventOf(k);
      const event = columns.event(k);
      expect(event.id).toBe(id);
      expect({ ...event }).toEqual(fields);
      expect(columns.source(k)).toEqual({
        file: k < 70_000 ? 'a.ndjson' : 'b.ndjson',
        record: k,
        line: k + 1,
      });
    }
    for (let k = 0; k < count; k += 7) expect(columns.eventId(k)).toBe(idOf(k));
  });

  it('keeps an id over a megabyte whole, and the ids around it (a messageId has no length limit)', () => {
    const columns = new EventColumns();
    const long = `m:${'a'.repeat(1_100_000)}`;
    const ids = ['m:before', long, 'm:after', `m:${'é'.repeat(600_000)}`, 'm:last', long];
    ids.forEach((id, k) => {
      columns.add(record({ id, timestamp: k }), { file: 'f', record: k, line: k + 1 });
    });

    expect(ids.map((_, k) => columns.eventId(k))).toEqual(ids);
    expect(columns.sameId(1, 5)).toBe(true);
    expect(columns.hashId(1, 7)).toBe(columns.hashId(5, 7));
    expect(columns.sameId(1, 3)).toBe(false);
    expect(columns.compareIds(2, 1)).toBeGreaterThan(0);
  });

  it('keeps devices apart that differ only where one member ends and the next begins, or by null and empty', () => {
    const columns = new EventColumns();
    const devices = [
      { type: 'ab', os: 'c', browser: null },
      { type: 'a', os: 'bc', browser: null },
      { type: 'a', os: 'b', browser: 'c' },
      { type: null, os: 'abc', browser: null },
      { type: '', os: 'abc', browser: null },
      { type: '\u0001', os: null, browser: null },
      { type: null, os: '\u0001', browser: null },
      { type: 'a', os: 'bc', browser: null },
    ];
    devices.forEach((device, k) => {
      columns.add(record({ id: `m:${k}`, timestamp: k, device }), { file: 'f', record: k, line: k });
    });

    expect(devices.map((_, k) => columns.event(k).device)).toEqual(devices);
    expect(columns.event(7).device).toBe(columns.event(1).device);
    expect(new Set(devices.map((_, k) => columns.event(k).device)).size).toBe(7);
  });

  it('keeps pages apart whose texts hold the characters a key could be split at', () => {
    const columns = new EventColumns();
    const pages = [
      { url: 'a\u0000b', path: 'c', title: '', referrer: '' },
      { url: 'a', path: 'b\u0000c', title: '', referrer: '' },
      { url: 'a', path: 'b', title: 'c', referrer: '' },
      { url: '[1,2,3,4]', path: '', title: '', referrer: '' },
      { url: 1, path: 2, title: 3, referrer: 4 },
      { url: null, path: 'ab', title: '', referrer: '' },
      { url: 'ab', path: null, title: '', referrer: '' },
    ];
    pages.forEach((page, k) => {
      columns.add(record({ id: `m:${k}`, timestamp: k, type: 'page', page }), {
        file: 'f',
        record: k,
        line: k,
      });
    });

    expect(pages.map((_, k) => columns.event(k).page)).toEqual(pages);
  });

  it('holds each page once however many pages share its url, texts or not', () => {
    const columns = new EventColumns();
    // More pages of one url than are compared field by field, and pages of that url that are not all texts.
    const pages = [
      ...Array.from({ length: 20 }, (_, k) => ({
        url: 'u',
        path: '/p',
        title: `T${k % 3}`,
        referrer: `r${k}`,
      })),
      { url: 'u', path: null, title: '', referrer: '' },
      { url: 'v', path: '/p', title: 'T0', referrer: 'r0' },
    ];
    const order = [...pages.keys(), ...pages.keys()].reverse();
    order.forEach((p, k) => {
      columns.add(
        record({ id: `m:${k}`, timestamp: k, type: 'page', page: { ...(pages[p] as PageFields) } }),
        {
          file: 'f',
          record: k,
          line: k,
        },
      );
    });

    const held = order.map((_, k) => columns.event(k).page);
    expect(held).toEqual(order.map((p) => pages[p]));
    expect(new Set(held).size).toBe(pages.length);
    order.forEach((p, k) => {
      expect(held[k]).toBe(held[order.indexOf(p)]);
    });
  });

  it('compares ids as UTF-16 code units and finds copies by their bytes', () => {
    const columns = new EventColumns();
    // Lone surrogates (from JSON's \ud800 escapes) are not U+FFFD: UTF-8 alone would make them equal.
    const ids = [
      'b',
      'a',
      'ab',
      'é',
      'a',
      `${'z'.repeat(600)}`,
      '😀',
      'ｚ',
      'q\ud800',
      'q\ufffd',
      'q\udc00x',
      'q\ud800',
    ];
    ids.forEach((id, k) => {
      columns.add(record({ id, timestamp: k }), { file: 'f', record: k, line: k });
    });
    ids.forEach((id, k) => {
      expect(columns.eventId(k)).toBe(id);
    });
    for (let a = 0; a < ids.length; a++) {
      for (let b = 0; b < ids.length; b++) {
        const x = ids[a] as string;
        const y = ids[b] as string;
        expect(Math.sign(columns.compareIds(a, b))).toBe(x < y ? -1 : x > y ? 1 : 0);
        expect(columns.sameId(a, b)).toBe(x === y);
        if (x === y) expect(columns.hashId(a, 3)).toBe(columns.hashId(b, 3));
      }
    }
  });

  it('counts what it holds: a fixed cost per event, its id, and each distinct value once', () => {
    const columns = new EventColumns();
    const page = (k: number) => ({
      url: `https://example.com/${'p'.repeat(2_000)}/${k}`,
      path: `/${k}`,
      title: 'T',
      referrer: '',
    });
    const add = (k: number, pageOf: number) =>
      columns.add(record({ id: `m:${k}`, timestamp: k, userId: 'u', page: page(pageOf) }), {
        file: 'f',
        record: k,
        line: k,
      });
    add(0, 0);
    const first = columns.heldBytes;
    add(1, 0);
    const repeated = columns.heldBytes - first;
    add(2, 2);
    const distinct = columns.heldBytes - first - repeated;

    expect(repeated).toBeGreaterThan(60);
    expect(repeated).toBeLessThan(100);
    // A new page costs its characters again, in its key and its value.
    expect(distinct - repeated).toBeGreaterThan(2 * 2_000);
    expect(distinct - repeated).toBeLessThan(4 * 2_100);
  });
});
