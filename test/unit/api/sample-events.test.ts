import { readFileSync } from 'node:fs';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { eventsForSessions, FakeSessionReader } from '../../helpers/fake-session-reader.js';
import { send } from './api-event.js';
import { makeHandler, T0 } from './lookup-fixture.js';

function sample(name: string): APIGatewayProxyEventV2 {
  return JSON.parse(readFileSync(new URL(`../../../events/lambda/${name}`, import.meta.url), 'utf8'));
}

const LIST = sample('api-list-sessions.json');
const DECODED_SESSION = sample('api-get-session-decoded-path.json');

describe('the sample API Gateway events in events/lambda/', () => {
  it('api-list-sessions.json lists the sample user’s sessions oldest first', async () => {
    const { handler } = makeHandler({
      reader: FakeSessionReader.fromEvents(eventsForSessions('user_1001', 3, T0)),
      pathsDecoded: true,
    });
    const result = await send(handler, structuredClone(LIST));
    expect(result.status).toBe(200);
    const body = result.body as { userId: string; sessions: { sessionNumber: number }[]; nextCursor: null };
    expect(body.userId).toBe('user_1001');
    expect(body.sessions.map((session) => session.sessionNumber)).toEqual([1, 2, 3]);
    expect(body.nextCursor).toBeNull();
  });

  it('api-get-session-decoded-path.json reaches a session of a user id holding / and a space', async () => {
    const userId = 'acme/user 1001';
    // Sessions at 08:30, 10:00 and 11:30 on 2 January; the sample asks for the one at 10:00.
    const reader = FakeSessionReader.fromEvents(eventsForSessions(userId, 3, Date.UTC(2024, 0, 2, 8, 30)));
    const { handler } = makeHandler({ reader, pathsDecoded: true });
    const event = structuredClone(DECODED_SESSION);
    expect(event.rawPath).toBe(`/users/${userId}/sessions/20240102T100000000Z`);
    const result = await send(handler, event);
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({
      userId,
      sessionId: '20240102T100000000Z',
      sessionNumber: 2,
      eventCount: 2,
    });
  });
});
