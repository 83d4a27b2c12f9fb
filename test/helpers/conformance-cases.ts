import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The vendored conformance cases and seed example (`npm run fixtures:sync` refreshes them). */
export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** The fields of a session that expected.json pins down. */
export interface ExpectedSession {
  userId: string;
  sessionNumber: number;
  startedAt: string;
  endedAt: string;
  eventCount: number;
}

export interface ConformanceCase {
  name: string;
  dir: string;
  /** File names inside `dir`, in the case's order. */
  files: string[];
  gapMinutes: number;
  expected: { sessions: ExpectedSession[]; rejected: number };
}

const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));

/** Every case directory under `conformance/`, discovered rather than listed so new cases are picked up. */
export function conformanceCases(): ConformanceCase[] {
  return casesUnder('conformance');
}

/**
 * The project's own cases under `spec-edges/`, in the conformance cases' shape: edges of the specification's
 * sentences that the vendored cases do not reach (`npm run fixtures:sync` leaves them alone).
 */
export function specEdgeCases(): ConformanceCase[] {
  return casesUnder('spec-edges');
}

function casesUnder(folder: string): ConformanceCase[] {
  const root = join(FIXTURES, folder);
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => {
      const dir = join(root, entry.name);
      const { files, gapMinutes } = readJson(join(dir, 'case.json')) as {
        files: string[];
        gapMinutes: number;
      };
      const expected = readJson(join(dir, 'expected.json')) as ConformanceCase['expected'];
      return { name: entry.name, dir, files, gapMinutes, expected };
    });
}

/** The seed example as a case: one file, the default gap, nothing rejected. */
export function seedExampleCase(): ConformanceCase {
  const dir = join(FIXTURES, 'seed-example');
  return {
    name: 'seed-example',
    dir,
    files: ['events.json'],
    gapMinutes: 30,
    expected: { sessions: readJson(join(dir, 'expected-sessions.json')) as ExpectedSession[], rejected: 0 },
  };
}

/** A shuffle seeded by a name: a different order per seed, the same on every run, so failures replay. */
export function seededShuffle<T>(items: readonly T[], seed: string): T[] {
  const out = [...items];
  let state = createHash('sha256').update(seed).digest().readUInt32LE(0);
  for (let i = out.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
