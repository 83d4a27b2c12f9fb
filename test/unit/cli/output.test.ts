import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeHtml } from '../../../cli/report/html.js';
import { REPORT_CSP } from '../../../cli/report/render.js';
import { ensureCliBuilt, hasRawControl, runCli } from '../../helpers/built-cli.js';

const track = (fields: Record<string, unknown>) =>
  JSON.stringify({ type: 'track', event: 'Clicked', timestamp: '2024-01-01T09:00:00Z', ...fields });

const ESC = '\u001b';

describe('sessionize output', () => {
  let dir: string;

  beforeAll(async () => {
    await ensureCliBuilt();
    dir = mkdtempSync(join(tmpdir(), 'sessionize-output-'));
    const write = (name: string, lines: string[]) => writeFileSync(join(dir, name), `${lines.join('\n')}\n`);
    write('a.ndjson', [
      track({ userId: 'u-1', messageId: 'm-1' }),
      track({ userId: 'u-1', messageId: 'm-2' }),
    ]);
    write('b.ndjson', [
      track({ userId: 'u-1', messageId: 'm-1' }),
      track({ userId: 'u-2', messageId: 'm-3' }),
    ]);
    write('odd.ndjson', [
      track({ userId: `${ESC}[2J${ESC}]0;owned\u0007`, event: `NUL\u0000 and C1 \u009b31m` }),
      track({ userId: 'nl', event: 'two\nlines' }),
      track({ userId: 'u'.repeat(500), event: 'e'.repeat(2000) }),
      track({ userId: 'x'.repeat(5000) }),
      track({ userId: { id: 1 } }),
      `${ESC}[31mnot json${ESC}[0m`,
    ]);
    write('formulas.ndjson', [
      track({ userId: '=HYPERLINK("http://evil.example","x")', messageId: '1' }),
      track({ userId: '+1', messageId: '2' }),
      track({ userId: '-1', messageId: '3' }),
      track({ userId: '@SUM(A1)', messageId: '4', event: '=1+1' }),
      track({ userId: 'plain', messageId: '5', event: 'a,"b"' }),
    ]);
    writeFileSync(join(dir, `name${ESC}[31m.ndjson`), `${track({ userId: 'u-9' })}\n`);
    const campaign = (userId: string, campaign: Record<string, unknown>) =>
      track({ userId, type: 'page', context: { campaign } });
    write('campaigns.ndjson', [
      campaign('c-1', { source: '', medium: 'email' }),
      campaign('c-2', { medium: 'email' }),
      campaign('c-3', { source: 'news', medium: 'email' }),
      campaign('c-4', { source: 'news' }),
      campaign('c-5', { source: ' ' }),
      track({ userId: 'c-6', type: 'page', properties: { url: 'https://x/?utm_source=&utm_medium=cpc' } }),
    ]);
    // 1e400 is JSON that parses to Infinity, which JSON.stringify (and every output) writes as null.
    writeFileSync(
      join(dir, 'infinite.ndjson'),
      '{"type":"page","userId":"inf","timestamp":"2024-01-01T09:00:00Z","properties":{"path":1e400,"url":-1e400},' +
        '"context":{"page":{"path":"/from-context"},"campaign":{"source":1e400,"medium":"email"}}}\n',
    );
    writeFileSync(
      join(dir, 'export.zip'),
      zipSync({
        'README.txt': Buffer.from('export notes\nsecond line\n'),
        'events.ndjson': Buffer.from(`${track({ userId: 'u-1', messageId: 'z-1' })}\n`),
      }),
    );
  }, 120_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports distinct events and duplicates separately', async () => {
    const table = await runCli(['a.ndjson', 'b.ndjson'], { cwd: dir });
    expect(table.stdout).toContain(
      '2 sessions of 2 users from 3 distinct events (4 accepted, 1 duplicate) in 2 files; 0 rejected.\n',
    );
    const json = JSON.parse(
      (await runCli(['--format', 'json', 'a.ndjson', 'b.ndjson'], { cwd: dir })).stdout,
    );
    expect(json.summary).toEqual({
      files: 2,
      records: 4,
      accepted: 4,
      distinct: 3,
      duplicates: 1,
      rejected: 0,
      sessions: 2,
      users: 2,
    });
  });

  it('counts no records for a skipped ZIP member, in its file entry and in the run', async () => {
    const json = JSON.parse((await runCli(['--format', 'json', 'export.zip'], { cwd: dir })).stdout);
    expect(json.files).toEqual([
      expect.objectContaining({ file: 'export.zip!README.txt', skipped: expect.any(String), records: 0 }),
      expect.objectContaining({ file: 'export.zip!events.ndjson', records: 1, accepted: 1 }),
    ]);
    // One file read, as the text says: the skipped member is listed in `files`, not counted in the summary.
    expect(json.summary).toMatchObject({ files: 1, records: 1, accepted: 1, rejected: 0 });
    // The archive given is one file, read as the one member that was read: the skipped one is listed apart.
    const table = await runCli(['export.zip'], { cwd: dir });
    expect(table.stdout).toContain(' in 1 file (a ZIP archive read as its 1 member); 0 rejected.\n');
    // Its lines were never events, so a named format cannot have rejected them all.
    const named = await runCli(['--input-format', 'segment', 'export.zip'], { cwd: dir });
    expect(named.stderr).not.toContain('every record was rejected');
  });

  it('says on stderr which ZIP members were skipped where the output lists no files (csv, html)', async () => {
    const skipped = 'sessionize: export.zip!README.txt: skipped, holds no events of any export format\n';
    for (const format of ['csv', 'html']) {
      const run = await runCli(['--format', format, 'export.zip'], { cwd: dir });
      expect(run.stderr).toBe(skipped);
      expect(run.code).toBe(0);
    }
    // The table's summary and the json's files name it already.
    for (const format of ['table', 'json']) {
      expect((await runCli(['--format', format, 'export.zip'], { cwd: dir })).stderr).toBe('');
    }
    // A folder's entry, as zip -r writes one, holds nothing to miss.
    writeFileSync(
      join(dir, 'folders.zip'),
      zipSync({
        'day/': new Uint8Array(0),
        'day/events.ndjson': Buffer.from(`${track({ userId: 'u-1' })}\n`),
      }),
    );
    const folders = await runCli(['--format', 'csv', 'folders.zip'], { cwd: dir });
    expect(folders.stdout).toContain('\nu-1,1,');
    expect(folders.stderr).toBe('');
  });

  it('names the element of a JSON array a rejection is, beside its line', async () => {
    const elements = [track({ userId: 'u-1' }), track({ userId: 'u-1', type: 'x' }), track({})];
    writeFileSync(join(dir, 'minified.json'), `[${elements.join(',')}]`);
    const table = await runCli(['minified.json'], { cwd: dir });
    expect(table.stdout).toContain('  minified.json:1 (element 2): unknown type "x"');
    expect(table.stdout).toMatch(/ {2}minified\.json:1 \(element 3\): no identity/);
  });

  it.each(['table', 'json', 'csv', 'html'])('never writes control characters raw (%s)', async (format) => {
    const run = await runCli(
      ['--format', format, 'odd.ndjson', `name${ESC}[31m.ndjson`, `gone${ESC}.ndjson`],
      {
        cwd: dir,
      },
    );
    expect(hasRawControl(run.rawStdout)).toBe(false);
    expect(hasRawControl(run.rawStderr)).toBe(false);
    expect(run.stderr).toContain('sessionize: gone\\x1b.ndjson: no such file');
  });

  it('keeps the data exact in JSON, control characters escaped the JSON way', async () => {
    const run = await runCli(['--format', 'json', 'odd.ndjson'], { cwd: dir });
    const users = (JSON.parse(run.stdout) as { sessions: { userId: string }[] }).sessions.map(
      (s) => s.userId,
    );
    expect(users).toContain(`${ESC}[2J${ESC}]0;owned\u0007`);
  });

  it('names the field and its type when a userId is of the wrong type', async () => {
    const run = await runCli(['odd.ndjson'], { cwd: dir });
    expect(run.stdout).toContain(
      'odd.ndjson:5: no identity: userId is an object (expected a string or number); anonymousId is missing or empty\n',
    );
  });

  it('keeps the table readable: long ids and names cut, newlines and escapes shown', async () => {
    const run = await runCli(['odd.ndjson'], { cwd: dir });
    const lines = run.stdout.split('\n');
    expect(lines.find((line) => line.startsWith('nl '))).toContain('two\\nlines');
    const long = lines.find((line) => line.startsWith('uuu'));
    expect(long).toMatch(/^u{39}… /);
    expect(long).toContain(`${'e'.repeat(23)}…`);
    expect(lines.find((line) => line.startsWith('\\x1b[2J'))).toContain('NUL\\x00 and C1 \\x9b31m');
    expect(run.stdout).toContain('odd.ndjson:4: userId too long (5000 bytes of UTF-8; at most 512)\n');
    expect(run.stdout).not.toContain('x'.repeat(100));
    expect(Math.max(...lines.map((line) => line.length))).toBeLessThan(400);
  });

  it('guards CSV cells a spreadsheet would run as formulas and quotes the rest as CSV does', async () => {
    const run = await runCli(['--format', 'csv', 'formulas.ndjson'], { cwd: dir });
    const rows = run.stdout.trim().split('\n');
    expect(rows[0]).toMatch(/^userId,sessionNumber,sessionId,startedAt,/);
    const firstCells = rows.slice(1).map((row) => row.slice(0, row.indexOf(',1,2024')));
    expect(firstCells).toEqual([
      `'+1`,
      `'-1`,
      `"'=HYPERLINK(""http://evil.example"",""x"")"`,
      `'@SUM(A1)`,
      'plain',
    ]);
    expect(rows.find((row) => row.startsWith(`'@SUM`))).toContain(`,'=1+1,'=1+1`);
    expect(rows.find((row) => row.startsWith('plain'))).toContain(',"a,""b""","a,""b"""');
  });

  it('counts in the report the campaign sources the JSON output shows, "" as no source (rule 9)', async () => {
    const json = JSON.parse((await runCli(['--format', 'json', 'campaigns.ndjson'], { cwd: dir })).stdout);
    const sources = (json.sessions as { campaign: { source: unknown } | null }[]).map(
      (session) => session.campaign?.source,
    );
    expect(sources).toEqual(['', null, 'news', 'news', ' ', '']);
    const page = (await runCli(['--format', 'html', 'campaigns.ndjson'], { cwd: dir })).stdout;
    const table = page.slice(page.indexOf('<section id="campaign-sources">'));
    const rows = [...table.matchAll(/<th scope="row" class="key">([^<]*)<\/th><td class="count">(\d+)</g)];
    expect(rows.map(([, key, count]) => [key, Number(count)])).toEqual([
      ['news', 2],
      // Quoted, so that a blank source can be seen.
      ['&quot; &quot;', 1],
    ]);
    expect(table).toContain('3 of 6 sessions have a campaign source.');
  });

  it('takes a page field or campaign member of 1e400 as absent in every output, as a non-finite id is', async () => {
    const json = JSON.parse((await runCli(['--format', 'json', 'infinite.ndjson'], { cwd: dir })).stdout);
    expect(json.sessions[0]).toMatchObject({
      entryPage: { url: null, path: '/from-context', title: null, referrer: null },
      campaign: { source: null, medium: 'email', name: null, term: null, content: null },
    });
    const rows = (await runCli(['--format', 'csv', 'infinite.ndjson'], { cwd: dir })).stdout
      .trim()
      .split('\n');
    const header = rows[0]?.split(',') ?? [];
    const cells = rows[1]?.split(',') ?? [];
    const cell = (name: string) => cells[header.indexOf(name)];
    expect([cell('entryPath'), cell('entryUrl'), cell('campaignSource'), cell('campaignMedium')]).toEqual([
      '/from-context',
      '',
      '',
      'email',
    ]);
  });

  it('says whose sessions hold the events of an anonymousId asked for on the report (rule 8)', async () => {
    writeFileSync(
      join(dir, 'stitched.ndjson'),
      `${[
        track({ anonymousId: 'anon-1', messageId: 's-1' }),
        JSON.stringify({
          type: 'identify',
          userId: 'alice',
          anonymousId: 'anon-1',
          timestamp: '2024-01-01T09:05:00Z',
        }),
      ].join('\n')}\n`,
    );
    const run = await runCli(
      ['--stitch', '--format', 'html', '--report-users', 'anon-1', 'stitched.ndjson'],
      {
        cwd: dir,
      },
    );
    const users = run.stdout.slice(run.stdout.indexOf('<section id="user-timelines">'));
    // As the API answers for it (a 307 to the user): its events are that user's, not missing from the data.
    expect(users).not.toContain('No sessions for this user in the data.');
    expect(users).toContain('<code>alice</code>');
    expect(run.stderr).toContain(
      'no sessions for "anon-1" (an anonymousId of "alice", whose sessions hold its events)',
    );
  });

  it('says which user an id asked for on the report stands for when an export sent it as a JSON number', async () => {
    // As the export writes it: digits past a double's precision, which rule 1 reads as the nearest double.
    const line = track({ userId: 'N' }).replace('"N"', '1234567890123456789');
    writeFileSync(join(dir, 'numbers.ndjson'), `${line}\n`);
    const run = await runCli(
      ['--format', 'html', '--report-users', '1234567890123456789', 'numbers.ndjson'],
      { cwd: dir },
    );
    const users = run.stdout.slice(run.stdout.indexOf('<section id="user-timelines">'));
    expect(users).toContain(
      'an id sent as a JSON number is read as JavaScript writes that number, and user <code>1234567890123456800</code> has sessions.',
    );
    expect(run.stderr).toBe(
      'sessionize: --report-users: no sessions for "1234567890123456789" (an id sent as a JSON number is read as ' +
        'JavaScript writes it: ask for "1234567890123456800", a user with sessions); the report shows them empty\n',
    );
    expect(run.code).toBe(0);
  });

  it('writes a self-contained HTML report: inline style, no script, nothing fetched', async () => {
    const run = await runCli(['--format', 'html', 'a.ndjson', 'b.ndjson'], { cwd: dir });
    const page = run.stdout;
    expect(page.startsWith('<!doctype html>')).toBe(true);
    expect(page).toContain(`<meta http-equiv="Content-Security-Policy" content="${escapeHtml(REPORT_CSP)}">`);
    expect(page).toContain('<style>');
    expect(page).not.toMatch(/<script|<link|<img|<iframe|\bsrc=|@import|url\(/i);
    expect(page).toContain('u-1');
    expect(run.code).toBe(0);
  });
});
