import type {
  CanonicalLookup,
  Copy,
  EventCollector,
  SourceRef,
} from '../../functions/domain/sessions/collector.js';

/** Every user's deduplicated events with where they came from, in rule 5's order; users in code-unit order. */
export async function collectedCopies(
  collector: EventCollector,
  canonicalOf: CanonicalLookup,
): Promise<Map<string, Copy[]>> {
  const users = new Map<string, Copy[]>();
  await collector.forEachUser(canonicalOf, (user, ordered) => {
    const where = ordered.sources();
    users.set(
      user,
      ordered.events().map((event, index) => ({ event, source: where[index] as SourceRef })),
    );
  });
  return users;
}
