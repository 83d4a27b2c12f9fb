// Rule 8's order between the links a head keeps, and how much of a link it keeps.
import { compareText } from '../../domain/sessions/order.js';
import { compareLinks } from '../../domain/sessions/stitching.js';
import type { StoredLink } from './head-codec.js';

/**
 * Characters of a link's event id and of its canonical JSON a head keeps: a messageId has no length limit,
 * and a head (with parked copies and history beside the link) must stay under DynamoDB's 400 KB.
 */
export const LINK_TEXT_LIMIT = 16 * 1024;

/**
 * The link as its head keeps it, and as every offer is judged: its event id and canonical JSON cut to the
 * limit. Every comparison is between such links, so the order stays one order and the store converges; it
 * departs from rule 8 only for two links at one instant whose event ids share their first 16 K characters,
 * or for copies of one event linking two users whose texts do.
 */
export function boundedLink(link: StoredLink): StoredLink {
  const cut = (text: string) => (text.length > LINK_TEXT_LIMIT ? text.slice(0, LINK_TEXT_LIMIT) : text);
  return { ...link, eventId: cut(link.eventId), canonical: cut(link.canonical) };
}

/** Whether `candidate` is an earlier link than `stored` (rule 8's order; the canonical JSON breaks ties). */
export function isEarlierLink(candidate: StoredLink, stored: StoredLink | undefined): boolean {
  if (stored === undefined) return true;
  const order = compareLinks(
    { timestamp: candidate.timestamp, id: candidate.eventId },
    { timestamp: stored.timestamp, id: stored.eventId },
  );
  if (order !== 0) return order < 0;
  // Copies of one event: the one whose object as sent sorts first wins, also over a copy of the same user
  // (it is the one later copies must be weighed against); texts cut alike, or unknown: the userId.
  const { canonical } = candidate;
  if (canonical !== '' && stored.canonical !== '' && canonical !== stored.canonical)
    return canonical < stored.canonical;
  return compareText(candidate.userId, stored.userId) < 0;
}
