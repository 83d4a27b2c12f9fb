// The faults the suite injects. A run drives one stack through scenarios in turn: each uploads new files
// (for the same users, over the same days, so they merge into what is stored) under its faults, and then
// the whole store must equal the batch over every file so far. A scenario is data: adding a fault is
// adding an entry.
import type { SessionRules } from '../../../functions/domain/rules/session-rules.js';

export interface Scenario {
  name: string;
  /** Upload new files (the final replay only replays what is there). */
  uploads: boolean;
  /** Upload the files in a shuffled order (else in file order, which is roughly time order). */
  shuffled: boolean;
  /** Extra notifications of objects already uploaded (a replay of one key, or the same bytes put again), per upload. */
  duplicates: number;
  /** SIGKILLs of the whole stack at random moments of the ingest, each followed by a restart. */
  kills: number;
  /** Share of the stack's DynamoDB calls throttled (SESSIONIZER_LOCAL_FAULTS); a change restarts the stack. */
  throttle: number;
  /**
   * New session rules for this scenario and the ones after it: the stack restarts with them and the batch
   * expects them. Only a rebuild moves what is stored to them, so set `rebuilds` too.
   */
  rules?: SessionRules;
  /** `npm run rebuild` processes to the new rules, started at once, racing each other and the ingest. */
  rebuilds: number;
  /** Once settled, enqueue every object again: the stored sessions must not change. */
  replayAll: boolean;
  /** Why the scenario cannot run yet; it is listed, reported as pending, and skipped. */
  pending?: string;
}

const UPLOAD: Omit<Scenario, 'name'> = {
  uploads: true,
  shuffled: false,
  duplicates: 0,
  kills: 0,
  throttle: 0,
  rebuilds: 0,
  replayAll: false,
};

/** In run order. */
export const SCENARIOS: readonly Scenario[] = [
  { ...UPLOAD, name: 'duplicate-notifications', duplicates: 0.6 },
  { ...UPLOAD, name: 'out-of-order', shuffled: true },
  { ...UPLOAD, name: 'sigkill', shuffled: true, kills: 2 },
  { ...UPLOAD, name: 'throttling', shuffled: true, throttle: 0.1 },
  // The ingest runs the new rules from the start and is refused until a rebuild has begun.
  {
    ...UPLOAD,
    name: 'rebuild-race',
    shuffled: true,
    throttle: 0.1,
    rules: { gapMinutes: 20, gapMinutesByPlatform: {}, maxSessionMinutes: 60, identityStitching: false },
    rebuilds: 2,
  },
  // Still throttled, so the replay meets the same faults without a restart in between.
  { ...UPLOAD, name: 'replay-all', uploads: false, throttle: 0.1, replayAll: true },
  {
    name: 'combined',
    uploads: true,
    shuffled: true,
    duplicates: 0.4,
    kills: 3,
    throttle: 0.05,
    rebuilds: 0,
    replayAll: true,
  },
];

/** What CI runs: every single fault once; `combined` is the soak's. */
export const CI_SCENARIOS: readonly string[] = SCENARIOS.map((scenario) => scenario.name).filter(
  (name) => name !== 'combined',
);

export function scenarioNamed(name: string): Scenario {
  const scenario = SCENARIOS.find((candidate) => candidate.name === name);
  if (scenario === undefined) {
    throw new Error(
      `no fault scenario ${JSON.stringify(name)}; there are ${SCENARIOS.map((s) => s.name).join(', ')}`,
    );
  }
  return scenario;
}
