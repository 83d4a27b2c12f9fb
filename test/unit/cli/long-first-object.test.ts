import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCliBuilt, runCli } from '../../helpers/built-cli.js';
import { LONG_FIRST_OBJECT_EXPORT, longFirstObjectRejections } from '../../helpers/long-first-object.js';

describe('sessionize, a first object too long to hold', () => {
  let dir: string;

  beforeAll(async () => {
    await ensureCliBuilt();
    dir = mkdtempSync(join(tmpdir(), 'sessionize-long-first-'));
    writeFileSync(join(dir, 'long-first.ndjson'), LONG_FIRST_OBJECT_EXPORT);
  }, 120_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the file in the format that object shows, as the ingest does, and rejects it', async () => {
    const run = await runCli(['--format', 'json', 'long-first.ndjson'], { cwd: dir });

    const output = JSON.parse(run.stdout) as {
      sessions: { userId: string; eventCount: number }[];
      rejected: object[];
      files: object[];
    };
    expect(output.files).toEqual([
      expect.objectContaining({ format: 'mixpanel', records: 3, accepted: 1, rejected: 2 }),
    ]);
    expect(output.rejected).toEqual(longFirstObjectRejections('long-first.ndjson'));
    expect(output.sessions.map(({ userId, eventCount }) => [userId, eventCount])).toEqual([['ann', 1]]);
  });
});
