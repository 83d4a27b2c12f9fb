import type { EventRecord } from '../domain/events/event.js';
import type { UserEvents } from '../domain/sessions/collector.js';
import type { UserMergeResult } from '../domain/store/ports.js';
import { erasedSources } from './event-sources.js';
import type { ErasedPosition, IngestProgress } from './progress.js';
import { erasedPosition } from './rejection-report.js';

const positionKey = ({ file, line, index }: ErasedPosition) => `${file}\u0000${line}\u0000${index ?? ''}`;
const eventKey = (user: string, id: string) => `${user}\u0000${id}`;
/** An anonymousId whose target no merge named: keyed apart from every user. */
const unrouted = (anonymousId: string) => `\u0001${anonymousId}`;

/**
 * The events of one object that its merges refused as erased, each once: one event (rule 3: one user, one
 * event id) may reach several merges of a file, as copies in two chunks, or under stitching as the copy
 * naming the erased user and the copy its erased device sent without a userId, which two owners merge. The
 * report and the `erased` count take each the first time. A call that resumes the object learns those
 * refused before from the progress: the events at its `erasedAt` positions, read again, and the users the
 * anonymousIds among them were routed to (`erasedVia`).
 */
export class RefusedEvents {
  private readonly refused = new Set<string>();
  /** The user the refused anonymous events of each anonymousId went to (stitching only). */
  private readonly via: Map<string, string>;
  private readonly before: ReadonlySet<string>;

  constructor(
    private readonly stitching: boolean,
    resume: Pick<IngestProgress, 'erasedAt' | 'erasedVia'> | undefined,
  ) {
    this.via = new Map(resume?.erasedVia ?? []);
    this.before = new Set((resume?.erasedAt ?? []).map(positionKey));
  }

  /** An event read at `position`: when an earlier call refused it there, it is counted already. */
  read(event: EventRecord, position: ErasedPosition): void {
    if (this.before.size === 0 || !this.before.has(positionKey(position))) return;
    this.refused.add(eventKey(this.userOf(event), event.id));
  }

  /**
   * A merge's result counting only the events it refused that no merge of the object refused before, and
   * where those were read. `anonymousId` names the owner of a merge of anonymous events (stitching); `events`
   * are those the merge was given, the owner's `owned` first.
   */
  account(
    anonymousId: string | undefined,
    owned: UserEvents,
    events: readonly EventRecord[],
    result: UserMergeResult,
  ): { readonly result: UserMergeResult; readonly erasedAt: ErasedPosition[] } {
    if (result.erasedEvents === 0) return { result, erasedAt: [] };
    const fresh = this.take(anonymousId, events, result);
    return {
      result: { ...result, erasedEvents: fresh.size },
      erasedAt: fresh.size === 0 ? [] : erasedSources(owned, events, fresh).map(erasedPosition),
    };
  }

  /**
   * Of the ids a merge of `events` refused (`result.erasedIds`, else all), those no merge of the object
   * refused before; they are then refused.
   */
  private take(
    anonymousId: string | undefined,
    events: readonly EventRecord[],
    result: UserMergeResult,
  ): ReadonlySet<string> {
    const user = result.erasedFor ?? result.userId;
    if (anonymousId !== undefined) this.via.set(anonymousId, user);
    const fresh = new Set<string>();
    for (const id of result.erasedIds ?? events.map((event) => event.id)) {
      const key = eventKey(user, id);
      if (this.refused.has(key)) continue;
      this.refused.add(key);
      fresh.add(id);
    }
    return fresh;
  }

  /** What a resumed call needs besides the positions: the users anonymousIds were routed to. */
  get erasedVia(): readonly (readonly [string, string])[] {
    return [...this.via];
  }

  /** The user a merge of the event refuses it for: its partition's (rule 2, or rule 8's link under stitching). */
  private userOf(event: EventRecord): string {
    if (event.userId !== null) return event.userId;
    const anonymousId = event.anonymousId as string;
    if (!this.stitching) return anonymousId;
    return this.via.get(anonymousId) ?? unrouted(anonymousId);
  }
}
