import { type EventRecord, ownUser } from '../events/event.js';
import type { RecordPosition } from '../reading/read-export.js';
import { compareEvents, compareText } from './order.js';
import { projectionKey } from './projection.js';
import { compareLinks, isLink, resolveUser } from './stitching.js';

/** Where an accepted event came from: enough to report it, and to read it again for a tie-break. */
export type SourceRef = RecordPosition;

export interface Copy {
  readonly event: EventRecord;
  readonly source: SourceRef;
}

/** Canonical JSON of the objects as sent, for the rare tie-breaks that need it, keyed by {@link sourceKey}. */
export type CanonicalLookup = (sources: readonly SourceRef[]) => Promise<ReadonlyMap<string, string>>;

export function sourceKey(source: SourceRef): string {
  return `${source.record}\u0000${source.file}`;
}

/**
 * The copies of one event at the earliest instant seen, grouped by how they look (to the rules, or to a link):
 * the first copy of each look, and the sources of the others, which the canonical-JSON tie-break must weigh too.
 */
interface Candidates {
  best: Copy;
  /** Sources of further copies that look like `best`. */
  alike: SourceRef[] | undefined;
  /** The first copy of each other look at the same instant. */
  ties: Look[] | undefined;
}

interface Look {
  readonly copy: Copy;
  alike: SourceRef[] | undefined;
}

function offer(
  candidates: Candidates,
  copy: Copy,
  compare: (a: Copy, b: Copy) => number,
  differs: (a: Copy, b: Copy) => boolean,
): void {
  const order = compare(copy, candidates.best);
  if (order < 0) {
    candidates.best = copy;
    candidates.alike = undefined;
    candidates.ties = undefined;
  } else if (order === 0) {
    if (!differs(copy, candidates.best)) {
      candidates.alike = appended(candidates.alike, copy.source);
      return;
    }
    const look = candidates.ties?.find((tie) => !differs(copy, tie.copy));
    if (look !== undefined) look.alike = appended(look.alike, copy.source);
    else candidates.ties = appended(candidates.ties, { copy, alike: undefined });
  }
}

/** The list with the item at its end; a list is only made for the rare event that has copies. */
function appended<T>(list: T[] | undefined, item: T): T[] {
  if (list === undefined) return [item];
  list.push(item);
  return list;
}

/** Every copy the candidates hold; a copy known by its source alone looks exactly like its look's first. */
function copiesOf(candidates: Candidates): Copy[] {
  const looks: Look[] = [{ copy: candidates.best, alike: candidates.alike }, ...(candidates.ties ?? [])];
  return looks.flatMap((look) => [
    look.copy,
    ...(look.alike ?? []).map((source) => ({ event: look.copy.event, source })),
  ]);
}

const byTimestamp = (a: Copy, b: Copy) => a.event.timestamp - b.event.timestamp;
const projectionDiffers = (a: Copy, b: Copy) => projectionKey(a.event) !== projectionKey(b.event);
const byLinkOrder = (a: Copy, b: Copy) => compareLinks(a.event, b.event);
const linkUserDiffers = (a: Copy, b: Copy) => a.event.userId !== b.event.userId;

/**
 * The copy whose object as sent sorts first in canonical JSON (rule 3's and rule 8's last tie-break), with
 * that canonical JSON; only candidates with more than one look need it, the others keep their first copy.
 */
function pickCanonical(
  candidates: Candidates,
  canonical: ReadonlyMap<string, string>,
): { copy: Copy; canonical: string } {
  if (candidates.ties === undefined) {
    return { copy: candidates.best, canonical: canonical.get(sourceKey(candidates.best.source)) ?? '' };
  }
  let best = candidates.best;
  let bestText: string | undefined;
  for (const copy of copiesOf(candidates)) {
    const text = canonical.get(sourceKey(copy.source)) ?? '';
    if (bestText === undefined || text < bestText) {
      best = copy;
      bestText = text;
    }
  }
  return { copy: best, canonical: bestText ?? '' };
}

function needingCanonical(all: Iterable<Candidates>): SourceRef[] {
  const sources: SourceRef[] = [];
  for (const candidates of all) {
    if (candidates.ties === undefined) continue;
    for (const copy of copiesOf(candidates)) sources.push(copy.source);
  }
  return sources;
}

/**
 * Collects a batch's accepted events and applies rules 3 and 8 to them: links from every accepted event,
 * users resolved, duplicates merged per resolved user (the earliest copy, then the smallest canonical JSON).
 * Copies are merged per own user as they arrive, which is safe because copies with one own user always
 * resolve to one user; copies that only stitching brings together are merged in {@link finish}.
 */
export class EventCollector {
  private readonly byOwnKey = new Map<string, Candidates>();
  private readonly links = new Map<string, Candidates>();

  constructor(private readonly stitching: boolean) {}

  /** Adds one accepted event; false when it is a copy of one already collected. */
  add(event: EventRecord, source: SourceRef): boolean {
    const copy: Copy = { event, source };
    if (this.stitching && isLink(event)) {
      const anonymousId = event.anonymousId as string;
      const link = this.links.get(anonymousId);
      if (link === undefined) this.links.set(anonymousId, { best: copy, alike: undefined, ties: undefined });
      else offer(link, copy, byLinkOrder, linkUserDiffers);
    }
    // Events with and without a userId apart: only the latter follow a link (rule 8).
    const user = ownUser(event);
    const key = `${event.userId === null ? 'a' : 'u'}${user.length}:${user}${event.id}`;
    const existing = this.byOwnKey.get(key);
    if (existing === undefined) {
      this.byOwnKey.set(key, { best: copy, alike: undefined, ties: undefined });
      return true;
    }
    offer(existing, copy, byTimestamp, projectionDiffers);
    return false;
  }

  get size(): number {
    return this.byOwnKey.size;
  }

  /**
   * For a store that resolves identities itself: each own user's deduplicated copies (events with and without
   * a userId apart, since only the latter follow a link), and each anonymousId's earliest link in this batch.
   */
  async finishOwn(canonicalOf: CanonicalLookup): Promise<{
    groups: { user: string; anonymous: boolean; copies: Copy[] }[];
    links: Map<string, { copy: Copy; canonical: string }>;
  }> {
    const canonical = await canonicalOf(
      needingCanonical([...this.links.values(), ...this.byOwnKey.values()]),
    );
    const links = new Map<string, { copy: Copy; canonical: string }>();
    for (const [anonymousId, link] of this.links) links.set(anonymousId, pickCanonical(link, canonical));
    const groups = new Map<string, { user: string; anonymous: boolean; copies: Copy[] }>();
    for (const candidates of this.byOwnKey.values()) {
      const { copy } = pickCanonical(candidates, canonical);
      const anonymous = copy.event.userId === null;
      const user = ownUser(copy.event);
      const key = `${anonymous ? 'a' : 'u'}${user}`;
      const group = groups.get(key);
      if (group === undefined) groups.set(key, { user, anonymous, copies: [copy] });
      else group.copies.push(copy);
    }
    return { groups: [...groups.values()], links };
  }

  /** Every user's deduplicated events, each with where it came from, in rule 5's order; users in code-unit order. */
  async finish(canonicalOf: CanonicalLookup): Promise<Map<string, Copy[]>> {
    const stitchedUser = new Map<string, string>();
    if (this.links.size > 0) {
      const canonical = await canonicalOf(needingCanonical(this.links.values()));
      for (const [anonymousId, link] of this.links) {
        stitchedUser.set(anonymousId, pickCanonical(link, canonical).copy.event.userId as string);
      }
    }
    const resolve = (event: EventRecord) =>
      resolveUser(event, (anonymousId) => stitchedUser.get(anonymousId));

    // Copies kept apart above meet when they resolve to one user.
    let groups: Iterable<Candidates> = this.byOwnKey.values();
    {
      const byResolvedKey = new Map<string, Candidates>();
      for (const candidates of this.byOwnKey.values()) {
        const user = resolve(candidates.best.event);
        const key = `${user.length}:${user}${candidates.best.event.id}`;
        const merged = byResolvedKey.get(key);
        if (merged === undefined)
          // A copy, so merging leaves the collected candidates as they were.
          byResolvedKey.set(key, {
            best: candidates.best,
            alike: candidates.alike && [...candidates.alike],
            ties: candidates.ties?.map((look) => ({ copy: look.copy, alike: look.alike && [...look.alike] })),
          });
        else for (const copy of copiesOf(candidates)) offer(merged, copy, byTimestamp, projectionDiffers);
      }
      groups = byResolvedKey.values();
    }
    const groupList = [...groups];
    const canonical = await canonicalOf(needingCanonical(groupList));
    const byUser = new Map<string, Copy[]>();
    for (const candidates of groupList) {
      const { copy } = pickCanonical(candidates, canonical);
      const user = resolve(copy.event);
      const copies = byUser.get(user);
      if (copies === undefined) byUser.set(user, [copy]);
      else copies.push(copy);
    }
    const sorted = new Map<string, Copy[]>();
    for (const user of [...byUser.keys()].sort(compareText)) {
      sorted.set(
        user,
        (byUser.get(user) as Copy[]).sort((a, b) => compareEvents(a.event, b.event)),
      );
    }
    return sorted;
  }
}
