import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventRecord } from '../../../functions/domain/event.js';
import { readEvents } from '../../../functions/domain/read-events.js';
import { summarizeSession, toSessionView } from '../../../functions/domain/session-view.js';
import { minutesToMs, sessionize } from '../../../functions/domain/sessionize.js';
import {
  type ConformanceCase,
  conformanceCases,
  pickExpected,
  seedExampleCase,
} from '../../helpers/conformance-cases.js';

/** Beyond this many files, a few random orders stand in for all of them. */
const MAX_FILES_FOR_ALL_ORDERS = 4;
const RANDOM_ORDERS = 3;

/** The core API end to end: every file through readEvents into one event list, then one sessionize. */
async function run(testCase: ConformanceCase, files: readonly string[]) {
  const events: EventRecord[] = [];
  let rejected = 0;
  for (const file of files) {
    await readEvents(file, createReadStream(join(testCase.dir, file)), {
      event: (record) => events.push(record),
      rejected: () => rejected++,
    });
  }
  const sessions = sessionize(events, minutesToMs(testCase.gapMinutes))
    .map((session) => toSessionView(summarizeSession(session)))
    .map(pickExpected);
  return { sessions, rejected };
}

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

function otherOrders(files: readonly string[], caseName: string): string[][] {
  if (files.length <= MAX_FILES_FOR_ALL_ORDERS) return permutations(files).slice(1);
  // Seeded by the case name, so a failure replays the same orders.
  const seed = [...caseName].reduce((hash, char) => (hash * 31 + (char.codePointAt(0) ?? 0)) | 0, 7);
  return fc.sample(fc.shuffledSubarray([...files], { minLength: files.length }), {
    numRuns: RANDOM_ORDERS,
    seed,
  });
}

const CASES = [...conformanceCases(), seedExampleCase()];

describe('conformance cases through readEvents + sessionize', () => {
  it('finds the shared conformance cases', () => {
    expect(CASES.length).toBeGreaterThan(10);
    expect(CASES.map((testCase) => testCase.name)).toContain('gap-boundary');
  });

  it.each(CASES.map((testCase) => [testCase.name, testCase] as const))(
    '%s gives the expected sessions and rejected count',
    async (_name, testCase) => {
      const result = await run(testCase, testCase.files);

      expect(result).toEqual(testCase.expected);
    },
  );

  it.each(
    CASES.filter((testCase) => testCase.files.length > 1).map(
      (testCase) => [testCase.name, testCase] as const,
    ),
  )('%s gives the same result in any file order', async (_name, testCase) => {
    const orders = otherOrders(testCase.files, testCase.name);

    const results = [];
    for (const order of orders) results.push({ order, result: await run(testCase, order) });

    expect(orders.length).toBeGreaterThan(0);
    for (const { order, result } of results)
      expect(result, `order ${order.join(', ')}`).toEqual(testCase.expected);
  });
});
