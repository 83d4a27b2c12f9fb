/// <reference lib="dom" />
// What stands in a user's page when it holds no timeline: the user has no sessions, or the load failed (a 404
// is an unknown user, worded in unknown-user.ts). Which one, and where the URL and the keyboard go, is app.ts's.
import { h, notice } from './dom.js';
import { errorContent, mayRetry } from './error-text.js';
import { isolatedId } from './format.js';
import { reloadSessionsButton } from './session-gone.js';
import { stitchedUserLink } from './user-summary.js';

/**
 * A user without sessions. A session the URL asks for (`sessionId`) is not found, as the open session's panel
 * says of one the API does not know; `dropSession` loads the user again without it.
 */
export function noSessionsNotice(sessionId: string | null, dropSession: () => void): HTMLElement {
  return sessionId === null
    ? notice('empty', 'This user has no sessions yet.')
    : notice(
        'error',
        `This user has no session ${isolatedId(sessionId)}, and no sessions yet. `,
        reloadSessionsButton(dropSession),
      );
}

/**
 * A load of `userId` that failed otherwise than with a 404, and the way on the keyboard goes to: `retry`, or
 * the user the id is stitched to now (a retry would fail alike), or none when the API refused the request.
 */
export function loadFailedNotice(
  userId: string,
  error: unknown,
  retry: () => void,
): { readonly notice: HTMLElement; readonly wayOn: HTMLElement | null } {
  const again = h('button', { type: 'button' }, 'Try again');
  again.addEventListener('click', () => retry());
  const wayOn = mayRetry(error) ? again : stitchedUserLink(error);
  return {
    notice: notice('error', `Could not load ${isolatedId(userId)}. `, ...errorContent(error), ' ', wayOn),
    wayOn,
  };
}
