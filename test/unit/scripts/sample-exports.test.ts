// events/ holds the sample export in every format, derived from events/sample-export.ndjson by
// scripts/make-sample-exports.mjs: running the script again must give the committed files, byte for byte, so
// that a changed sample is regenerated whole and a run on an unchanged one leaves the tree clean.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const SCRIPT = resolve('scripts/make-sample-exports.mjs');
const DERIVED = [
  'sample-export.amplitude.zip',
  'sample-export.mixpanel.ndjson',
  'sample-export.posthog.json',
  'sample-export.segment-logs.gz',
];
const scratch: string[] = [];

afterEach(() => {
  for (const folder of scratch.splice(0)) rmSync(folder, { recursive: true, force: true });
});

describe('node scripts/make-sample-exports.mjs', () => {
  it('writes the committed sample exports, byte for byte', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sessionizer-samples-'));
    scratch.push(dir);
    mkdirSync(join(dir, 'events'));
    cpSync('events/sample-export.ndjson', join(dir, 'events/sample-export.ndjson'));

    // Another time zone than the machine's: the ZIP's member times are local times.
    const result = spawnSync(process.execPath, [SCRIPT], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, TZ: 'Pacific/Kiritimati' },
    });

    expect(result.status, result.stderr).toBe(0);
    for (const name of DERIVED) {
      const made = readFileSync(join(dir, 'events', name));
      expect(made.equals(readFileSync(join('events', name))), name).toBe(true);
    }
  });
});
