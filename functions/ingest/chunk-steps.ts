import type { EventRecord, EventSource } from '../domain/events/event.js';
import type { CanonicalLookup, EventCollector, UserEvents } from '../domain/sessions/collector.js';
import type { CopyTexts } from '../domain/store/copy-choice.js';
import type { IdentityWriter, LinkCandidate, SessionWriter, UserMergeResult } from '../domain/store/ports.js';
import { type CopiesRead, sourceIn } from './event-sources.js';

// What a chunk's progress follows, in merge order: its links (when stitching), then its owners, each under
// its name in the progress digests. How they are offered, and when a call stops among them, is merge-chunk.ts's.

export interface Step {
  /** Its name in progress digests: links, user and anonymous owners never share one. */
  readonly name: string;
}

/** The events of one owner, and the store's merge that takes them. */
export interface Owner extends Step {
  /** Set for an owner of anonymous events (stitching). */
  readonly anonymousId?: string;
  readonly owned: UserEvents;
  readonly merge: (events: EventRecord[], texts: CopyTexts | undefined) => Promise<UserMergeResult>;
}

/** Rule 8's link of one anonymousId, as the store is offered it. */
export interface LinkStep extends Step {
  readonly anonymousId: string;
  /** With `source`, where the link event was read: the store's ties read it there. */
  readonly link: LinkCandidate & { readonly source?: EventSource };
}

/** Without stitching: a user's owner name is the user id. */
export function userOwner(writer: SessionWriter, user: string, owned: UserEvents): Owner {
  return { name: user, owned, merge: (events, texts) => writer.mergeUserEvents(user, events, texts) };
}

/** With stitching: a user's events, or an anonymousId's that its link (if any) sends to a user. */
export function stitchedOwner(
  writer: SessionWriter,
  identity: IdentityWriter,
  owner: { readonly user: string; readonly anonymous: boolean },
  owned: UserEvents,
): Owner {
  return {
    name: `${owner.anonymous ? 'a' : 'u'}:${owner.user}`,
    ...(owner.anonymous && { anonymousId: owner.user }),
    owned,
    merge: (events, texts) =>
      owner.anonymous
        ? identity.mergeAnonymousEvents(owner.user, events, texts)
        : writer.mergeUserEvents(owner.user, events, texts),
  };
}

/** The chunk's links, each anonymousId's earliest (rule 8); with `copies`, each says where it was read. */
export async function linkSteps(
  chunk: EventCollector,
  canonicalOf: CanonicalLookup,
  copies: CopiesRead | undefined,
): Promise<LinkStep[]> {
  const steps: LinkStep[] = [];
  for (const [anonymousId, { copy, canonical }] of await chunk.ownLinks(canonicalOf)) {
    const link = {
      userId: copy.event.userId as string,
      timestamp: copy.event.timestamp,
      eventId: copy.event.id,
      canonical,
      // A tie with a link of another file reads both texts where they were read (rule 8's last tie-break).
      ...(copies !== undefined && { source: sourceIn(copies, copy.source) }),
    };
    steps.push({ name: `l:${anonymousId}`, anonymousId, link });
  }
  return steps;
}
