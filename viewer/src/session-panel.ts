/// <reference lib="dom" />
import { MAX_SESSION_ANONYMOUS_IDS } from '../../contract/index.js';
import type { Campaign, Device, Page, Session, SessionDetail } from './api-types.js';
import { externalLink, h, urlText } from './dom.js';
import { firstText, formatCount, formatDateTime, formatSessionLength, idText, isolated } from './format.js';
import { SessionEvents, type SessionEventsOptions } from './session-events.js';

function pageValue(page: Page | null): Node | string {
  if (page === null) return '—';
  const url = firstText(page.url);
  const where = url ?? firstText(page.path);
  // A title that is the url itself (as many sites leave it) would say the url twice.
  const title =
    firstText(page.title) === null || page.title === where
      ? null
      : h('span', { class: 'page-title' }, page.title);
  if (title === null && where === null) return '—';
  return h(
    'span',
    { class: 'page' },
    title,
    title !== null && where !== null ? h('br') : null,
    where === null ? null : url !== null ? externalLink(url) : urlText(where),
  );
}

/** The members with text, each named; one sent as `""` is left out, as joinedText leaves it out of the table. */
function campaignValue(campaign: Campaign | null): string {
  if (campaign === null) return '—';
  const parts = (['source', 'medium', 'name', 'term', 'content'] as const)
    .filter((key) => firstText(campaign[key]) !== null)
    .map((key) => `${key}: ${isolated(campaign[key] ?? '')}`);
  return parts.length === 0 ? '—' : parts.join(' · ');
}

function referrerValue(page: Page | null): Node | string {
  const referrer = page === null ? null : firstText(page.referrer);
  return referrer === null ? '—' : externalLink(referrer);
}

/**
 * Values with text joined by ` · `, `—` for none. A member sent as `""` is left out, as `firstText` leaves it:
 * shown, it would be a blank between two separators, of which a column names none.
 */
export function joinedText(values: readonly (string | null)[]): string {
  const parts = values.filter((value) => firstText(value) !== null) as string[];
  return parts.length === 0 ? '—' : parts.map(isolated).join(' · ');
}

/** A session's device in one line, `type · os · browser` of what it has; `—` for none. Also the table's. */
export function deviceValue(device: Device | null): string {
  return device === null ? '—' : joinedText([device.type, device.os, device.browser]);
}

function facts(entries: [string, Node | string][]): HTMLElement {
  return h(
    'dl',
    { class: 'facts' },
    ...entries.flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]),
  );
}

/** The session's anonymousIds; a full list says it may stand for more, since the API lists no more. */
function anonymousIdsValue(ids: readonly string[]): Node | string {
  if (ids.length === 0) return '—';
  return h(
    'span',
    {},
    h('ul', { class: 'ids' }, ...ids.map((id) => h('li', {}, h('code', {}, idText(id))))),
    ids.length < MAX_SESSION_ANONYMOUS_IDS
      ? null
      : `The first ${MAX_SESSION_ANONYMOUS_IDS} in sort order: the API lists no more. Each event names its own.`,
  );
}

/** The session's attributes, as they are in `session`. */
function attributes(session: Session): HTMLElement {
  return facts([
    ['Started', `${formatDateTime(session.startedAt)} UTC`],
    ['Ended', `${formatDateTime(session.endedAt)} UTC`],
    ['Duration', formatSessionLength(session.startedAt, session.endedAt)],
    ['Events', formatCount(session.eventCount)],
    ['Page views', session.pageViews === null ? '—' : formatCount(session.pageViews)],
    ['Bounce', session.bounce ? 'Yes' : 'No'],
    ['Entry page', pageValue(session.entryPage)],
    ['Exit page', pageValue(session.exitPage)],
    ['Referrer', referrerValue(session.entryPage)],
    ['Campaign', campaignValue(session.campaign)],
    ['Device', deviceValue(session.device)],
    ['Anonymous IDs', anonymousIdsValue(session.anonymousIds)],
  ]);
}

/** The open session: its attributes and its events in order, the later ones loaded with `events.load`. */
export function renderSessionDetail(session: SessionDetail, events: SessionEventsOptions): HTMLElement[] {
  const shown = h('div', { class: 'attributes' }, h('h3', {}, 'Attributes'), attributes(session));
  // Each batch says the session as it is then (it may have grown since it was opened): the attributes follow.
  const onSession = (now: Session) => {
    shown.lastElementChild?.replaceWith(attributes(now));
    events.onSession(now);
  };
  return [shown, new SessionEvents(session, { ...events, onSession }).element];
}
