// Why `npm run rebuild` does not wait before its count as the rebuild function does: a local ingest call has
// no time limit, so no wait would bound it; but only the stack holding the data dir's lock ingests into its
// DynamoDB Local. Checked once the rebuild has begun: a stack started after that has its ingests of the old
// rules refused, so when the holder then runs the target rules (or no stack runs, the rebuild holding the lock
// itself), every ingest of the old rules was made by a process that has exited, and the count sees all it wrote.
import { type CompiledRules, describeRules, sameRules } from '../functions/domain/rules/session-rules.js';
import { liveLockHolder } from './data-dir-lock.js';

/** Why the rebuild cannot finish while the data dir's stack runs, or undefined when it can. */
export function oldRulesStack(dataDir: string, target: CompiledRules): string | undefined {
  const holder = liveLockHolder(dataDir);
  if (
    holder === undefined ||
    holder.command !== undefined ||
    (holder.rulesFingerprint !== undefined && sameRules(holder.rulesFingerprint, target.fingerprint))
  )
    return undefined;
  return (
    `the running stack (pid ${holder.pid}) was not started with ${describeRules(target.source)}: an ingest of ` +
    'its rules already under way could still write after the final count (a local ingest call has no time ' +
    'limit), so the rebuild cannot finish while it runs. Its ingests are refused from now on: restart it with ' +
    'this environment (`npm start`), or stop it, then run the rebuild again; it resumes'
  );
}
