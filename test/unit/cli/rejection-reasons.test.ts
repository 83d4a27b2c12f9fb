import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCliBuilt, hasRawControl, runCli } from '../../helpers/built-cli.js';

const ESC = '\u001b';
const AT = '2024-01-01T09:00:00Z';

/** A reason quotes a sent value as JSON text: each output escapes it once more only in its own way. */
describe('rejection reasons in the CLI output', () => {
  let dir: string;

  beforeAll(async () => {
    await ensureCliBuilt();
    dir = mkdtempSync(join(tmpdir(), 'sessionize-reasons-'));
    const lines = [
      JSON.stringify({ type: 'track', userId: 'ok', timestamp: AT }),
      JSON.stringify({ type: 'tr\tack', userId: 'u', timestamp: AT }),
      JSON.stringify({ type: 'a\\b', userId: 'u', timestamp: AT }),
      JSON.stringify({ type: `e${ESC}[31m`, userId: 'u', timestamp: AT }),
      JSON.stringify({ type: 'page', userId: 'u', timestamp: '\u202ex\\' }),
      // Not JSON, so JSON.parse's message quotes the line: a backslash and an ESC as sent.
      'x\\x1b',
      `x${ESC}`,
    ];
    writeFileSync(join(dir, 'r.ndjson'), `${lines.join('\n')}\n`);
    const long = ['\t', '😀', '\\'].map((char) =>
      JSON.stringify({ type: `${'a'.repeat(55)}${char}${'b'.repeat(10)}`, userId: 'u', timestamp: AT }),
    );
    writeFileSync(join(dir, 'long.ndjson'), `${long.join('\n')}\n`);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('shows each sent value in the table escaped once', async () => {
    const run = await runCli(['r.ndjson'], { cwd: dir });
    expect(hasRawControl(run.rawStdout)).toBe(false);
    expect(run.stdout).toContain('r.ndjson:2: unknown type "tr\\tack" (expected');
    expect(run.stdout).toContain('r.ndjson:3: unknown type "a\\\\b" (expected');
    expect(run.stdout).toContain('r.ndjson:4: unknown type "e\\u001b[31m" (expected');
    expect(run.stdout).toContain('r.ndjson:5: unparsable timestamp "\\u202ex\\\\" (expected');
    expect(run.stdout).toContain(
      `r.ndjson:6: invalid JSON: Unexpected token 'x', "x\\\\x1b" is not valid JSON`,
    );
    expect(run.stdout).toContain(
      `r.ndjson:7: invalid JSON: Unexpected token 'x', "x\\u001b" is not valid JSON`,
    );
  });

  it('keeps the JSON output quoting sent text as JSON text, a line that is not JSON too', async () => {
    const run = await runCli(['--format', 'json', 'r.ndjson'], { cwd: dir });
    const reasons = (JSON.parse(run.stdout) as { rejected: { reason: string }[] }).rejected.map(
      (rejection) => rejection.reason,
    );
    expect(reasons[0]).toMatch(/^unknown type "tr\\tack" \(/);
    expect(reasons[1]).toMatch(/^unknown type "a\\\\b" \(/);
    expect(reasons[3]).toMatch(/^unparsable timestamp "\u202ex\\\\" \(/);
    expect(reasons[4]).toBe(`invalid JSON: Unexpected token 'x', "x\\\\x1b" is not valid JSON`);
    expect(reasons[5]).toBe(`invalid JSON: Unexpected token 'x', "x\\u001b" is not valid JSON`);
  });

  it('cuts a long value before an escape or a surrogate pair, never inside one', async () => {
    const run = await runCli(['--format', 'json', 'long.ndjson'], { cwd: dir });
    const reasons = (JSON.parse(run.stdout) as { rejected: { reason: string }[] }).rejected.map(
      (rejection) => rejection.reason,
    );
    const cut = `unknown type "${'a'.repeat(55)}... (expected`;
    expect(reasons.map((reason) => reason.slice(0, cut.length))).toEqual([cut, cut, cut]);
  });
});
