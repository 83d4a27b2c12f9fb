/// <reference lib="dom" />

import { ApiError } from './api-client.js';
import type { UserSummary } from './api-types.js';
import { h } from './dom.js';
import { formatCount, formatDateTime, idText } from './format.js';
import { locationSearch } from './url-state.js';

/** A link to another user inside the viewer; the app turns its clicks into history entries. */
export function userLink(userId: string, before = ''): HTMLAnchorElement {
  return h(
    'a',
    { href: locationSearch({ user: userId, session: null }), 'data-internal': true },
    before,
    h('code', {}, idText(userId)),
  );
}

/**
 * The way on from a load that failed because the id was stitched to another user since it was opened: that
 * user, where its sessions and events are now. Null for any other failure.
 */
export function stitchedUserLink(error: unknown): HTMLAnchorElement | null {
  if (!(error instanceof ApiError) || error.stitchedTo === null) return null;
  const link = userLink(error.stitchedTo, 'Open user ');
  link.classList.add('stitched-link');
  return link;
}

/** Who the user is and how much history they have; `askedFor` is the id typed when the API redirected it. */
export function renderUserSummary(summary: UserSummary, askedFor: string | null): HTMLElement {
  const seen = (instant: number | null) => (instant === null ? '—' : `${formatDateTime(instant)} UTC`);
  const anonymousIds =
    summary.anonymousIds.count === 0
      ? '—'
      : h(
          'span',
          {},
          h(
            'ul',
            { class: 'ids' },
            ...summary.anonymousIds.items.map((id) => h('li', {}, h('code', {}, idText(id)))),
          ),
          summary.anonymousIds.count > summary.anonymousIds.items.length
            ? `and ${formatCount(summary.anonymousIds.count - summary.anonymousIds.items.length)} more`
            : null,
        );
  const entries: [string, Node | string][] = [
    ['Sessions', formatCount(summary.sessionCount)],
    ['Events', formatCount(summary.eventCount)],
    ['First seen', seen(summary.firstSeenAt)],
    ['Last seen', seen(summary.lastSeenAt)],
    ['Stitched anonymous IDs', anonymousIds],
  ];
  return h(
    'section',
    { class: 'summary', 'aria-labelledby': 'user-heading' },
    // Focusable from script: the keyboard goes here when what it was on is loaded over (app.ts).
    h(
      'h2',
      { id: 'user-heading', tabindex: -1 },
      'User ',
      h('code', { class: 'user-id' }, idText(summary.userId)),
    ),
    askedFor === null
      ? null
      : h(
          'p',
          { class: 'note', 'data-testid': 'stitched-note' },
          h('code', {}, idText(askedFor)),
          ' is an anonymousId stitched to this user.',
        ),
    summary.stitchedTo === null || summary.stitchedTo === summary.userId
      ? null
      : h('p', { class: 'note' }, 'This id is stitched to user ', userLink(summary.stitchedTo), '.'),
    h(
      'dl',
      { class: 'facts' },
      ...entries.flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]),
    ),
  );
}
