import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ExportReadSink,
  type ReadExportOptions,
  readExport,
} from '../../../../functions/domain/reading/read-export.js';
import { EventCollector } from '../../../../functions/domain/sessions/collector.js';

/**
 * Segment records of the common form skip the event objects (reading/plain-segment.ts into
 * EventColumns.addPlain). Held here to the usual way (normalizeEvent into EventColumns.add): the same events
 * accepted, the same columns, the same rejections, whichever way each record went.
 */

const OPTIONS: ReadExportOptions = { format: 'segment', browserOf: (agent) => `browser of ${agent}` };

async function* once(text: string): AsyncGenerator<Uint8Array> {
  yield Buffer.from(text, 'utf8');
}

interface Collected {
  readonly collector: EventCollector;
  readonly plain: number;
  readonly rejected: string[];
}

/**
 * Reads each line as a file of its own into one collector, offering plain events to the collector only for
 * the lines `plain` names (1-based), so that one collector gets events both ways in any order.
 */
async function collect(lines: readonly string[], plain: (line: number) => boolean): Promise<Collected> {
  const collector = new EventCollector(true);
  let plainCount = 0;
  const rejected: string[] = [];
  for (const [index, text] of lines.entries()) {
    const sink: ExportReadSink = {
      event: (event, position) => collector.add(event, position),
      rejected: (rejection) => rejected.push(rejection.reason),
    };
    if (plain(index + 1)) {
      sink.plainEvent = (event) => {
        plainCount++;
        collector.addPlain(event, event.file);
      };
    }
    await readExport(`events-${index}.ndjson`, once(text), OPTIONS, sink);
  }
  return { collector, plain: plainCount, rejected };
}

function columnsOf({ collector }: Collected) {
  const columns = collector.columns;
  return Array.from({ length: columns.length }, (_, at) => ({
    event: { ...columns.event(at), id: columns.eventId(at) },
    source: columns.source(at),
    userId: columns.userId(at),
    anonymousId: columns.anonymousId(at),
  }));
}

async function expectSameColumns(lines: readonly string[]): Promise<number> {
  const usual = await collect(lines, () => false);
  const plain = await collect(lines, () => true);
  expect(columnsOf(plain)).toEqual(columnsOf(usual));
  expect(plain.rejected).toEqual(usual.rejected);
  expect(plain.collector.size).toBe(usual.collector.size);
  return plain.plain;
}

const T = '2024-01-01T09:00:00.000Z';
const line = (members: Record<string, unknown>) => JSON.stringify(members);
const base = {
  type: 'track',
  event: 'Clicked',
  userId: 'u1',
  anonymousId: 'a1',
  timestamp: T,
  messageId: 'm1',
};

describe('plain Segment events', () => {
  it('take the common records without objects, with the columns the usual way gives', async () => {
    const homePage = {
      ...base,
      type: 'page',
      name: 'Home',
      messageId: 'm4',
      properties: { url: 'https://x.test/?utm_source=news', path: '/', title: 'Home', referrer: '' },
    };
    const lines = [
      line(base),
      line({ ...base, messageId: 'm2', userId: null }),
      line({ ...base, messageId: 'm3', anonymousId: '' }),
      line(homePage),
      line({
        ...base,
        type: 'page',
        name: 'Home',
        messageId: 'm5',
        properties: { url: null, title: 'T' },
        context: { page: { url: 'https://x.test/a', path: '/a', referrer: 'r' } },
      }),
      line({ ...base, type: 'identify', messageId: 'm6', name: 'not a name' }),
      line({ ...base, type: 'screen', name: 7, messageId: 'm7' }),
      line({ ...base, event: 'x'.repeat(1500), messageId: 'm8' }),
      line({ ...base, type: 'alias', messageId: 'm9' }),
      // A copy of the first, another of the page: deduplicated alike.
      line(base),
      line(homePage),
      line({ ...base, userId: 'u'.repeat(512), messageId: 'm10' }),
      line({ ...base, context: { campaign: 'not an object', device: null }, messageId: 'm11' }),
    ];
    expect(await expectSameColumns(lines)).toBe(lines.length);
  });

  it('leave records of any other form to the usual way, with the same events and rejections', async () => {
    const declined = [
      line({ ...base, userId: ' u1 ' }),
      line({ ...base, userId: 42 }),
      line({ ...base, userId: { id: 1 }, messageId: 'm2' }),
      line({ ...base, userId: 'u'.repeat(513), messageId: 'm3' }),
      line({ ...base, anonymousId: 'é', messageId: 'm4' }),
      line({ ...base, messageId: undefined }),
      line({ ...base, messageId: '  ' }),
      line({ ...base, messageId: 5 }),
      line({ ...base, type: 'Track', messageId: 'm5' }),
      line({ ...base, type: null, messageId: 'm6' }),
      line({ ...base, timestamp: '2024-01-01 09:00:00', messageId: 'm7' }),
      line({ ...base, timestamp: 1704099600000, messageId: 'm8' }),
      line({ ...base, userId: null, anonymousId: null, messageId: 'm9' }),
      line({ ...base, event: 'caf\u00e9', messageId: 'm10' }),
      '{"type":"track","event":"a\\"b","userId":"u1","anonymousId":"a1","timestamp":"2024-01-01T09:00:00Z","messageId":"m11"}',
      '{"type":"tr\\u0061ck","event":"a","userId":"u1","timestamp":"2024-01-01T09:00:00Z","messageId":"m12"}',
      line({ ...base, context: { device: { type: 'iOS' }, os: { name: 'iOS' } }, messageId: 'm13' }),
      line({ ...base, context: { userAgent: 'Mozilla/5.0' }, messageId: 'm14' }),
      line({ ...base, context: { campaign: { source: 'news' } }, messageId: 'm15' }),
      line({ ...base, type: 'page', properties: { url: 5 }, messageId: 'm16' }),
      line({ ...base, type: 'page', properties: { title: { a: 1 } }, messageId: 'm17' }),
      line({
        ...base,
        type: 'page',
        properties: { url: `https://x.test/${'p'.repeat(1100)}?utm_source=s` },
        messageId: 'm18',
      }),
      '{"type":"page","userId":"u1","timestamp":"2024-01-01T09:00:00Z","messageId":"m19","context":{"page":{"path":1e400}}}',
    ];
    const taken = await expectSameColumns(declined);
    expect(taken).toBe(0);
    // Each declined record among plain ones, which intern the same values first or after.
    expect(await expectSameColumns([line(base), ...declined, line({ ...base, messageId: 'last' })])).toBe(2);
  });

  it('give the usual way the same indexes, whichever way each event of a file went', async () => {
    const lines = Array.from({ length: 60 }, (_, k) =>
      line({
        ...base,
        type: k % 3 === 0 ? 'page' : 'track',
        name: `Page ${k % 4}`,
        event: `Event ${k % 5}`,
        userId: k % 4 === 0 ? null : `u${k % 7}`,
        anonymousId: `a${k % 6}`,
        messageId: `m${k % 50}`,
        properties: { url: `https://x.test/${k % 5}`, path: `/${k % 5}`, title: `T${k % 2}`, referrer: null },
      }),
    );
    const usual = await collect(lines, () => false);
    for (const every of [2, 3, 5]) {
      const mixed = await collect(lines, (record) => record % every !== 0);
      expect(columnsOf(mixed)).toEqual(columnsOf(usual));
    }
  });

  it('hold to the usual way on generated records, escapes, numbers, nulls and duplicate members included', async () => {
    const text = fc.oneof(
      fc.constantFrom(
        '',
        ' ',
        'u1',
        'u1 ',
        ' a',
        'Home',
        'page',
        'track',
        'x'.repeat(1024),
        'y'.repeat(1025),
      ),
      fc.string({ maxLength: 6 }),
      fc.string({ unit: 'grapheme', maxLength: 4 }),
    );
    const value = fc.oneof(
      { weight: 4, arbitrary: text.map((s) => JSON.stringify(s)) },
      {
        weight: 1,
        arbitrary: text.map((s) =>
          JSON.stringify(s).replace(/[a-z]/, (c) => `\\u00${c.charCodeAt(0).toString(16)}`),
        ),
      },
      {
        weight: 1,
        arbitrary: fc.constantFrom('null', '0', '-1.5e3', '1e400', 'true', '{}', '[]', '{"a":1}'),
      },
    );
    const member = (key: string) =>
      fc.option(
        value.map((v) => `"${key}":${v}`),
        { nil: undefined },
      );
    const typeMember = fc
      .constantFrom('track', 'page', 'screen', 'identify', 'alias', 'group', 'Page', '')
      .map((t) => `"type":"${t}"`);
    const record = fc
      .tuple(
        typeMember,
        fc.array(
          fc.oneof(
            member('userId'),
            member('anonymousId'),
            member('messageId'),
            member('event'),
            member('name'),
            fc.constantFrom(
              `"timestamp":"${T}"`,
              '"timestamp":"2024-01-01T10:00:00+01:00"',
              '"timestamp":"soon"',
            ),
            fc
              .tuple(member('url'), member('path'), member('title'), member('referrer'))
              .map((members) => `"properties":{${members.filter(Boolean).join(',')}}`),
            fc
              .tuple(member('url'), member('path'), member('title'))
              .map((members) => `"context":{"page":{${members.filter(Boolean).join(',')}}}`),
            member('type').map((m) => (m === undefined ? undefined : `"context":{"device":{${m}}}`)),
          ),
          { maxLength: 9 },
        ),
      )
      .map(
        ([type, members]) =>
          `{${[type, '"userId":"u"', '"messageId":"m"', `"timestamp":"${T}"`, ...members.filter(Boolean)].join(',')}}`,
      );
    await fc.assert(
      fc.asyncProperty(fc.array(record, { minLength: 1, maxLength: 8 }), async (lines) => {
        await expectSameColumns(lines);
      }),
      { numRuns: 300 },
    );
  });
});
