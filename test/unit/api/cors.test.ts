import { describe, expect, it } from 'vitest';
import { call, userPath } from './api-event.js';
import { makeHandler, ODD_USER } from './lookup-fixture.js';

const ORIGIN = 'https://app.example.com';

describe('CORS', () => {
  it('sends no CORS headers when none are configured', async () => {
    const { handler } = makeHandler();
    const result = await call(handler, 'GET', userPath('alice'), { headers: { origin: ORIGIN } });
    expect(result.headers['access-control-allow-origin']).toBeUndefined();
    expect(result.headers.vary).toBeUndefined();
  });

  it('echoes an allowed origin on success and on every error', async () => {
    const { handler } = makeHandler({ corsAllowedOrigins: [ORIGIN, 'https://other.example.com'] });
    for (const [method, path] of [
      ['GET', userPath('alice')],
      ['GET', userPath('nobody')],
      ['GET', '/users/%ZZ'],
      ['GET', '/nope'],
      ['POST', userPath('alice')],
    ] as const) {
      const result = await call(handler, method, path, { headers: { origin: ORIGIN } });
      expect(result.headers['access-control-allow-origin'], `${method} ${path}`).toBe(ORIGIN);
      expect(result.headers.vary).toBe('origin');
      expect(result.headers['access-control-allow-methods']).toBeUndefined();
    }
  });

  it('does not allow an origin outside the list but still varies on it', async () => {
    const { handler } = makeHandler({ corsAllowedOrigins: [ORIGIN] });
    const result = await call(handler, 'GET', userPath('alice'), {
      headers: { origin: 'https://evil.example.com' },
    });
    expect(result.status).toBe(200);
    expect(result.headers['access-control-allow-origin']).toBeUndefined();
    expect(result.headers.vary).toBe('origin');
  });

  it('allows any origin with *, whatever the header’s case', async () => {
    const { handler } = makeHandler({ corsAllowedOrigins: ['*'] });
    const result = await call(handler, 'GET', userPath('alice'), {
      headers: { Origin: 'http://localhost:5173' },
    });
    expect(result.headers['access-control-allow-origin']).toBe('http://localhost:5173');
  });

  // API Gateway answers preflights itself (lib/config/api-cors.ts), and the local stand-in does too: the
  // function's answer to an OPTIONS carries the CORS headers of any other answer, never a preflight's.
  it('adds no preflight headers of its own to an OPTIONS answer, whatever the request asks', async () => {
    const { handler } = makeHandler({ corsAllowedOrigins: [ORIGIN] });
    const result = await call(handler, 'OPTIONS', userPath(ODD_USER, 'sessions'), {
      headers: {
        origin: ORIGIN,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'x-trace',
      },
    });
    expect(result.status).toBe(204);
    expect(result.raw.body).toBeUndefined();
    expect(result.headers).toEqual({
      allow: 'GET, HEAD, OPTIONS',
      'cache-control': 'private, no-store',
      vary: 'origin',
      'access-control-allow-origin': ORIGIN,
    });
  });
});
