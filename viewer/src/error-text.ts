import { escapeControlOfEscaped, escapedParts } from '../../contract/visible-text.js';
import { ApiError } from './api-client.js';
import { h } from './dom.js';
import { escapeName } from './escape-names.js';
import { isolated } from './format.js';

/**
 * {@link errorText} as the page shows it: the escapes made of what the API said each an element of its own
 * (page.css `.escape`), apart from its text, since the text may quote a backslash that was typed (`\u202e`,
 * six characters), which would otherwise read as the escape of U+202E.
 */
export function errorContent(error: unknown): (Node | string)[] {
  if (!(error instanceof ApiError) || error.status === 0 || error.said === null) return [errorText(error)];
  return [`The API answered ${error.status}: `, saidContent(error.said)];
}

/**
 * A failed load as the viewer words it: the API's status with its message, which may quote what was asked
 * for, isolated. The client (api-client.ts) shows the API's own words with their controls as escapes; an
 * ApiError's message may also be the viewer's own, whose isolates around ids stay. Any other error's message
 * shows its controls as escapes too.
 */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    return error.status === 0
      ? error.message
      : `The API answered ${error.status}: ${isolated(error.message)}`;
  }
  return escapeControlOfEscaped(error instanceof Error ? error.message : String(error));
}

/**
 * Whether asking again may answer otherwise: not when the API refused the request itself as malformed, nor
 * when the id was stitched to another user, whose route its every request is sent to now.
 */
export function mayRetry(error: unknown): boolean {
  return !(error instanceof ApiError && (error.status === 400 || error.stitchedTo !== null));
}

/** Whether a load failed because it was called off (another page or session asked for), which says nothing. */
export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

const TIP = 'a character that does not show, written as its escape';

/**
 * What the API said, isolated, its controls as escapes each an element of its own (page.css `.escape`) named
 * for the character it stands for (escape-names.ts), its backslashes as they are. Appended as is, not through
 * h(): escaped, the words hold no bidirectional control of their own, so the isolate around them is whole,
 * which h() would close within the first text.
 */
export function saidContent(said: string): HTMLElement {
  const span = document.createElement('span');
  span.append(
    '\u2068',
    ...escapedParts(said).map((part) =>
      typeof part === 'string'
        ? part
        : // Named for its character, so that a screen reader too tells it from the same text typed; its
          // box (its look) is for the eye only. An image, as generic text takes no name of its own.
          h(
            'span',
            { class: 'escape', role: 'img', 'aria-label': escapeName(part.char), title: TIP },
            part.escape,
          ),
    ),
    '\u2069',
  );
  return span;
}
