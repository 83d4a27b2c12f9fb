// The conformance and spec-edge cases through a rebuild: each case's files ingested under other rules (another
// gap, a cap, stitching the other way), the table rebuilt to the case's rules as the state machine does (tied
// copies read again from the bucket), then the files delivered once more. The stored sessions must be the
// case's expected.json, as for an ingest under the case's rules from the start (ingest.test.ts).
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileRules, type SessionRules } from '../../../functions/domain/rules/session-rules.js';
import { caseOptions, caseRules, expectedOutcome } from '../../helpers/case-options.js';
import { type ConformanceCase, conformanceCases, specEdgeCases } from '../../helpers/conformance-cases.js';
import { asExpectedSessions } from '../../helpers/session-expectations.js';
import { useLocalDynamoDb } from '../../helpers/use-local-dynamodb.js';
import { rebuildReadingCopies, recordRules } from './rebuild-harness.js';
import { freshStore, type StoreUnderTest, storedSessions } from './store-harness.js';
import { ingestBytes, storeWriter } from './store-vs-batch-harness.js';

const dynamo = useLocalDynamoDb();
/** random-split's 20,000 events take over a minute here; rebuild-vs-batch.test.ts rebuilds large sets. */
const MAX_CASE_BYTES = 256 * 1024;
const caseBytes = (testCase: ConformanceCase) =>
  testCase.files.reduce((sum, file) => sum + statSync(join(testCase.dir, file)).size, 0);
const CASES = [...conformanceCases(), ...specEdgeCases()]
  .filter((testCase) => caseBytes(testCase) <= MAX_CASE_BYTES)
  .sort((a, b) => (a.name < b.name ? -1 : 1));

/** Rules unlike the case's in every option, so that the rebuild has every split and link to redo. */
function otherRules(rules: SessionRules): SessionRules {
  return {
    gapMinutes: rules.gapMinutes === 7 ? 11 : 7,
    gapMinutesByPlatform: {},
    maxSessionMinutes: rules.maxSessionMinutes === 3 ? undefined : 3,
    identityStitching: !rules.identityStitching,
  };
}

/** Each of the case's files delivered once, in order, whole in one chunk. */
async function deliverAll(
  store: StoreUnderTest,
  bucket: Map<string, Uint8Array>,
  testCase: ConformanceCase,
): Promise<void> {
  const format = caseOptions(testCase).inputFormat ?? 'auto';
  const writer = storeWriter(store);
  for (const file of testCase.files) {
    const content = new Uint8Array(readFileSync(join(testCase.dir, file)));
    await ingestBytes(store, writer, bucket, file, content, 1_000_000, { format, concurrency: 2 });
  }
}

describe('the conformance and spec-edge cases after a rebuild from other rules', () => {
  it.each(CASES.map((testCase) => [testCase.name, testCase] as const))(
    '%s: the rebuilt table holds expected.json',
    async (_, testCase) => {
      const rules = caseRules(caseOptions(testCase));
      const expected = expectedOutcome(testCase);
      let store = await freshStore(dynamo.client, otherRules(rules));
      await recordRules(store);
      const bucket = new Map<string, Uint8Array>();
      await deliverAll(store, bucket, testCase);

      store = await rebuildReadingCopies(store, compileRules(rules), bucket, { endpoint: dynamo.endpoint });
      await deliverAll(store, bucket, testCase);

      const users = expected.sessions.map((session) => String(session.userId));
      const stored = await storedSessions(store, users);
      expect(asExpectedSessions(stored, expected.sessions)).toEqual(expected.sessions);
    },
    120_000,
  );
});
