/// <reference lib="dom" />
import { ApiError } from './api-client.js';
import { h, notice } from './dom.js';
import { isolatedId } from './format.js';

/** The way on from a session whose id answers no more: the user's sessions, loaded again, say where it went. */
export function reloadSessionsButton(reloadSessions: () => void): HTMLButtonElement {
  const button = h('button', { type: 'button', class: 'events-reload' }, 'Reload the user’s sessions');
  button.addEventListener('click', () => reloadSessions());
  return button;
}

/**
 * What the viewer says wherever it finds a session it showed gone (its id answered 404 when opened or for
 * its next events, or a page of the user's sessions lists it no more), worded here alone so that the places
 * cannot drift apart. A session's id is its start, so a late event before it gives it another id, and a merge
 * keeps the earlier session's; a 404 `User not found` says the user was erased since. `lead` says what failed;
 * `since` what the viewer last knew it by: its next events are asked of a session opened, perhaps from a link
 * and never listed.
 */
export function sessionGoneNotice(
  sessionId: string,
  error: unknown,
  reloadSessions: () => void,
  lead = '',
  since: 'listed' | 'opened' = 'listed',
): HTMLElement {
  const erased = error instanceof ApiError && error.message === 'User not found';
  return notice(
    'error',
    lead,
    `Session ${isolatedId(sessionId)} is gone since it was ${since}: `,
    erased
      ? 'the API no longer knows this user (erased since?). '
      : 'a late event merged it into the session before it or moved its start, which gives it another id. ',
    'It is no longer drawn on the timeline. ',
    reloadSessionsButton(reloadSessions),
  );
}
