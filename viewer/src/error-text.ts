import { escapeControlOfEscaped } from '../../contract/visible-text.js';
import { ApiError } from './api-client.js';
import { isolated } from './format.js';

/**
 * A failed load as the viewer words it: the API's status with its message, which may quote what was asked for
 * (a user id holding an override, a newline, a zero-width space). Its controls and invisible characters show as
 * escapes (`\u202e`, `\n`), as ids do (format.ts idText), so quoted text can neither show reversed nor hide a
 * character; its backslashes stay as they are, since the API writes what it quotes with JSON's escapes
 * (`"a\"b"`, `\u00A0`), which doubled would read as other text. The message is isolated as well.
 */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    return error.status === 0
      ? escapeControlOfEscaped(error.message)
      : `The API answered ${error.status}: ${isolated(escapeControlOfEscaped(error.message))}`;
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
