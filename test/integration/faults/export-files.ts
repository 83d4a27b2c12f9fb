// The fault suite's input: export files cut from one seeded stream of generated events (bench/generator/),
// so that sessions straddle files, later files carry earlier events, events repeat across files (some
// with another timestamp under the same messageId, where the earliest copy wins), and some lines are
// rejected.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { generateEvents, type SegmentEvent } from '../../../bench/generator/generate.js';
import type { SeededRandom } from './seeded-random.js';

export interface ExportShape {
  /** Generated events, before copies and bad lines are added. */
  events: number;
  files: number;
  users: number;
  /** The window sessions start in. */
  days: number;
}

export interface ExportFile {
  /** The file name, also the last part of its S3 key. */
  name: string;
  path: string;
}

export interface GeneratedExports {
  files: ExportFile[];
  /** Lines written, bad ones and copies included. */
  lines: number;
  /** Lines written to be rejected. */
  badLines: number;
}

/** Share of events moved into a later file than their neighbours'. */
const MOVED_LATER = 0.03;
/** Share of events copied into another file; a third of those copies get another timestamp. */
const COPIED = 0.03;
const RETIMED_COPIES = 1 / 3;
const GZIPPED_FILES = 1 / 3;

/** Lines the rules reject (rule 4), each for another reason. */
const BAD_LINES = [
  '{"type":"track","event":"Cut off","userId":"user_000001","timestamp":"2024-01-0',
  '{"type":"track","event":"Nobody","timestamp":"2024-01-01T10:00:00Z"}',
  '{"type":"purchase","userId":"user_000002","timestamp":"2024-01-01T10:00:00Z"}',
  '{"type":"track","event":"When","userId":"user_000003","timestamp":"yesterday"}',
  '["not", "an", "object"]',
];

/** `at` positions in [1, length), distinct and ascending: where a stream of `length` items is cut. */
function cutPoints(random: SeededRandom, length: number, pieces: number): number[] {
  const cuts = new Set<number>();
  while (cuts.size < Math.min(pieces - 1, length - 1)) cuts.add(random.between(1, length - 1));
  return [...cuts].sort((a, b) => a - b);
}

/** The same instant a few seconds to two minutes off, so the copies disagree on which one is earliest. */
function retimed(random: SeededRandom, event: SegmentEvent): SegmentEvent {
  const copy = structuredClone(event);
  const shiftMs = (random.chance(0.5) ? -1 : 1) * random.between(1_000, 120_000);
  copy.timestamp = new Date(Date.parse(String(event.timestamp)) + shiftMs).toISOString();
  return copy;
}

/**
 * Writes the files into `dir` as `<namePrefix>-<n>.ndjson[.gz]` and describes them; the same seed writes
 * the same bytes.
 */
export function writeExportFiles(
  dir: string,
  shape: ExportShape,
  random: SeededRandom,
  namePrefix: string,
): GeneratedExports {
  const events = [
    ...generateEvents({
      events: shape.events,
      seed: random.int(2 ** 31),
      users: shape.users,
      days: shape.days,
      lateShare: 0.02,
      duplicateShare: 0.01,
      noMessageIdShare: 0.02,
    }),
  ];
  const buckets: string[][] = Array.from({ length: shape.files }, () => []);
  const bounds = [0, ...cutPoints(random, events.length, shape.files), events.length];
  for (let file = 0; file < shape.files; file++) {
    for (let at = bounds[file] ?? 0; at < (bounds[file + 1] ?? 0); at++) {
      const event = events[at] as SegmentEvent;
      const target = random.chance(MOVED_LATER) ? random.between(file, shape.files - 1) : file;
      (buckets[target] as string[]).push(JSON.stringify(event));
      if (random.chance(COPIED)) {
        const copy =
          typeof event.messageId === 'string' && random.chance(RETIMED_COPIES)
            ? retimed(random, event)
            : event;
        (buckets[random.int(shape.files)] as string[]).push(JSON.stringify(copy));
      }
    }
  }
  let badLines = 0;
  for (const lines of buckets) {
    for (let bad = random.int(3); bad > 0; bad--) {
      lines.splice(random.int(lines.length + 1), 0, random.pick(BAD_LINES));
      badLines++;
    }
  }

  const width = String(shape.files - 1).length;
  const files = buckets.map((lines, index) => {
    const gzipped = random.chance(GZIPPED_FILES);
    const name = `${namePrefix}-${String(index).padStart(width, '0')}.ndjson${gzipped ? '.gz' : ''}`;
    const path = join(dir, name);
    const text = `${lines.join('\n')}\n`;
    writeFileSync(path, gzipped ? gzipSync(text) : text);
    return { name, path };
  });
  return { files, lines: buckets.reduce((sum, lines) => sum + lines.length, 0), badLines };
}
