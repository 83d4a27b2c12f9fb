// `npm run upload` says up front which files the ingest will not read, by the ingest's own rule, rather than
// store them silently and leave the reason to the stack's log. No stack runs: the notes come before any request.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runUpload } from '../../helpers/upload-command.js';

const scratch = mkdtempSync(join(tmpdir(), 'sessionizer-upload-notes-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const upload = (args: string[]) => runUpload(scratch, args);

it('names files the ingest skips by name, and why, before reaching any stack', async () => {
  for (const name of ['manifest.json', '_SUCCESS', 'events.ndjson']) writeFileSync(join(scratch, name), '');
  const result = await upload(['manifest.json', '_SUCCESS', 'events.ndjson']);
  expect(result.stderr).toContain(
    'upload: note: incoming/manifest.json is stored but not ingested: an export manifest, not an export',
  );
  expect(result.stderr).toContain(
    'upload: note: incoming/_SUCCESS is stored but not ingested: a job completion marker, not an export',
  );
  expect(result.stderr).not.toContain('events.ndjson is stored');
  expect(result.stderr).toContain('the local stack is not running');
  expect(result.status).toBe(1);
}, 30_000);

it('still names a key under no source prefix, with the prefixes', async () => {
  writeFileSync(join(scratch, 'a.ndjson'), '');
  const result = await upload(['--prefix', 'elsewhere/', 'a.ndjson']);
  expect(result.stderr).toContain(
    'upload: note: elsewhere/a.ndjson is stored but not ingested: not under any source prefix (incoming/, segment-logs/, rudder-logs/)',
  );
  expect(result.status).toBe(1);
}, 30_000);
