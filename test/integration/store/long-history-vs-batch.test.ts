// Rule 6 on long histories: a user's partition well past the window threshold (or the threshold lowered),
// then late files that join, split or bridge sessions far back, cut capped chains, link an anonymousId's
// earlier events, resend copies at one instant with other texts, in any order, some at once.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SessionRules } from '../../../functions/domain/rules/session-rules.js';
import { compileRules } from '../../../functions/domain/rules/session-rules.js';
import { toSessionView } from '../../../functions/domain/views/session-view.js';
import { integrationParams } from '../../helpers/integration-property.js';
import { useLocalDynamoDb } from '../../helpers/use-local-dynamodb.js';
import { batchWithEvents } from './batch-with-events.js';
import { Crash, crashingClient } from './crashing-client.js';
import { rebuildReadingCopies, recordRules } from './rebuild-harness.js';
import {
  freshStore,
  type StoreUnderTest,
  storedEventsOf,
  storedSessions,
  writerOn,
} from './store-harness.js';
import {
  batch,
  deliverAll,
  everyoneOf,
  ingestFile,
  type Scenario,
  storeWriter,
} from './store-vs-batch-harness.js';

const dynamo = useLocalDynamoDb();
const MIN = 60_000;
// Six hours before a month's end: capped chains run across it, past the month a window loads ahead.
const T0 = Date.UTC(2024, 0, 31, 18, 0, 0);

const rulesArb: fc.Arbitrary<SessionRules> = fc.record({
  gapMinutes: fc.constantFrom(30, 10, 45),
  gapMinutesByPlatform: fc.constantFrom<Record<string, number>>({}, { ios: 5 }, { web: 120, ios: 3 }),
  maxSessionMinutes: fc.constantFrom(undefined, 60, 90, 240),
  identityStitching: fc.boolean(),
});

const PLATFORMS = ['ios', 'web', 'android', null] as const;

interface Late {
  kind: 'join' | 'anon' | 'link' | 'copy' | 'relink' | 'alias' | 'far';
  at: number;
  platform: (typeof PLATFORMS)[number];
  file: number;
  pick: number;
}

const lateArb = fc.record({
  kind: fc.constantFrom<Late['kind']>(
    'join',
    'join',
    'anon',
    'anon',
    'link',
    'copy',
    'copy',
    'relink',
    'alias',
    'far',
  ),
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  platform: fc.constantFrom(...PLATFORMS),
  file: fc.integer({ min: 1, max: 3 }),
  pick: fc.nat(),
});

function line(object: Record<string, unknown>): string {
  return JSON.stringify(object);
}

function build(
  history: number,
  steps: number[],
  platforms: number[],
  lates: Late[],
  order: number[],
  concurrent: boolean,
  chunkEvents: number,
): Scenario {
  const files: string[][] = [[], [], [], []];
  const times: number[] = [];
  let t = T0;
  for (let k = 0; k < history; k++) {
    t += (steps[k % steps.length] ?? 1) * MIN;
    times.push(t);
    const platform = PLATFORMS[(platforms[k % platforms.length] ?? 0) % PLATFORMS.length];
    files[0]?.push(
      line({
        type: k % 5 === 0 ? 'page' : 'track',
        event: 'Ping',
        name: 'P',
        // Some of a-1's events sent before the login: stitched to u-1 by the others, unless a link moves a-1.
        userId: k % 9 === 4 ? undefined : 'u-1',
        anonymousId: k % 3 === 0 || k % 9 === 4 ? 'a-1' : undefined,
        messageId: `h-${k}`,
        timestamp: new Date(t).toISOString(),
        properties: { k, path: `/p${k % 4}` },
        context: platform === null ? {} : { device: { type: platform } },
      }),
    );
  }
  const first = times[0] ?? T0;
  const last = times[times.length - 1] ?? T0;
  for (const [index, late] of lates.entries()) {
    const at = Math.round(first - 90 * MIN + late.at * (last - first + 180 * MIN));
    const context = late.platform === null ? {} : { device: { type: late.platform } };
    const base = { timestamp: new Date(at).toISOString(), context, properties: { late: index } };
    const target = files[late.file];
    if (late.kind === 'join')
      target?.push(line({ ...base, type: 'track', event: 'Late', userId: 'u-1', messageId: `l-${index}` }));
    else if (late.kind === 'anon')
      target?.push(
        line({
          ...base,
          type: 'page',
          name: 'Anon',
          anonymousId: `a-${2 + (late.pick % 2)}`,
          messageId: `l-${index}`,
        }),
      );
    else if (late.kind === 'link')
      target?.push(
        line({
          ...base,
          type: 'identify',
          userId: late.pick % 3 === 0 ? 'u-2' : 'u-1',
          anonymousId: `a-${1 + (late.pick % 3)}`,
          messageId: `l-${index}`,
        }),
      );
    else if (late.kind === 'alias')
      target?.push(
        line({
          ...base,
          type: 'alias',
          userId: 'u-2',
          anonymousId: `a-${1 + (late.pick % 3)}`,
          messageId: `l-${index}`,
        }),
      );
    else if (late.kind === 'copy' || late.kind === 'relink') {
      // A copy of a history event at its instant, with another text (and, relinked, another identity).
      const k = late.pick % history;
      const object = JSON.parse(files[0]?.[k] ?? '{}') as Record<string, unknown>;
      (object.properties as Record<string, unknown>).k = late.pick % 2 === 0 ? -1 : 'z';
      if (late.kind === 'relink') {
        object.anonymousId = `a-${2 + (late.pick % 2)}`;
        if (late.pick % 4 < 2) delete object.userId;
        else object.userId = 'u-1';
      }
      target?.push(line(object));
    } else {
      // An event far before or after the history (a month or a year away).
      const far =
        late.pick % 2 === 0 ? first - (30 + (late.pick % 400)) * 24 * 60 * MIN : last + 40 * 24 * 60 * MIN;
      target?.push(
        line({
          ...base,
          timestamp: new Date(far).toISOString(),
          type: 'track',
          event: 'Far',
          userId: 'u-1',
          messageId: `l-${index}`,
        }),
      );
    }
  }
  const lines = files.flat();
  return { lines, files, order, concurrent, chunkEvents };
}

const scenarioArb = (min: number, max: number) =>
  fc
    .record({
      history: fc.integer({ min, max }),
      // Minutes between the history's events: dense runs (long capped chains) or broken by gaps.
      steps: fc.oneof(
        fc.array(fc.constantFrom(1, 2, 3, 5), { minLength: 3, maxLength: 30 }),
        fc.array(fc.constantFrom(1, 2, 3, 5, 7, 11, 31, 46, 130), { minLength: 3, maxLength: 30 }),
      ),
      platforms: fc.array(fc.nat(3), { minLength: 1, maxLength: 7 }),
      lates: fc.array(lateArb, { minLength: 1, maxLength: 25 }),
      // Every late file once, some twice.
      order: fc
        .subarray([1, 2, 3])
        .chain((again) => fc.shuffledSubarray([1, 2, 3, ...again], { minLength: 3 + again.length })),
      concurrent: fc.boolean(),
      // Chunks of one or two events: each merge loads a window around them alone.
      chunkEvents: fc.constantFrom(1_000_000, 1, 2, 5),
    })
    .map(({ history, steps, platforms, lates, order, concurrent, chunkEvents }) =>
      build(history, steps, platforms, lates, [0, ...order], concurrent, chunkEvents),
    );

interface Twists {
  crash?: { at: number; afterWrites: number } | undefined;
  /** Rules the history is stored under, rebuilt to the final ones before the late files. */
  first?: SessionRules | undefined;
  /** Every file at once, the history among them. */
  together?: boolean;
}

async function check(
  rules: SessionRules,
  scenario: Scenario,
  wholePartitionEvents?: number,
  twists: Twists = {},
) {
  const options = wholePartitionEvents === undefined ? {} : { wholePartitionEvents };
  let store: StoreUnderTest = await freshStore(dynamo.client, twists.first ?? rules);
  const bucket = new Map<string, Uint8Array>();
  // The history first, whole (or, together, beside the late files), then the late files in their order.
  if (twists.together === true) {
    await deliverAll(store, storeWriter(store, options), bucket, { ...scenario, concurrent: true });
  } else
    await deliverAll(store, storeWriter(store, options), bucket, {
      ...scenario,
      order: [0],
      concurrent: false,
    });
  if (twists.first !== undefined) {
    await recordRules(store);
    store = await rebuildReadingCopies(store, compileRules(rules), bucket, { endpoint: dynamo.endpoint });
  }
  const writer = storeWriter(store, options);
  const { crash } = twists;
  if (crash !== undefined) {
    const dying = scenario.order[1 + (crash.at % (scenario.order.length - 1))] ?? 1;
    const crashing = writerOn(store, crashingClient(dynamo.endpoint, crash.afterWrites), {
      pageLimitBytes: 600,
      ...options,
    });
    await ingestFile(store, crashing, bucket, scenario, dying).catch((error: unknown) => {
      if (!(error instanceof Crash) && !String(error).includes('simulated crash')) throw error;
    });
  }
  await deliverAll(store, writer, bucket, { ...scenario, order: scenario.order.slice(1) });
  const expected = (await batch(scenario, rules)).map(toSessionView);
  const users = everyoneOf(scenario);
  const stored = (await storedSessions(store, users, 'asc', 50)).map(toSessionView);
  expect(stored).toEqual(expected);
  const withEvents = await batchWithEvents(scenario, rules);
  for (const user of users) {
    // Each session's events through the session reads, as a timeline pages them.
    const events = (await storedEventsOf(store, user, { sessionPageSize: 50, eventPageSize: 37 })).map(
      ({ id, timestamp, anonymousId, type }) => ({ id, timestamp, anonymousId, type }),
    );
    expect({ user, events }).toEqual({
      user,
      events: withEvents
        .filter((session) => session.summary.userId === user)
        .flatMap((session) => session.events),
    });
    const mine = expected.filter((session) => session.userId === user);
    const summary = await store.reader.getUserSummary(user);
    expect({
      user,
      sessions: summary?.sessionCount ?? 0,
      events: summary?.eventCount ?? 0,
      first: summary?.firstSeenAt,
      last: summary?.lastSeenAt,
    }).toEqual({
      user,
      sessions: mine.length,
      events: mine.reduce((sum, session) => sum + session.eventCount, 0),
      first:
        mine.length === 0 ? undefined : Math.min(...mine.map((session) => Date.parse(session.startedAt))),
      last: mine.length === 0 ? undefined : Math.max(...mine.map((session) => Date.parse(session.endedAt))),
    });
  }
}

describe('long histories against the batch', () => {
  it('windowed merges (threshold lowered) hold the batch', async () => {
    await fc.assert(
      fc.asyncProperty(
        rulesArb,
        scenarioArb(40, 200),
        fc.constantFrom(0, 5, 30),
        async (rules, scenario, whole) => {
          await check(rules, scenario, whole);
        },
      ),
      integrationParams(8),
    );
  }, 1_200_000);

  it('windowed merges beside the ingest of the history hold the batch', async () => {
    await fc.assert(
      fc.asyncProperty(
        rulesArb,
        scenarioArb(40, 200),
        fc.constantFrom(0, 5, 30),
        async (rules, scenario, whole) => {
          await check(rules, scenario, whole, { together: true });
        },
      ),
      integrationParams(6),
    );
  }, 1_200_000);

  it('windowed merges after a crash hold the batch', async () => {
    await fc.assert(
      fc.asyncProperty(
        rulesArb,
        scenarioArb(40, 200),
        fc.constantFrom(0, 5, 30),
        fc.record({ at: fc.nat(), afterWrites: fc.integer({ min: 0, max: 30 }) }),
        async (rules, scenario, whole, crash) => {
          await check(rules, scenario, whole, { crash });
        },
      ),
      integrationParams(6),
    );
  }, 1_200_000);

  it('windowed merges after a rebuild from other rules hold the batch', async () => {
    await fc.assert(
      fc.asyncProperty(
        rulesArb,
        rulesArb,
        scenarioArb(40, 200),
        fc.constantFrom(0, 5, 30),
        async (first, rules, scenario, whole) => {
          fc.pre(compileRules(first).fingerprint !== compileRules(rules).fingerprint);
          await check(rules, scenario, whole, { first });
        },
      ),
      integrationParams(6),
    );
  }, 1_200_000);

  it('partitions past 1,000 events hold the batch', async () => {
    await fc.assert(
      fc.asyncProperty(rulesArb, scenarioArb(1_050, 1_400), async (rules, scenario) => {
        await check(rules, scenario);
      }),
      integrationParams(1),
    );
  }, 1_200_000);
});
