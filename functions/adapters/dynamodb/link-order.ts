// Rule 8's order between the links a head keeps, and how much of a link it keeps.

import { compareText } from '../../domain/sessions/order.js';
import { compareLinks } from '../../domain/sessions/stitching.js';
import { type CopyTexts, sourceTextKey, type UnreadCopies } from '../../domain/store/copy-choice.js';
import type { StoredLink } from './head.js';

/**
 * Characters of a link's event id and of its canonical JSON a head keeps: a messageId has no length limit,
 * and a head (with parked copies and history beside the link) must stay under DynamoDB's 400 KB.
 */
export const LINK_TEXT_LIMIT = 16 * 1024;

const cutText = (text: string) => (text.length > LINK_TEXT_LIMIT ? text.slice(0, LINK_TEXT_LIMIT) : text);

/**
 * The link as its head keeps it, and as every offer is judged: its event id and canonical JSON cut to the
 * limit. Every comparison is between such links, so the order stays one order and the store converges; it
 * departs from rule 8 only for two links at one instant whose event ids share their first 16 K characters,
 * or for copies of one event linking two users whose texts do.
 */
export function boundedLink(link: StoredLink): StoredLink {
  return { ...link, eventId: cutText(link.eventId), canonical: cutText(link.canonical) };
}

/**
 * Whether `candidate` is an earlier link than `stored` (rule 8's order; the canonical JSON breaks ties).
 * Copies of one event tie: the one whose object as sent sorts first wins, also over a copy of the same user
 * (it is the one later copies must be weighed against). A link keeps its text only when its own file had to
 * weigh it; otherwise the tie reads both texts where the links were read (`texts`, by `sourceTextKey`), and
 * names one it lacks in `unread`, for the caller to read and offer the link again. Texts cut alike, or not
 * to be had (an object gone, a link stored without its source): the userId.
 */
export function isEarlierLink(
  candidate: StoredLink,
  stored: StoredLink | undefined,
  texts?: CopyTexts,
  unread?: UnreadCopies,
): boolean {
  if (stored === undefined) return true;
  const order = compareLinks(
    { timestamp: candidate.timestamp, id: candidate.eventId },
    { timestamp: stored.timestamp, id: stored.eventId },
  );
  if (order !== 0) return order < 0;
  // The same copy again (a file delivered twice): nothing to weigh.
  if (candidate.source !== undefined && stored.source !== undefined) {
    if (sourceTextKey(candidate.source) === sourceTextKey(stored.source)) return false;
  }
  if (mayHaveText(candidate) && mayHaveText(stored)) {
    const candidateText = textOf(candidate, texts, unread);
    const storedText = textOf(stored, texts, unread);
    if (candidateText !== undefined && storedText !== undefined && candidateText !== storedText)
      return candidateText < storedText;
  }
  return compareText(candidate.userId, stored.userId) < 0;
}

/** Whether a link's text is kept, or can be read again where it was read. */
const mayHaveText = (link: StoredLink) => link.canonical !== '' || link.source !== undefined;

function textOf(link: StoredLink, texts: CopyTexts | undefined, unread: UnreadCopies | undefined) {
  if (link.canonical !== '') return link.canonical;
  if (link.source === undefined || texts === undefined) return undefined;
  const key = sourceTextKey(link.source);
  const text = texts.get(key);
  if (text === undefined) unread?.set(key, link.source);
  return text === undefined || text === null ? undefined : cutText(text);
}

/** The link to keep, with its text when `texts` has it: a later tie then needs no read. */
export function linkWithText(link: StoredLink, texts: CopyTexts | undefined): StoredLink {
  if (link.canonical !== '' || link.source === undefined) return link;
  const text = texts?.get(sourceTextKey(link.source));
  return typeof text === 'string' ? { ...link, canonical: cutText(text) } : link;
}
