import { type CompiledRules, describeRules, rulesOfFingerprint } from '../../domain/rules/session-rules.js';
import { loggedUser } from '../../shared/id-digest.js';

/** Stored rules as people read them; the fingerprint as recorded when it is not one compileRules wrote. */
function describeStored(fingerprint: string): string {
  const rules = rulesOfFingerprint(fingerprint);
  return rules === undefined ? fingerprint : describeRules(rules);
}

/** The user's sessions were cut under other rules: merging would mix the two (rule 6). */
export class RulesMismatchError extends Error {
  constructor(userId: string, stored: string, current: CompiledRules) {
    super(
      `the sessions of the ${loggedUser(userId)} were cut under other session rules (${describeStored(stored)}) than this ingest runs (${describeRules(current.source)}); run the ingest with the table's rules (deploy them; locally, restart npm start with them), or rebuild the table under the ingest's rules`,
    );
    this.name = 'RulesMismatchError';
  }
}
