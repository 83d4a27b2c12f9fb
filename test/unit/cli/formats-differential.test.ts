// The CLI's json, csv and table outputs of one run hold the same sessions with the same values: generated
// events (bench/generator) beside hostile ones whose ids, names, pages, campaigns and devices hold commas,
// quotes, line breaks, tabs, controls, backslashes, wide characters, emoji, jamo, right-to-left text, long
// texts and formula starts. csv is read with a strict RFC 4180 reader and each cell read back as README.md
// says (one leading ' off, the escapes undone); the table is compared cell by cell, its columns placed by
// an own count of terminal columns per grapheme.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateEvents } from '../../../bench/generator/generate.js';
import { cutCell, tableCell } from '../../../cli/terminal-text.js';
import { escapeControl } from '../../../contract/visible-text.js';
import { ensureCliBuilt, hasRawControl, runCli } from '../../helpers/built-cli.js';

const HOSTILE = [
  'a,b',
  'say "hi"',
  'two\nlines',
  'cr\r\nlf',
  'tab\there',
  '=1+1',
  '+1',
  '-2',
  '@SUM(A1)',
  "'quoted",
  ' =lead',
  '\uff1dwide-equals',
  '=HYPERLINK("http://evil.example","x")',
  'back\\slash \\t',
  '\u0000nul \u001b[2J',
  'a\u202eevil',
  'a\u200bb',
  '\u2028sep',
  '日本語ユーザー',
  '한국어',
  '한국어'.normalize('NFD'),
  '😀👍🏽 family 👨‍👩‍👧 flag 🇯🇵',
  'مرحبا بالعالم',
  'שלום',
  'e\u0301 Zoë',
  'x'.repeat(300),
  '用'.repeat(40),
  '"',
  ',',
];

function hostileEvents(): string[] {
  const lines: string[] = [];
  const t0 = Date.UTC(2024, 0, 2, 8);
  HOSTILE.forEach((text, i) => {
    const other = HOSTILE[(i + 7) % HOSTILE.length] as string;
    for (let k = 0; k < 3; k++) {
      const page = k < 2;
      lines.push(
        JSON.stringify({
          type: page ? 'page' : 'track',
          ...(page ? { name: `${text}-${k}` } : { event: other }),
          userId: `${text}#${i}`,
          anonymousId: `${other}@${i}`,
          messageId: `hostile-${i}-${k}`,
          timestamp: new Date(t0 + i * 3_600_000 + k * 60_000).toISOString(),
          properties: page ? { path: `/${text}/${k}`, url: `https://x.example/${other}`, title: text } : {},
          context: {
            campaign: { source: text, medium: other, name: i % 2 === 0 ? text : 5 },
            device: { type: other },
          },
        }),
      );
    }
  });
  return lines;
}

/** RFC 4180, strictly: a quote only opens a cell or is doubled inside a quoted one; rows end in \n. */
function csvRecords(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let i = 0;
  while (i < text.length) {
    const char = text[i] as string;
    if (char === '"') {
      if (cell !== '') throw new Error(`a quote inside an unquoted cell at ${i}`);
      let from = i + 1;
      for (;;) {
        const close = text.indexOf('"', from);
        if (close < 0) throw new Error(`an unterminated quoted cell at ${i}`);
        cell += text.slice(from, close);
        if (text[close + 1] !== '"') {
          i = close + 1;
          break;
        }
        cell += '"';
        from = close + 2;
      }
      if (i < text.length && text[i] !== ',' && text[i] !== '\n')
        throw new Error(`text after a quote at ${i}`);
      continue;
    }
    if (char === '\r') throw new Error(`a carriage return outside quotes at ${i}`);
    if (char === ',' || char === '\n') {
      row.push(cell);
      cell = '';
      if (char === '\n') {
        rows.push(row);
        row = [];
      }
    } else cell += char;
    i++;
  }
  if (cell !== '' || row.length > 0) throw new Error('the last row has no line break');
  return rows;
}

/** The value a csv cell holds, as README.md says to read it back. */
function valueOfCell(cell: string): string {
  return unguarded(cell).replace(
    /\\(?:([\\trn])|x([0-9a-f]{2})|u\{([0-9a-f]+)\}|u([0-9a-f]{4}))/g,
    (_, simple, x, u, v) =>
      simple !== undefined
        ? (({ '\\': '\\', t: '\t', r: '\r', n: '\n' } as Record<string, string>)[simple as string] as string)
        : String.fromCodePoint(Number.parseInt(x ?? u ?? v, 16)),
  );
}

type Json = Record<string, unknown>;
const text = (value: unknown) =>
  value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
const field = (session: Json, name: string, member: string) => text((session[name] as Json | null)?.[member]);

/** A csv cell of JSON text (an array, or a value sent as an object): escaped once, as JSON, so read by JSON.parse. */
interface JsonCell {
  readonly json: unknown;
}
type CsvValue = string | JsonCell;
const csvText = (value: unknown): CsvValue =>
  typeof value === 'object' && value !== null ? { json: value } : text(value);
const csvField = (session: Json, name: string, member: string) =>
  csvText((session[name] as Json | null)?.[member]);
const isJsonCell = (value: CsvValue | undefined): value is JsonCell => typeof value === 'object';
const unguarded = (cell: string) => (cell.startsWith("'") ? cell.slice(1) : cell);

/** README.md's csv columns, each as the json session says it. */
function csvValues(session: Json): Record<string, CsvValue> {
  const ids = session.anonymousIds as string[];
  return {
    userId: text(session.userId),
    sessionNumber: text(session.sessionNumber),
    sessionId: text(session.sessionId),
    startedAt: text(session.startedAt),
    endedAt: text(session.endedAt),
    durationSeconds: text(session.durationSeconds),
    eventCount: text(session.eventCount),
    pageViews: text(session.pageViews),
    bounce: text(session.bounce),
    entryPath: csvField(session, 'entryPage', 'path'),
    entryUrl: csvField(session, 'entryPage', 'url'),
    exitPath: csvField(session, 'exitPage', 'path'),
    campaignSource: csvField(session, 'campaign', 'source'),
    campaignMedium: csvField(session, 'campaign', 'medium'),
    campaignName: csvField(session, 'campaign', 'name'),
    anonymousIds: ids.length === 0 ? '' : { json: ids },
    deviceType: csvField(session, 'device', 'type'),
    browser: csvField(session, 'device', 'browser'),
    firstEvent: text(session.firstEvent),
    lastEvent: text(session.lastEvent),
  };
}

/** The table's columns: name, width limit, right-aligned, and the json value each shows. */
const TABLE: ReadonlyArray<readonly [string, number, boolean, (session: Json) => string]> = [
  ['userId', 40, false, (s) => text(s.userId)],
  ['#', 6, true, (s) => text(s.sessionNumber)],
  ['startedAt', 24, false, (s) => text(s.startedAt)],
  ['endedAt', 24, false, (s) => text(s.endedAt)],
  ['events', 8, true, (s) => text(s.eventCount)],
  ['seconds', 10, true, (s) => text(s.durationSeconds)],
  ['pages', 6, true, (s) => text(s.pageViews)],
  ['entry', 30, false, (s) => field(s, 'entryPage', 'path') || field(s, 'entryPage', 'url')],
  // Escaped here, as README.md says: source/medium, the slash kept when one is missing, one inside either `\/`.
  [
    'campaign',
    24,
    false,
    (s) => {
      const member = (name: string) => escapeControl(field(s, 'campaign', name)).replaceAll('/', '\\/');
      const [source, medium] = [member('source'), member('medium')];
      return source === '' && medium === '' ? '' : `${source}/${medium}`;
    },
  ],
  ['first', 24, false, (s) => text(s.firstEvent)],
  ['last', 24, false, (s) => text(s.lastEvent)],
];

/**
 * Terminal columns, counted by grapheme (not by the code under test): two for a cluster holding an East Asian
 * wide or full-width character or an emoji drawn as one, one for any other. The inputs hold no other kind.
 */
const WIDE = /[\p{Emoji_Presentation}\u1100-\u115f\u3000-\u30ff\u4e00-\u9fff\uac00-\ud7a3\uff01-\uff60]/u;
const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });
const columnsOf = (line: string) =>
  [...segmenter.segment(line)].reduce((sum, { segment }) => sum + (WIDE.test(segment) ? 2 : 1), 0);

describe('json, csv and table of one run', () => {
  let dir: string;
  let json: { sessions: Json[] };
  let csv: string;
  let table: string;

  beforeAll(async () => {
    await ensureCliBuilt();
    dir = mkdtempSync(join(tmpdir(), 'sessionize-formats-'));
    const generated = Array.from(generateEvents({ events: 1_500, seed: 66, anonymousShare: 0.3 }), (event) =>
      JSON.stringify(event),
    );
    writeFileSync(join(dir, 'export.ndjson'), `${[...generated, ...hostileEvents()].join('\n')}\n`);
    const runs = await Promise.all(
      ['json', 'csv', 'table'].map((format) =>
        runCli(['--stitch', '--format', format, 'export.ndjson'], { cwd: dir }),
      ),
    );
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    const [jsonRun, csvRun, tableRun] = runs as [(typeof runs)[0], (typeof runs)[0], (typeof runs)[0]];
    expect(hasRawControl(csvRun.rawStdout) || hasRawControl(tableRun.rawStdout)).toBe(false);
    json = JSON.parse(jsonRun.stdout);
    csv = csvRun.stdout;
    table = tableRun.stdout;
  }, 120_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('csv holds every json session, in order, each value read back exactly, and no cell a formula', () => {
    const [header, ...rows] = csvRecords(csv);
    expect(json.sessions.length).toBeGreaterThan(HOSTILE.length);
    expect(header).toEqual(Object.keys(csvValues(json.sessions[0] as Json)));
    expect(rows).toHaveLength(json.sessions.length);
    rows.forEach((row, n) => {
      expect(row).toHaveLength(header?.length ?? 0);
      // What Excel, LibreOffice and Sheets start a formula with, also after white space or in full width.
      expect(row.filter((cell) => /^[\s]*[=+\-@\uff1d\uff0b\uff0d\uff20]/.test(cell))).toEqual([]);
      const expected = csvValues(json.sessions[n] as Json);
      const read = Object.fromEntries(
        (header ?? []).map((name, k) => {
          const cell = row[k] ?? '';
          return [
            name,
            isJsonCell(expected[name]) ? { json: JSON.parse(unguarded(cell)) } : valueOfCell(cell),
          ];
        }),
      );
      expect(read).toEqual(expected);
    });
  });

  it('csv is UTF-8 with no byte-order mark and rows ending in a line feed, as README.md says', () => {
    expect(csv.startsWith('userId,')).toBe(true);
    expect(csv.includes('\r\n')).toBe(false);
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8').replace(/\s+/g, ' ');
    expect(readme).toContain('The csv is UTF-8 with no byte-order mark, each row ending in a line feed');
  });

  it('the table shows every json session, in order, each cell the value escaped and cut, columns aligned', () => {
    const lines = table.split('\n');
    const header = lines[0] as string;
    const rows = lines.slice(1, 1 + json.sessions.length);
    expect(lines[1 + json.sessions.length]).toBe('');
    // Header names are ASCII: a string index is a column. A left-aligned cell starts where its name does, a
    // right-aligned one ends where its name ends.
    const anchors = TABLE.map(([name, , right]) => {
      const at = new RegExp(`(?:^|  )${name.replace('#', '\\#')}(?:  |$)`).exec(header);
      const start = (at?.index ?? -1) + (at?.[0].startsWith(' ') ? 2 : 0);
      return right ? start + name.length : start;
    });
    rows.forEach((line, n) => {
      const session = json.sessions[n] as Json;
      let cursor = 0;
      for (const [k, [name, width, right, read]] of TABLE.entries()) {
        const cell = name === 'campaign' ? cutCell(read(session), width) : tableCell(read(session), width);
        if (cell === '') continue;
        const at = line.indexOf(cell, cursor);
        expect(at, `${name} of row ${n}: ${JSON.stringify(line)}`).toBeGreaterThanOrEqual(cursor);
        const column = columnsOf(line.slice(0, at)) + (right ? columnsOf(cell) : 0);
        expect(column, `${name} of row ${n}: ${JSON.stringify(line)}`).toBe(anchors[k]);
        cursor = at + cell.length;
      }
    });
  });
});
