import type { EventRecord } from '../../functions/domain/events/event.js';
import type { CompiledRules } from '../../functions/domain/rules/session-rules.js';
import { compareEvents, compareText } from '../../functions/domain/sessions/order.js';
import { splitSessions } from '../../functions/domain/sessions/split.js';
import { type SessionSummary, summarizeSession } from '../../functions/domain/sessions/summary.js';
import {
  type CopyTexts,
  CopyTextsNeeded,
  preferredCopy,
  type UnreadCopies,
} from '../../functions/domain/store/copy-choice.js';
import type { SessionWriter, UserMergeResult } from '../../functions/domain/store/ports.js';
import { erasedOf, refuseAnonymous } from '../../functions/domain/store/refusal.js';

export interface MergeCall {
  readonly userId: string;
  readonly events: readonly EventRecord[];
}

/**
 * In-memory {@link SessionWriter} with the port's semantics: a user's events are kept by id (the store's own
 * choice between copies), and their sessions are the batch split of all of them, so after any sequence of
 * merges `sessions()` equals the batch over everything delivered. Users can be erased and merges made to fail.
 */
export class FakeSessionWriter implements SessionWriter {
  /** Every mergeUserEvents call, in call order. */
  readonly calls: MergeCall[] = [];
  private readonly stored = new Map<string, Map<string, EventRecord>>();
  private readonly erased = new Set<string>();
  private readonly anonymousErased = new Set<string>();
  private failure: ((userId: string) => Error | undefined) | undefined;
  /** The optional read-ahead of the port: a test may set it to watch the calls. */
  prefetchHeads?: (userIds: readonly string[]) => Promise<void>;

  constructor(private readonly rules: CompiledRules) {}

  /** Makes mergeUserEvents reject, before storing anything, with whatever `fail` returns for a user. */
  failWith(fail: ((userId: string) => Error | undefined) | undefined): void {
    this.failure = fail;
  }

  /** Marks a user as erased: their events are refused from now on (and what was stored is forgotten). */
  erase(userId: string): void {
    this.erased.add(userId);
    this.stored.delete(userId);
  }

  /**
   * Marks an id as an anonymousId erased with the user it was stitched to, stitching turned off since: its
   * events without a userId are refused, those with the id as userId are stored.
   */
  eraseAnonymous(anonymousId: string): void {
    this.anonymousErased.add(anonymousId);
  }

  async mergeUserEvents(
    userId: string,
    events: readonly EventRecord[],
    texts?: CopyTexts,
  ): Promise<UserMergeResult> {
    this.calls.push({ userId, events: [...events] });
    // A real store answers asynchronously; let other merges interleave as they would.
    await new Promise((resolve) => setImmediate(resolve));
    const error = this.failure?.(userId);
    if (error !== undefined) throw error;
    if (this.erased.has(userId)) {
      return { userId, newEvents: 0, erasedEvents: events.length, sessionsWritten: 0, attempts: 1 };
    }
    const refusal = this.anonymousErased.has(userId) ? refuseAnonymous(events) : undefined;
    const erased = refusal === undefined ? { erasedEvents: 0 } : erasedOf(refusal);
    const byId = this.stored.get(userId) ?? new Map<string, EventRecord>();
    // Chosen aside first: a tie that needs texts not given stores nothing, as the real store.
    const chosen = new Map<string, EventRecord>();
    const unread: UnreadCopies = new Map();
    let newEvents = 0;
    for (const event of refusal?.taken ?? events) {
      const existing = chosen.get(event.id) ?? byId.get(event.id);
      if (existing === undefined) newEvents++;
      chosen.set(event.id, existing === undefined ? event : preferredCopy(existing, event, texts, unread));
    }
    if (unread.size > 0) throw new CopyTextsNeeded([...unread.values()]);
    this.stored.set(userId, byId);
    const before = this.sessions(userId).map(signature);
    for (const [id, event] of chosen) byId.set(id, event);
    const after = new Set(before);
    const sessionsWritten = this.sessions(userId).filter((session) => !after.has(signature(session))).length;
    return { userId, newEvents, ...erased, sessionsWritten, attempts: 1 };
  }

  /** Users with stored events, in code-unit order. */
  userIds(): string[] {
    return [...this.stored.keys()].sort(compareText);
  }

  /** The stored events of one user, in rule 5's order. */
  events(userId: string): EventRecord[] {
    return [...(this.stored.get(userId)?.values() ?? [])].sort(compareEvents);
  }

  /** One user's sessions, or every user's (users in code-unit order), as the store would hold them. */
  sessions(userId?: string): SessionSummary[] {
    if (userId === undefined) return this.userIds().flatMap((id) => this.sessions(id));
    return splitSessions(userId, this.events(userId), this.rules).map((session, index) =>
      summarizeSession(session, index + 1),
    );
  }
}

function signature(session: SessionSummary): string {
  return JSON.stringify(session);
}
