// The fault suite's input and its expected result: reproducible from the seed, and as hard as promised
// (copies across files, bad lines, gzip), with every accepted event placed in exactly one batch session.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SESSION_RULES } from '../../../functions/domain/rules/session-rules.js';
import { batchOracle } from '../../integration/faults/batch-oracle.js';
import { writeExportFiles } from '../../integration/faults/export-files.js';
import { SeededRandom } from '../../integration/faults/seeded-random.js';

const SHAPE = { events: 600, files: 8, users: 10, days: 2 };

const dirs: string[] = [];
function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'faults-files-'));
  dirs.push(dir);
  return dir;
}

/** Every file's bytes, by name. */
const contents = (dir: string) =>
  Object.fromEntries(readdirSync(dir).map((name) => [name, readFileSync(join(dir, name))]));

const text = (path: string) => {
  const bytes = readFileSync(path);
  return (path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
};

describe('writeExportFiles and batchOracle', () => {
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('writes the same bytes for the same seed, other bytes for another', () => {
    const [first, again, other] = [scratch(), scratch(), scratch()];

    writeExportFiles(first, SHAPE, new SeededRandom(5), 's1');
    writeExportFiles(again, SHAPE, new SeededRandom(5), 's1');
    writeExportFiles(other, SHAPE, new SeededRandom(6), 's1');

    expect(contents(again)).toEqual(contents(first));
    expect(contents(other)).not.toEqual(contents(first));
  });

  it('spreads copies of events over files, some gzipped, with bad lines the batch rejects', async () => {
    const dir = scratch();

    const generated = writeExportFiles(dir, SHAPE, new SeededRandom(9), 's2');
    const oracle = await batchOracle(generated.files, DEFAULT_SESSION_RULES);

    expect(generated.files.some((file) => file.name.endsWith('.ndjson.gz'))).toBe(true);
    expect(generated.files).toHaveLength(SHAPE.files);
    expect(oracle.rejected).toBe(generated.badLines);
    expect(generated.badLines).toBeGreaterThan(0);
    // Copies across files (and the generator's own duplicates) merge: fewer events than good lines.
    expect(oracle.events).toBeLessThan(generated.lines - generated.badLines);
    const filesOfMessageId = new Map<string, number>();
    for (const file of generated.files) {
      const ids = new Set(
        [...text(file.path).matchAll(/"messageId":"([^"]+)"/g)].map((match) => match[1] as string),
      );
      for (const id of ids) filesOfMessageId.set(id, (filesOfMessageId.get(id) ?? 0) + 1);
    }
    expect([...filesOfMessageId.values()].filter((files) => files > 1).length).toBeGreaterThan(0);
  });

  it('places every distinct accepted event in exactly one batch session', async () => {
    const generated = writeExportFiles(scratch(), SHAPE, new SeededRandom(3), 's3');

    const oracle = await batchOracle(generated.files, DEFAULT_SESSION_RULES);

    const sessions = [...oracle.sessionsByUser.values()].flat();
    const placed = sessions.reduce((sum, session) => sum + session.eventIds.size, 0);
    expect(placed).toBe(oracle.events);
    for (const session of sessions) expect(session.eventIds.size).toBe(session.view.eventCount);
  });

  it('refuses identity stitching, under which events would be placed by the wrong user', async () => {
    const generated = writeExportFiles(
      scratch(),
      { ...SHAPE, events: 50, files: 2 },
      new SeededRandom(1),
      's4',
    );

    await expect(
      batchOracle(generated.files, { ...DEFAULT_SESSION_RULES, identityStitching: true }),
    ).rejects.toThrow('no stitching');
  });
});
