import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../viewer/src/api-client.js';
import { errorText, mayRetry } from '../../../viewer/src/error-text.js';

describe('errorText', () => {
  it("gives the API's status, its message isolated since it may quote what was asked for", () => {
    expect(errorText(new ApiError(400, 'invalid_cursor', 'cursor is not a valid cursor'))).toBe(
      'The API answered 400: \u2068cursor is not a valid cursor\u2069',
    );
    // An override quoted in the message shows as its escape, as in an id: it reverses nothing.
    expect(errorText(new ApiError(404, 'not_found', 'no user \u202Eevil'))).toBe(
      'The API answered 404: \u2068no user \\u202eevil\u2069',
    );
  });

  it('shows controls and invisible characters in a message as escapes, its own escapes as they are', () => {
    expect(errorText(new ApiError(400, 'bad_request', 'userId "a\\"b\nc\u200b" is refused'))).toBe(
      'The API answered 400: \u2068userId "a\\"b\\nc\\u200b" is refused\u2069',
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
