// The fault suite, CI size: the real local stack (`npm start`'s process, its own data dir and ports) driven
// through one scenario per fault. After each, every event the batch accepts over all files so far must be
// stored exactly once and every session must equal the batch's. Each scenario prints one line of counts;
// a failure names its seed: `SOAK_SEED=<seed> npx vitest run test/integration/faults` runs it again.
// `npm run soak` is the long version.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultRun, summaryLine } from './fault-run.js';
import { CI_SCENARIOS, scenarioNamed } from './scenarios.js';
import { ciSeed } from './settings.js';

/** Per scenario that uploads: small, so the whole file stays within about three minutes on a busy machine. */
const CI_SHAPE = { events: 400, files: 6, users: 12, days: 2 };
const SCENARIO_TIMEOUT_MS = 150_000;

describe('fault suite on the local stack', () => {
  const seed = ciSeed(process.env);
  let run: FaultRun;

  beforeAll(() => {
    console.log(`faults: seed=${seed} (re-run with SOAK_SEED=${seed})`);
    run = new FaultRun({ seed, shape: CI_SHAPE, settleTimeoutMs: 120_000 });
  });

  afterAll(async () => {
    await run?.close();
  }, 60_000);

  for (const name of CI_SCENARIOS) {
    const scenario = scenarioNamed(name);
    if (scenario.pending !== undefined) {
      it.skip(`${name}: pending, ${scenario.pending}`, () => undefined);
      continue;
    }
    it(
      `${name}: every accepted event is stored exactly once and the sessions equal the batch`,
      async () => {
        const report = await run.run(scenario);
        console.log(summaryLine(report));

        expect(report.kills, 'kills done').toBe(scenario.kills);
        if (scenario.throttle > 0) expect(report.throttled, 'DynamoDB calls throttled').toBeGreaterThan(0);
        expect(
          {
            lost: report.lost,
            duplicated: report.duplicated,
            unexpected: report.unexpected,
            sessionMismatches: report.sessionMismatches,
            changedByReplay: report.changedByReplay ?? 0,
          },
          `seed ${seed}:\n${report.examples.join('\n')}`,
        ).toEqual({ lost: 0, duplicated: 0, unexpected: 0, sessionMismatches: 0, changedByReplay: 0 });
      },
      SCENARIO_TIMEOUT_MS,
    );
  }
});
