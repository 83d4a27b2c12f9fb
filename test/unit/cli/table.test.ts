import { describe, expect, it } from 'vitest';
import type { BatchResult } from '../../../cli/batch.js';
import { LineSpool } from '../../../cli/line-spool.js';
import { TableOutput, writeTable } from '../../../cli/output/table.js';
import type { SentValue } from '../../../functions/domain/events/event.js';
import type { SessionSummary } from '../../../functions/domain/sessions/summary.js';
import { toSessionView } from '../../../functions/domain/views/session-view.js';

const T0 = Date.UTC(2024, 0, 1);

function summary(userId: string, sessionNumber: number): SessionSummary {
  return {
    userId,
    sessionId: 'x',
    sessionNumber,
    startedAt: T0,
    endedAt: T0 + 90_000,
    eventCount: 3,
    pageViews: 0,
    entryPage: null,
    exitPage: null,
    campaign: null,
    anonymousIds: [],
    bounce: false,
    device: null,
    firstEvent: 'a',
    lastEvent: 'b',
  };
}

function result(sessions: number): BatchResult {
  return {
    sessions: [],
    sessionCount: sessions,
    userCount: 1,
    rejected: [],
    files: [],
    accepted: sessions,
    distinct: sessions,
  };
}

describe('writeTable', () => {
  it('sizes each column to its widest cell', async () => {
    const lines: string[] = [];
    const views = [toSessionView(summary('u', 1)), toSessionView(summary('a-longer-id', 12345))];
    await writeTable(result(2), views, (text) => {
      lines.push(text);
    });
    // userId is as wide as its longest id (11), '#' as its widest number (5), right-aligned.
    expect(lines[0]?.startsWith(`userId${' '.repeat(5)}  ${' '.repeat(4)}#  startedAt`)).toBe(true);
    expect(lines[1]?.startsWith(`u${' '.repeat(10)}  ${' '.repeat(4)}1  2024-01-01T00:00:00.000Z`)).toBe(
      true,
    );
    expect(lines[2]?.startsWith('a-longer-id  12345  ')).toBe(true);
  });

  it('lines up columns after user ids of wide characters and emoji', async () => {
    const lines: string[] = [];
    const views = ['用户一二三', '😀😀 smile', 'plain-ascii-id'].map((id) => toSessionView(summary(id, 1)));
    await writeTable(result(3), views, (text) => {
      lines.push(text);
    });
    // A CJK character and an emoji take two terminal columns: the widest id, 14 columns, sets the width.
    expect(lines[0]?.startsWith(`userId${' '.repeat(8)}  #  startedAt`)).toBe(true);
    expect(lines[1]?.startsWith(`用户一二三${' '.repeat(4)}  1  2024-01-01`)).toBe(true);
    expect(lines[2]?.startsWith(`😀😀 smile${' '.repeat(4)}  1  2024-01-01`)).toBe(true);
    expect(lines[3]?.startsWith('plain-ascii-id  1  2024-01-01')).toBe(true);
  });

  it('escapes a value sent as an object once: its JSON text keeps its escapes, raw controls shown', async () => {
    const lines: string[] = [];
    const view = toSessionView({
      ...summary('o\\u', 1),
      entryPage: { url: null, path: { p: 'a\tb\\c\u202e' }, title: null, referrer: null },
      campaign: { source: { s: 'x\ty' }, medium: 'm\tn', name: null, term: null, content: null },
    });
    await writeTable(result(1), [view], (text) => {
      lines.push(text);
    });
    expect(lines[1]).toContain('o\\\\u  ');
    expect(lines[1]).toContain('{"p":"a\\tb\\\\c\\u202e"}');
    expect(lines[1]).toContain('{"s":"x\\ty"}/m\\tn');
  });

  // As the html report's entry pages (cli/report/README.md): a path of "" is no path, so the url shows.
  it('shows the entry url when the entry path is empty', async () => {
    const lines: string[] = [];
    const entry = (path: SentValue) =>
      toSessionView({
        ...summary('u', 1),
        entryPage: { url: 'https://e.test/only-url', path, title: null, referrer: null },
      });
    await writeTable(result(4), [entry(''), entry(null), entry('/p'), entry(0)], (text) => {
      lines.push(text);
    });
    expect(lines[1]).toContain('  https://e.test/only-url  ');
    expect(lines[2]).toContain('  https://e.test/only-url  ');
    expect(lines[3]).toMatch(/ {2}\/p {2}/);
    expect(lines[3]).not.toContain('only-url');
    // A path sent as another value is shown as its JSON text, even one JavaScript reads as false.
    expect(lines[4]).toMatch(/ {2}0 {2}/);
    expect(lines[4]).not.toContain('only-url');
  });

  // Either member may be missing (rule 9: members as sent, missing null): the slash always stands between
  // them, so a source alone and a medium alone read apart.
  it('shows the campaign as source/medium with the slash kept when one of them is missing', async () => {
    const lines: string[] = [];
    const campaign = (source: SentValue, medium: SentValue) =>
      toSessionView({
        ...summary('u', 1),
        campaign: { source, medium, name: 'n', term: null, content: null },
      });
    const views = [campaign('google', null), campaign(null, 'google'), campaign('g', 'cpc')];
    await writeTable(result(3), [...views, campaign(null, null)], (text) => {
      lines.push(text);
    });
    expect(lines[1]).toMatch(/ {2}google\/ {2}/);
    expect(lines[2]).toMatch(/ {2}\/google {2}/);
    expect(lines[3]).toMatch(/ {2}g\/cpc {2}/);
    expect(lines[4]).not.toContain('/');
  });

  // A "/" inside a member would make the one between them ambiguous (`a/b` + `c` and `a` + `b/c` both
  // `a/b/c`): inside a member it is `\/`, as every backslash a cell shows is part of an escape.
  it('escapes a slash inside a campaign member, so two campaigns never read alike', async () => {
    const lines: string[] = [];
    const campaign = (source: SentValue, medium: SentValue) =>
      toSessionView({
        ...summary('u', 1),
        campaign: { source, medium, name: null, term: null, content: null },
      });
    const views = [
      campaign('a/b', 'c'),
      campaign('a', 'b/c'),
      campaign('a\\/b', null),
      campaign({ u: 'x/y' }, 7),
    ];
    await writeTable(result(4), views, (text) => {
      lines.push(text);
    });
    const cells = lines.slice(1, 5).map((line) => line.split(/ {2,}/).at(-3));
    expect(cells).toEqual(['a\\/b/c', 'a/b\\/c', 'a\\\\\\/b/', '{"u":"x\\/y"}/7']);
    expect(new Set(cells).size).toBe(cells.length);
    // JSON text stays JSON: `\/` is its escape of "/".
    expect(JSON.parse((cells[3] as string).slice(0, -2))).toEqual({ u: 'x/y' });
  });

  it('writes a table of more rows than a call can take as arguments', async () => {
    const view = toSessionView(summary('bot', 1));
    const views = Array.from({ length: 200_000 }, () => view);
    let rows = 0;
    await writeTable(result(views.length), views, (text) => {
      if (text.startsWith('bot')) rows++;
    });
    expect(rows).toBe(200_000);
  });

  it('takes rows in batches: a wide cell in a later batch widens the rows before it', async () => {
    const views = [
      toSessionView(summary('u', 1)),
      toSessionView(summary('a\u0000tab\tid', 2)),
      toSessionView(summary('a-much-longer-user-id', 3)),
    ];
    const table = new TableOutput();
    table.add(views[0] as never);
    table.add(views[1] as never);
    table.add(views[2] as never);
    let streamed = '';
    await table.end(result(3), (text) => {
      streamed += text;
    });
    let whole = '';
    await writeTable(result(3), views, (text) => {
      whole += text;
    });
    expect(streamed).toBe(whole);
    const lines = streamed.split('\n');
    // Control characters are escaped in their cell, which stays one cell.
    expect(lines[2]?.startsWith(`a\\x00tab\\tid${' '.repeat(21 - 12)}  2  2024-`)).toBe(true);
    expect(lines[1]?.startsWith(`u${' '.repeat(20)}  1  2024-`)).toBe(true);
  });

  it('writes the same table when its rows went to disk', async () => {
    const views = Array.from({ length: 3_000 }, (_, i) =>
      toSessionView(summary(`user-${'é'.repeat(i % 50)}-${i}`, i + 1)),
    );
    const spooled = new TableOutput(new LineSpool({ inMemoryChars: 1_000 }));
    for (const view of views) spooled.add(view);
    let fromDisk = '';
    await spooled.end(result(views.length), (text) => {
      fromDisk += text;
    });
    let inMemory = '';
    await writeTable(result(views.length), views, (text) => {
      inMemory += text;
    });
    expect(fromDisk).toBe(inMemory);
    expect(fromDisk.split('\n').length).toBeGreaterThan(3_000);
  });
  it('says which files held nothing to read, so that 0 accepted never reads as events lost', async () => {
    const file = (name: string, records: number, more: object = {}) => ({
      file: name,
      format: undefined,
      container: undefined,
      compression: 'none' as const,
      records,
      accepted: records,
      rejected: 0,
      ...more,
    });
    const files = [
      file('empty.ndjson', 0),
      file('blank.ndjson.gz', 0, { compression: 'gzip' }),
      file('missing.ndjson', 0, { error: 'no such file' }),
      file('one.ndjson', 1, { format: 'segment', container: 'ndjson' }),
    ];
    let text = '';
    await writeTable({ ...result(1), files }, [], (chunk) => {
      text += chunk;
    });

    expect(text).toContain(
      '  empty.ndjson: holds nothing to read (no line or array element); 0 accepted, 0 rejected\n',
    );
    expect(text).toContain(
      '  blank.ndjson.gz: read as gzip; holds nothing to read (no line or array element); 0 accepted, 0 rejected\n',
    );
    expect(text).toContain('  missing.ndjson: 0 accepted, 0 rejected; no such file\n');
    expect(text).toContain('  one.ndjson: read as segment, ndjson; 1 accepted, 0 rejected\n');
  });
});
