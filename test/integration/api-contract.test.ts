// The lookup API held to openapi.json with generated requests, valid and not, over DynamoDB Local holding what
// the writer stored: every answer is one the document lists for its route (status, body schema, headers), a
// 400 names a parameter at fault, a request with none at fault is answered, and no answer about one user holds
// another's sessions or events, whatever the path's case, encoding or slashes, or the cursor's origin.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { base64Id } from '../../contract/index.js';
import type { ApiHandler } from '../../functions/api/app.js';
import { matchRoute } from '../../functions/api/paths.js';
import { readableParameter } from '../../functions/api/responses.js';
import { eventsForSessions } from '../helpers/fake-session-reader.js';
import { integrationParams } from '../helpers/integration-property.js';
import { storedUser } from '../helpers/stored-items.js';
import { useLocalDynamoDb } from '../helpers/use-local-dynamodb.js';
import { apiEvent, type CallResult, gatewayEvent, query, send } from '../unit/api/api-event.js';
import { campaignHistory, T0 } from '../unit/api/lookup-fixture.js';
import { expectDocumented, type Json, openApi } from '../unit/api/openapi-validator.js';
import {
  type ContractRequest,
  contractRequest,
  listBinding,
  type MintedCursor,
  type RouteName,
  requests,
  sessionBinding,
  type World,
} from './api-contract-requests.js';
import { bad, ok } from './api-contract-values.js';
import { freshStore, ingest, lookupApiOn, storedSessions } from './store/store-harness.js';

/** Ids a slip apart (case, NFC and NFD, a slash), and ids a path must carry with care. */
const USERS = ['alice', 'Alice', 'a', 'a/b', 'é', 'e\u0301', 'x/sessions', 'q?r', 'ü😀 #%+&='];
const STITCHED = 'anon-1';
const TEMPLATES: Record<RouteName, string> = {
  getUser: '/users/{userId}',
  listSessions: '/users/{userId}/sessions',
  getSession: '/users/{userId}/sessions/{sessionId}',
};

const dynamo = useLocalDynamoDb();
const handlers = new Map<boolean, ApiHandler>();
let world: World;

const documentedParameters = (route: RouteName) =>
  ((openApi.paths[TEMPLATES[route]].get.parameters ?? []) as Json[])
    .filter((entry) => entry.in === 'query')
    .map((entry) => ({ name: entry.name as string, schema: entry.schema }));

function sendTo(request: Pick<ContractRequest, 'decoded' | 'rawPath' | 'rawQuery'>, method = 'GET') {
  const handler = handlers.get(request.decoded) as ApiHandler;
  const event = (request.decoded ? gatewayEvent : apiEvent)(method, request.rawPath, {
    query: request.rawQuery,
  });
  return send(handler, event);
}

/** Cursors the API hands out, each with the binding it was minted for. */
async function mintCursors(sessions: ReadonlyMap<string, readonly string[]>): Promise<MintedCursor[]> {
  const minted: MintedCursor[] = [];
  const filters: Record<string, string>[] = [
    {},
    { bounce: 'false' },
    { campaignSource: 'newsletter' },
    { from: '2024-01-01T12:00:00.000Z' },
  ];
  for (const userId of ['alice', 'Alice', 'a/b'])
    for (const order of ['asc', 'desc'])
      for (const filter of filters) {
        const rawQuery = query({ ...filter, order, limit: 1 });
        const result = await sendTo({
          decoded: false,
          rawPath: `/users/${encodeURIComponent(userId)}/sessions`,
          rawQuery,
        });
        const cursor = (result.body as { nextCursor: string | null }).nextCursor;
        if (cursor === null) continue;
        const from = filter.from === undefined ? null : Date.parse(filter.from);
        const bounce = filter.bounce === undefined ? null : filter.bounce === 'true';
        minted.push({
          cursor,
          binding: listBinding(userId, order, from, null, bounce, filter.campaignSource ?? null),
          route: 'listSessions',
          userId,
          params: { ...filter, order },
        });
      }
  for (const userId of ['alice', 'Alice'])
    for (const sessionId of sessions.get(userId) ?? []) {
      const path = `/users/${encodeURIComponent(userId)}/sessions/${sessionId}`;
      const result = await sendTo({ decoded: false, rawPath: path, rawQuery: 'limit=1' });
      const cursor = (result.body as { nextCursor: string | null }).nextCursor;
      if (cursor !== null)
        minted.push({
          cursor,
          binding: sessionBinding(userId, sessionId),
          route: 'getSession',
          userId,
          sessionId,
          params: {},
        });
    }
  return minted;
}

beforeAll(async () => {
  const store = await freshStore(dynamo.client);
  // Each user's sessions start at other milliseconds, so a session id names one user's session only.
  await ingest(store, [
    ...campaignHistory('alice', 12, T0),
    ...USERS.slice(1).flatMap((userId, index) => eventsForSessions(userId, 3, T0 + (index + 1) * 1000)),
  ]);
  const link = { userId: 'alice', timestamp: T0, eventId: 'm:login', canonical: '{}' };
  await store.transport.put(storedUser(STITCHED, [], { link }).head);
  handlers.set(false, lookupApiOn(store, { pathsDecoded: false }));
  handlers.set(true, lookupApiOn(store, { pathsDecoded: true }));
  const sessions = new Map<string, string[]>();
  for (const userId of USERS)
    sessions.set(
      userId,
      (await storedSessions(store, [userId])).map((session) => session.sessionId),
    );
  world = {
    users: [...USERS, STITCHED],
    sessions,
    minted: await mintCursors(sessions),
    documented: {
      getUser: documentedParameters('getUser'),
      listSessions: documentedParameters('listSessions'),
      getSession: documentedParameters('getSession'),
    },
  };
});

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** What a 200 shows belongs to the user it names: its sessions are that user's, and its events too. */
function expectOneUser(route: RouteName, body: Json): void {
  const userId = body.userId as string;
  const own = world.sessions.get(userId) ?? [];
  const sessions: Json[] = route === 'listSessions' ? body.sessions : route === 'getSession' ? [body] : [];
  for (const session of sessions) {
    expect(session.userId).toBe(userId);
    expect(own).toContain(session.sessionId);
  }
  const eventId = new RegExp(`^[mh]:${escaped(userId)}-\\d+-\\d+$`);
  for (const event of route === 'getSession' ? body.events : []) expect(event.id).toMatch(eventId);
}

/** Statuses seen per route, and the parameters seen named by a 400 and accepted by a 200. */
const seen = { statuses: new Set<string>(), named: new Set<string>(), accepted: new Set<string>() };

function expectContract(request: ContractRequest, result: CallResult): void {
  const what = `${request.decoded ? 'decoded' : 'encoded'} ${request.rawPath}?${request.rawQuery} → ${result.status} ${JSON.stringify(result.body)}`;
  const route = matchRoute(request.rawPath);
  expect(route, what).toBeDefined();
  const template = TEMPLATES[route?.name as RouteName];
  expect(Object.keys(openApi.paths[template].get.responses), what).toContain(String(result.status));
  seen.statuses.add(`${template} ${result.status}`);
  expectDocumented(template, result);
  const body = result.body as Json;
  if (result.status === 400) {
    const { parameter, message } = body.error as { parameter: string; message: string };
    seen.named.add(`${request.route} ${parameter}`);
    const start =
      parameter === '' ? 'The query has a parameter without a name' : `${readableParameter(parameter)} `;
    expect(message.startsWith(start), what).toBe(true);
    if (!request.unpredicted) expect([...request.faults], what).toContain(parameter);
  }
  if (result.status === 200) {
    expectOneUser(route?.name as RouteName, body);
    if (request.userId !== undefined) expect(body.userId, what).toBe(request.userId);
    for (const name of new URLSearchParams(request.rawQuery).keys())
      seen.accepted.add(`${request.route} ${name}`);
  }
  if (request.unpredicted) return;
  if (request.faults.size > 0) {
    const ownerKnown =
      request.userId === STITCHED || (world.sessions.get(request.userId ?? '') ?? []).length > 0;
    const unknownUsersPath = request.ownerDecides && !ownerKnown && request.rawQuery === '';
    expect(unknownUsersPath ? [400, 404] : [400], what).toContain(result.status);
    // The path is an unknown user's id, and the one before its /sessions/ is known: the session id is wrong.
    if (request.ownerDecides && ownerKnown) expect(body.error.parameter, what).toBe('sessionId');
    return;
  }
  const userId = request.userId as string;
  if (userId === STITCHED) {
    expect(result.status, what).toBe(307);
    const location = new URL(result.headers.location as string, 'https://api.example');
    expect(location.searchParams.has('cursor'), what).toBe(false);
    expect(body.error.userId).toBe('alice');
    expect(matchRoute(location.pathname)?.name, what).toBe(request.route);
    return;
  }
  const own = world.sessions.get(userId);
  const found =
    own !== undefined && (request.route !== 'getSession' || own.includes(request.sessionId as string));
  expect(result.status, what).toBe(found ? 200 : 404);
}

/** A valid and a faulty value of every documented parameter, and each route for a stitched and an unknown id. */
function examples(decoded: boolean): [ContractRequest, string][] {
  const alice = world.sessions.get('alice')?.[0] as string;
  const segment = (userId: string) => (decoded ? userId : encodeURIComponent(userId));
  const requests: ContractRequest[] = [];
  const valid: Record<string, string> = {
    from: '2024-01-01T00:00:00.000Z',
    to: '2024-01-02T00:00:00.000Z',
    order: 'asc',
    limit: '1',
    bounce: 'true',
    campaignSource: 'ads',
  };
  for (const route of ['getUser', 'listSessions', 'getSession'] as RouteName[]) {
    for (const userId of ['alice', STITCHED, 'nobody'])
      requests.push(contractRequest(world, route, decoded, { segment: segment(userId), userId }, alice, []));
    for (const { name } of world.documented[route]) {
      const good =
        name === 'cursor'
          ? world.minted.find(
              (m) =>
                m.route === route &&
                m.userId === 'alice' &&
                Object.keys(m.params).length <= 1 &&
                m.params.order !== 'asc',
            )
          : undefined;
      const value = name === 'cursor' ? good?.cursor : valid[name];
      const sessionId = good?.sessionId ?? alice;
      for (const given of [ok(value ?? ''), bad('')])
        requests.push(
          contractRequest(world, route, decoded, { segment: segment('alice'), userId: 'alice' }, sessionId, [
            { name, rawName: name, value: given },
          ]),
        );
    }
  }
  return requests.map((request) => [request, 'GET']);
}

describe('lookup API against openapi.json', () => {
  it.each([false, true])('answers generated requests as documented (paths decoded: %s)', async (decoded) => {
    await fc.assert(
      fc.asyncProperty(
        requests(world, decoded),
        fc.constantFrom('GET', 'GET', 'GET', 'GET', 'HEAD', 'POST', 'OPTIONS'),
        async (request, method) => {
          const result = await sendTo(request);
          expectContract(request, result);
          if (request.userId !== undefined && !request.unpredicted) {
            // The id's ~b64. form names the same user: the same answer.
            const rawPath = `/users/${base64Id(request.userId)}${request.tail}`;
            const same = await sendTo({ ...request, rawPath });
            const what = `${rawPath}?${request.rawQuery} vs ${request.rawPath}: ${JSON.stringify(same.body)} vs ${JSON.stringify(result.body)}`;
            expect(same.status, what).toBe(result.status);
            expect(same.body, what).toEqual(result.body);
          }
          if (method === 'GET') return;
          const other = await sendTo(request, method);
          const template = TEMPLATES[matchRoute(request.rawPath)?.name as RouteName];
          if (method === 'OPTIONS') {
            // Not among the document's operations; its description says: 204 with Allow, and no body.
            const { Allow } = openApi.components.responses.MethodNotAllowed.headers;
            expect(other.status).toBe(204);
            expect(other.headers.allow).toBe(Allow.schema.const);
            expect(other.headers['cache-control']).toBe(openApi.components.headers.CacheControl.schema.const);
            expect(other.raw.body).toBeUndefined();
            return;
          }
          if (method === 'POST') {
            expect(other.status).toBe(405);
            seen.statuses.add(`${template} 405`);
            expectDocumented(template, other);
            return;
          }
          // HEAD: GET's status and headers, content-length the body's, and no body.
          expect(other.status).toBe(result.status);
          expect(other.raw.body).toBeUndefined();
          expect(other.headers['content-length']).toBe(String(Buffer.byteLength(result.raw.body ?? '')));
        },
      ),
      { ...integrationParams(200), examples: examples(decoded) },
    );
  });

  it('reached every documented status but 500, and named and accepted every documented parameter', () => {
    for (const route of ['getUser', 'listSessions', 'getSession'] as RouteName[]) {
      const template = TEMPLATES[route];
      for (const status of Object.keys(openApi.paths[template].get.responses).filter((s) => s !== '500'))
        expect([...seen.statuses]).toContain(`${template} ${status}`);
      for (const { name } of world.documented[route]) {
        expect([...seen.named]).toContain(`${route} ${name}`);
        expect([...seen.accepted]).toContain(`${route} ${name}`);
      }
    }
  });
});
