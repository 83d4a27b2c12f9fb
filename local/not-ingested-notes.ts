// What `npm run upload` and the drop folder say before storing keys the ingest will skip: the ingest's own
// rule (`whyNotIngested`), so a manifest or `_SUCCESS` marker is named up front rather than only in the
// stack's log once stored.
import { REJECTED_PREFIX, type SourceDefinition } from '../contract/index.js';
import { sourceOf, whyNotIngested } from '../functions/ingest/sources.js';

/** One note per reason, naming the keys the ingest will not read, or none when it reads them all. */
export function notIngestedNotes(keys: readonly string[], sources: readonly SourceDefinition[]): string[] {
  const byReason = new Map<string, string[]>();
  for (const key of keys) {
    const reason = whyNotIngested(key, sources);
    if (reason !== undefined) byReason.set(reason, [...(byReason.get(reason) ?? []), key]);
  }
  return [...byReason].map(([reason, skipped]) => {
    // One reason, one kind of key: those under no source are told where sources are.
    const first = skipped[0] as string;
    const underNoSource = !first.startsWith(REJECTED_PREFIX) && sourceOf(first, sources) === undefined;
    const why = underNoSource ? `${reason} (${sources.map((source) => source.prefix).join(', ')})` : reason;
    return `${skipped.join(', ')} ${skipped.length === 1 ? 'is' : 'are'} stored but not ingested: ${why}`;
  });
}
