import { escapeControlOfEscaped } from '../../contract/visible-text.js';
import { ApiError } from './api-client.js';
import { isolated } from './format.js';

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
