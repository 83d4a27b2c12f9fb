import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../viewer/src/api-client.js';
import { errorText, mayRetry } from '../../../viewer/src/error-text.js';

describe('errorText', () => {
  it("gives the API's status, its message isolated since it may quote what was asked for", () => {
    expect(errorText(new ApiError(400, 'invalid_cursor', 'cursor is not a valid cursor'))).toBe(
      'The API answered 400: \u2068cursor is not a valid cursor\u2069',
    );
    // Right-to-left text in the message cannot reorder the words around it: its override is closed inside.
    expect(errorText(new ApiError(404, 'not_found', 'no user \u202Eevil'))).toBe(
      'The API answered 404: \u2068no user \u202Eevil\u202C\u2069',
    );
  });

  it("keeps the viewer's own isolates in its messages, and shows another error's controls as escapes", () => {
    const own = '\u2068anon\u2069 is now an anonymousId stitched to user \u2068alice\u2069';
    expect(errorText(new ApiError(307, 'stitched', own, 'alice'))).toBe(
      `The API answered 307: \u2068${own}\u2069`,
    );
    expect(errorText(new TypeError('bad\u0000byte'))).toBe('bad\\x00byte');
  });

  it('says what failed when no answer came back', () => {
    expect(errorText(new ApiError(0, 'network', 'Could not reach the API.'))).toBe(
      'Could not reach the API.',
    );
    expect(errorText(new TypeError('Failed to fetch'))).toBe('Failed to fetch');
    expect(errorText('aborted')).toBe('aborted');
  });

  it('offers no retry for a refused request nor for an id stitched to another user since', () => {
    expect(mayRetry(new ApiError(500, 'internal_error', 'Internal error'))).toBe(true);
    expect(mayRetry(new ApiError(400, 'bad_request', 'cursor is not a valid cursor'))).toBe(false);
    expect(mayRetry(new ApiError(307, 'stitched', 'anon-1 is now stitched', 'alice'))).toBe(false);
  });
});
