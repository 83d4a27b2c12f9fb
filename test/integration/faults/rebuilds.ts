// Rebuilds racing the ingest: `npm run rebuild` started as a user starts it, several at once, all to the
// same rules the stack now ingests under, against the running stack's DynamoDB Local. A rebuild whose
// finish found users still cut under the old rules says to start it again; so does the runner here.
import type { SessionRules } from '../../../functions/domain/rules/session-rules.js';
import { ROOT, runScript } from '../../helpers/local-servers.js';
import type { SeededRandom } from './seeded-random.js';

/** `npm run rebuild` (and `npm start`) read the rules from these variables. */
export function rulesEnv(rules: SessionRules): Record<string, string> {
  return {
    SESSION_GAP_MINUTES: String(rules.gapMinutes),
    SESSION_GAP_MINUTES_BY_PLATFORM:
      Object.keys(rules.gapMinutesByPlatform).length === 0 ? '' : JSON.stringify(rules.gapMinutesByPlatform),
    SESSION_MAX_MINUTES: rules.maxSessionMinutes === undefined ? '' : String(rules.maxSessionMinutes),
    IDENTITY_STITCHING: String(rules.identityStitching),
  };
}

/** A finish that counted users left is to be started again. */
const USERS_LEFT = /still cut under the old rules/;
/** Begun after another rebuild to the same rules had finished: nothing left to do, which is fine. */
const NOTHING_TO_DO = /already cut under these rules/;
const MAX_ATTEMPTS = 3;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface RebuildsDone {
  /** `npm run rebuild` processes run, restarts included. */
  runs: number;
}

/**
 * Starts `count` rebuilds to `rules`, each after a random delay of up to `spreadMs` so that they overlap
 * the uploads and each other, and resolves once each has finished. The stack must run on `dataDir` for
 * the whole time (a rebuild without a running stack would start its own DynamoDB Local and take the lock).
 */
export async function raceRebuilds(
  dataDir: string,
  rules: SessionRules,
  count: number,
  random: SeededRandom,
  spreadMs: number,
): Promise<RebuildsDone> {
  const env = { ...rulesEnv(rules), SESSIONIZER_DATA_DIR: dataDir };
  const delays = Array.from({ length: count }, () => random.between(0, spreadMs));
  let runs = 0;
  await Promise.all(
    delays.map(async (delay, index) => {
      await sleep(delay);
      for (let attempt = 1; ; attempt++) {
        runs++;
        const result = await runScript('rebuild', ['--segments', '2'], ROOT, env);
        const output = `${result.stdout}${result.stderr}`;
        if (NOTHING_TO_DO.test(output)) return;
        if (result.status === 0) {
          // Against the running stack, it says that one ingests under the new rules, not to start one.
          if (!output.includes('The running stack (pid ')) {
            throw new Error(`rebuild ${index + 1} did not name the running stack:\n${output}`);
          }
          return;
        }
        if (!USERS_LEFT.test(output) || attempt >= MAX_ATTEMPTS) {
          throw new Error(`rebuild ${index + 1} (attempt ${attempt}) exited ${result.status}:\n${output}`);
        }
      }
    }),
  );
  return { runs };
}
