import { describe, expect, it } from 'vitest';
import { sessionIdFor, startedAtFromSessionId } from '../../../../functions/domain/sessions/session.js';

describe('sessionIdFor', () => {
  it('writes the start in compact UTC form and reads it back', () => {
    const start = Date.UTC(2024, 0, 2, 8, 30, 5, 7);
    expect(sessionIdFor(start)).toBe('20240102T083005007Z');
    expect(startedAtFromSessionId('20240102T083005007Z')).toBe(start);
    expect(startedAtFromSessionId(sessionIdFor(Date.parse('0050-06-01T00:00:00Z')))).toBe(
      Date.parse('0050-06-01T00:00:00Z'),
    );
  });

  it('reads no start from text that is not a session id', () => {
    expect(startedAtFromSessionId('2024-01-02T08:30:05.007Z')).toBeUndefined();
    expect(startedAtFromSessionId('20240230T000000000Z')).toBeUndefined();
  });
});
