// Which lines of a store-vs-batch scenario an erasure leaves in the store (docs/operations.md, "Erasure"),
// for comparing the store with a batch over the lines still present. Every file is delivered before any
// erasure, so each anonymousId's link is its earliest over every line (rule 8), erased users' links included:
// an erased user's link still routes the anonymousId's events to it, and an anonymousId erased itself keeps
// the link it had.
import type { SessionRules } from '../../../functions/domain/rules/session-rules.js';
import type { Scenario } from './store-vs-batch-harness.js';

interface Ids {
  userId: string | undefined;
  anonymousId: string | undefined;
}

const idOf = (value: unknown) => (value === undefined || value === null ? undefined : String(value).trim());

/** A line's userId and anonymousId as rule 1 reads them (trimmed; null or absent is none). */
export function idsOf(line: string): Ids {
  const object = JSON.parse(line) as { userId?: unknown; anonymousId?: unknown };
  return { userId: idOf(object.userId), anonymousId: idOf(object.anonymousId) };
}

/**
 * The ids among `erased` that are some line's userId (rule 1): the users whose partition an erasure leaves as
 * its head alone (not anonymousIds, whose partition may be a user's).
 */
export function erasedUsersOf(scenario: Scenario, erased: Iterable<string>): string[] {
  const users = new Set(scenario.lines.map((line) => idsOf(line).userId).filter((id) => id !== undefined));
  return [...new Set(erased)].filter((id) => users.has(id));
}

export class ErasureModel {
  /** Ids the operator erased. */
  private readonly erased = new Set<string>();
  /** AnonymousIds erased with the user they were stitched to. */
  private readonly erasedWith = new Set<string>();
  /** Lines whose events an erasure removed, or a later phase refuses. */
  private readonly dropped = new Set<string>();

  constructor(
    private readonly scenario: Scenario,
    /** Each anonymousId's earliest link over every line. */
    private readonly links: ReadonlyMap<string, string>,
  ) {}

  private resolve({ userId, anonymousId }: Ids, rules: SessionRules): string | undefined {
    if (userId !== undefined) return userId;
    if (anonymousId === undefined) return undefined;
    return (rules.identityStitching ? this.links.get(anonymousId) : undefined) ?? anonymousId;
  }

  /** The operator erases `id` while the table runs `rules`. */
  erase(id: string, rules: SessionRules): void {
    this.erased.add(id);
    if (rules.identityStitching) {
      for (const [anonymousId, user] of this.links) if (user === id) this.erasedWith.add(anonymousId);
    }
    this.settle(rules);
  }

  /**
   * The table now runs `rules` (a rebuild) and every file was delivered again: the lines whose user is an
   * erased one are gone. An event with a userId is the user's; one without goes where its anonymousId routes.
   */
  settle(rules: SessionRules): void {
    for (const line of this.scenario.lines) {
      const ids = idsOf(line);
      const user = this.resolve(ids, rules);
      if (user === undefined) continue;
      // An anonymousId erased with its user is that anonymousId, not a user who has the same id as userId.
      const gone =
        this.erased.has(user) ||
        (ids.userId === undefined && ids.anonymousId !== undefined && this.erasedWith.has(ids.anonymousId));
      if (gone) this.dropped.add(line);
    }
  }

  /** The scenario with only the lines still present. */
  present(): Scenario {
    return {
      ...this.scenario,
      files: this.scenario.files.map((lines) => lines.filter((line) => !this.dropped.has(line))),
    };
  }

  /** Whether `id` was erased: the API answers 404 for it. */
  isErased(id: string): boolean {
    return this.erased.has(id);
  }
}
