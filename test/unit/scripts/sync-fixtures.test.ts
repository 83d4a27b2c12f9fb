import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const SCRIPT = 'scripts/sync-fixtures.mjs';
const scratch: string[] = [];

/** Runs the script against `shared` as the shared data folder. */
function run(shared: string, ...args: string[]) {
  return spawnSync(process.execPath, [SCRIPT, ...args], {
    encoding: 'utf8',
    env: { ...process.env, SESSIONIZER_SHARED_DATA: shared },
  });
}

/** A shared data folder holding what test/fixtures holds, JSON written compactly as the shared data is. */
function sharedCopy(): string {
  const shared = mkdtempSync(join(tmpdir(), 'sessionizer-shared-'));
  scratch.push(shared);
  cpSync('test/fixtures', shared, { recursive: true });
  const caseFile = join(shared, 'conformance/gap-boundary/case.json');
  writeFileSync(caseFile, JSON.stringify(JSON.parse(readFileSync(caseFile, 'utf8'))));
  return shared;
}

afterEach(() => {
  for (const folder of scratch.splice(0)) rmSync(folder, { recursive: true, force: true });
});

describe('npm run fixtures:sync -- --check', () => {
  it('finds no difference where only the formatting of JSON differs', () => {
    const result = run(sharedCopy(), '--check');
    expect(result.stdout).toContain('test/fixtures/ holds the cases of');
    expect(result.status).toBe(0);
  });

  it('lists changed, new and removed files and exits 1, writing nothing', () => {
    const shared = sharedCopy();
    writeFileSync(join(shared, 'conformance/bom/expected.json'), '{"sessions":[]}');
    writeFileSync(join(shared, 'conformance/bom/extra.ndjson'), '{}\n');
    rmSync(join(shared, 'conformance/cap-bot/bot.ndjson'));

    const result = run(shared, '--check');

    expect(result.status).toBe(1);
    expect(result.stdout).toContain('3 file(s) differ');
    for (const path of [
      'conformance/bom/expected.json',
      'conformance/bom/extra.ndjson',
      'conformance/cap-bot/bot.ndjson',
    ])
      expect(result.stdout).toContain(path);
    expect(spawnSync('git', ['status', '--porcelain', 'test/fixtures'], { encoding: 'utf8' }).stdout).toBe(
      '',
    );
  });

  it('says what it takes on --help and refuses an unknown option', () => {
    expect(run('/nowhere', '--help').stdout).toContain('Usage: npm run fixtures:sync');
    const wrong = run('/nowhere', '--force');
    expect(wrong.status).toBe(2);
    // The error alone, then where the help is, as every command's: the whole help would scroll it away.
    expect(wrong.stderr).toBe(
      `fixtures:sync: unknown option "--force"\nTry 'npm run fixtures:sync -- --help' for the options.\n`,
    );
    // What the terminal would act on or hide is shown as its escape.
    expect(run('/nowhere', '--a\tb\u202e').stderr.split('\n')[0]).toBe(
      'fixtures:sync: unknown option "--a\\tb\\u202e"',
    );
  });

  it('changes nothing without the shared folder', () => {
    const result = run('/nowhere', '--check');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('does not exist');
  });
});
