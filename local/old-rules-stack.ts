// Why `npm run rebuild` does not wait before its count as the rebuild function does: a local ingest call has
// no time limit, so no wait would bound it; but only the stack holding the data dir's lock ingests into its
// DynamoDB Local. Checked once the rebuild has begun: a stack started after that has its ingests of the old
// rules refused, so when the holder then runs the target rules (or no stack runs, the rebuild holding the lock
// itself), every ingest of the old rules was made by a process that has exited, and the count sees all it wrote.
import { type CompiledRules, describeRules, sameRules } from '../functions/domain/rules/session-rules.js';
import { dataDirEnv, portsEnv } from './command-words.js';
import { type LockHolder, liveLockHolder } from './data-dir-lock.js';
import { rulesAsVariables } from './ingest-env.js';

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
    `these rules (${restartCommand(dataDir, holder, target)}), or stop it, then run the rebuild again; it resumes`
  );
}

/**
 * The start that copied runs the stack again on this data dir, its ports and the target rules: the stack may
 * have been started in another terminal with ports this environment does not set.
 */
function restartCommand(dataDir: string, holder: LockHolder, target: CompiledRules): string {
  // A URL without an explicit port (or none recorded yet) gives no port to repeat: 0 or undefined.
  const portOf = (url: string | undefined) => (url === undefined ? undefined : Number(new URL(url).port));
  const port = portOf(holder.apiUrl);
  const s3Port = portOf(holder.s3Endpoint);
  const dynamoDbPort = portOf(holder.dynamoDbEndpoint);
  const portWords = port && s3Port && dynamoDbPort ? portsEnv({ port, s3Port, dynamoDbPort }) : '';
  return `${dataDirEnv(dataDir)}${portWords}${rulesAsVariables(target.source)} npm start`;
}
