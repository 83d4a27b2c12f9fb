import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { API_ROUTES, type ApiRouteName, base64Id, MAX_EVENT_LIMIT } from '../../../contract/index.js';
import { MAX_STITCHED_SAMPLE } from '../../../functions/adapters/dynamodb/head.js';
import { DynamoDbSessionReader } from '../../../functions/adapters/dynamodb/session-reader.js';
import { Transport } from '../../../functions/adapters/dynamodb/transport.js';
import { ALLOWED_METHODS } from '../../../functions/api/app.js';
import { MAX_CURSOR_LENGTH } from '../../../functions/api/cursor.js';
import { DEFAULT_LIMIT, MAX_LIMIT } from '../../../functions/api/query-params.js';
import { MAX_DISPLAY_LENGTH } from '../../../functions/domain/events/display-text.js';
import { CAMPAIGN_MEMBERS, EVENT_TYPES } from '../../../functions/domain/events/event.js';
import { MAX_ANONYMOUS_IDS } from '../../../functions/domain/sessions/attributes.js';
import { ROUTE_TARGETS } from '../../../lib/constructs/api.js';
import {
  eventsForSessions,
  FailingSessionReader,
  FakeSessionReader,
} from '../../helpers/fake-session-reader.js';
import { MockTable } from '../../helpers/mock-table.js';
import { storedUser } from '../../helpers/stored-items.js';
import { b64Id, call, errorOf, query, userPath } from './api-event.js';
import { campaignHistory, makeHandler, T0 } from './lookup-fixture.js';
import { covered, expectDocumented, type Json, openApi, validatorFor } from './openapi-validator.js';

const USER = '/users/{userId}';
const SESSIONS = '/users/{userId}/sessions';
const SESSION = '/users/{userId}/sessions/{sessionId}';
const SESSION_ID = '20240101T090000000Z';
const LINK = { userId: 'alice', timestamp: T0, eventId: 'm:login', canonical: '{}' };

const lookupRoutes = (Object.keys(ROUTE_TARGETS) as ApiRouteName[]).filter(
  (name) => ROUTE_TARGETS[name] === 'lookup',
);

/** The lookup handler over the fake reader: alice with attributes to filter on, anon-1 stitched to her. */
function fakeHandler() {
  const reader = FakeSessionReader.fromEvents([
    ...campaignHistory('alice', 30),
    ...eventsForSessions('anon-2', 2, T0),
  ]);
  reader.stitched.set('anon-1', 'alice');
  reader.stitched.set('anon-2', 'alice');
  return makeHandler({ reader }).handler;
}

/** The same data behind the real reader, over a mocked DynamoDB client. */
function dynamoDbHandler() {
  const table = new MockTable('sessions');
  table.serve(mockClient(DynamoDBClient));
  const alice = storedUser('alice', campaignHistory('alice', 30), { stitchedSample: ['anon-1', 'anon-2'] });
  const anon2 = storedUser('anon-2', eventsForSessions('anon-2', 2, T0), { link: LINK });
  table.put(
    alice.head,
    ...alice.items,
    storedUser('anon-1', [], { link: LINK }).head,
    anon2.head,
    ...anon2.items,
  );
  const transport = new Transport({
    client: new DynamoDBClient({ region: 'eu-west-1' }),
    tableName: 'sessions',
  });
  return makeHandler({ reader: new DynamoDbSessionReader(transport) }).handler;
}

const handler = fakeHandler();
const failing = makeHandler({ reader: new FailingSessionReader() }).handler;

describe('openapi.json', () => {
  it('documents the public routes of contract/, under their names as operation ids', () => {
    expect(openApi.openapi).toMatch(/^3\.1\.\d+$/);
    const documented = Object.entries<Json>(openApi.paths).flatMap(([path, item]) =>
      Object.entries<Json>(item)
        .filter(([key]) => key !== 'parameters')
        .map(([method, operation]) => `${method.toUpperCase()} ${path} ${operation.operationId}`),
    );
    const contract = (Object.keys(API_ROUTES) as ApiRouteName[]).map(
      (name) => `${API_ROUTES[name].method} ${API_ROUTES[name].path} ${name}`,
    );
    expect(documented.sort()).toEqual(contract.sort());
  });

  it('documents the lookup function’s routes as GET only, the methods it serves besides being HEAD and OPTIONS', () => {
    expect(lookupRoutes.sort()).toEqual(['getSession', 'getUser', 'listSessions']);
    for (const name of lookupRoutes) {
      const item = openApi.paths[API_ROUTES[name].path];
      expect(Object.keys(item).filter((key) => key !== 'parameters')).toEqual(['get']);
    }
  });

  it('states the same limits, enums and defaults as the code', () => {
    const list = openApi.paths[SESSIONS].get.parameters as Json[];
    const param = (name: string) => list.find((entry) => entry.name === name).schema;
    const schemas = openApi.components.schemas;
    expect(param('limit')).toMatchObject({ minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT });
    expect(param('order')).toMatchObject({ enum: ['asc', 'desc'], default: 'desc' });
    expect(param('cursor').maxLength).toBe(MAX_CURSOR_LENGTH);
    expect(param('bounce').enum).toEqual(['true', 'false']);
    expect(schemas.TimelineEvent.properties.type.enum).toEqual([...EVENT_TYPES]);
    expect(Object.keys(schemas.Campaign.properties)).toEqual([...CAMPAIGN_MEMBERS]);
    expect(schemas.SessionFields.properties.anonymousIds.maxItems).toBe(MAX_ANONYMOUS_IDS);
    expect(schemas.UserSummary.properties.anonymousIds.properties.items.maxItems).toBe(MAX_STITCHED_SAMPLE);
    expect(schemas.SessionPage.properties.sessions.maxItems).toBe(MAX_LIMIT);
    expect(openApi.components.responses.MethodNotAllowed.headers.Allow.schema.const).toBe(ALLOWED_METHODS);
  });

  // Shown text (rule 9: page fields, campaign members) and an event's id and messageId are cut to
  // MAX_DISPLAY_LENGTH UTF-16 code units; JSON Schema's maxLength counts code points, so it states the bound
  // those units imply (a code point is one or two), and each description says the exact one.
  it('bounds the text the API cuts for display by maxLength, as the code points it implies', () => {
    const schemas = openApi.components.schemas;
    const event = schemas.TimelineEvent.properties;
    // A sent value is any JSON value: the bound is that of its string form.
    const sentString = (schemas.SentValue.anyOf as Json[] | undefined)?.find(
      (form) => form.type === 'string',
    );
    for (const [described, bounded] of [
      [event.id, event.id],
      [event.messageId, event.messageId],
      [schemas.SentValue, sentString],
    ]) {
      expect(bounded?.maxLength).toBe(MAX_DISPLAY_LENGTH);
      expect(described.description).toContain(`${MAX_DISPLAY_LENGTH.toLocaleString('en')} UTF-16 code units`);
      expect(described.description).toContain('`maxLength` counts code points');
    }
    for (const member of CAMPAIGN_MEMBERS) {
      expect(schemas.Campaign.properties[member].$ref).toBe('#/components/schemas/SentValue');
    }
  });

  it('refuses a campaign string or an event id past the bound, and a sent value of another type at any length', async () => {
    const session = (await call(handler, 'GET', userPath('alice', 'sessions', SESSION_ID))).body as Json;
    const validate = validatorFor(SESSION, 200);
    const [event] = session.events;
    const at = 'x'.repeat(MAX_DISPLAY_LENGTH);
    const past = 'x'.repeat(MAX_DISPLAY_LENGTH + 1);
    const campaign = { source: at, medium: null, name: { long: past }, term: 42, content: '😀'.repeat(512) };
    expect(validate({ ...session, campaign })).toBe(true);
    expect(validate({ ...session, events: [{ ...event, id: `m:${at.slice(2)}`, messageId: at }] })).toBe(
      true,
    );
    for (const broken of [
      { ...session, campaign: { ...campaign, source: past } },
      { ...session, events: [{ ...event, id: `m:${at}` }] },
      { ...session, events: [{ ...event, messageId: past }] },
    ]) {
      expect(validate(broken)).toBe(false);
    }
  });

  it('documents the query parameters a session reads, with the bounds it enforces', async () => {
    const parameters = openApi.paths[SESSION].get.parameters as Json[];
    expect(parameters.map((entry) => entry.name).sort()).toEqual(['cursor', 'limit']);
    const param = (name: string) => parameters.find((entry) => entry.name === name).schema;
    expect(param('limit')).toMatchObject({ minimum: 1, maximum: MAX_EVENT_LIMIT, default: MAX_EVENT_LIMIT });
    expect(param('cursor').maxLength).toBe(MAX_CURSOR_LENGTH);
    expect(openApi.components.schemas.SessionDetail.properties.events.maxItems).toBe(MAX_EVENT_LIMIT);
    for (const name of ['limit', 'cursor']) {
      const result = await call(handler, 'GET', userPath('alice', 'sessions', SESSION_ID), {
        query: `${name}=a&${name}=b`,
      });
      expect(errorOf(result).parameter, name).toBe(name);
    }
  });

  it('documents exactly the query parameters the list reads, with the bounds it enforces', async () => {
    const documented = (openApi.paths[SESSIONS].get.parameters as Json[]).map((entry) => entry.name);
    expect(documented.sort()).toEqual(['bounce', 'campaignSource', 'cursor', 'from', 'limit', 'order', 'to']);
    expect(openApi.components.schemas.Error.properties.error.properties.parameter.anyOf[0].enum).toEqual(
      expect.arrayContaining(['userId', 'sessionId', ...documented]),
    );
    for (const name of documented) {
      // Only a parameter the route reads is refused when repeated.
      const result = await call(handler, 'GET', userPath('alice', 'sessions'), {
        query: `${name}=a&${name}=b`,
      });
      expect(errorOf(result).parameter, name).toBe(name);
    }
    const source = (openApi.paths[SESSIONS].get.parameters as Json[]).find(
      (entry) => entry.name === 'campaignSource',
    );
    // JSON Schema's maxLength counts code points and the bound is in UTF-16 code units: the schema states the
    // bound in code points it implies (a code point is one or two units), and the text the exact one.
    // Sent as text (the first branch) or in the `~b64.` form, up to three bytes a code unit (a lone surrogate).
    expect(source.schema.anyOf[0].maxLength).toBe(MAX_DISPLAY_LENGTH);
    expect(source.schema.anyOf[1].maxLength).toBe(base64Id('\ud800'.repeat(MAX_DISPLAY_LENGTH)).length);
    expect(source.description).toContain(`${MAX_DISPLAY_LENGTH.toLocaleString('en')} UTF-16 code units`);
    expect(source.description).toContain('`maxLength` counts code points');
    for (const [text, status] of [
      ['s'.repeat(MAX_DISPLAY_LENGTH), 200],
      ['s'.repeat(MAX_DISPLAY_LENGTH + 1), 400],
      ['😀'.repeat(MAX_DISPLAY_LENGTH / 2), 200],
      [`${'s'.repeat(MAX_DISPLAY_LENGTH - 1)}😀`, 400],
    ] as const) {
      const result = await call(handler, 'GET', userPath('alice', 'sessions'), {
        query: query({ campaignSource: text }),
      });
      expect(result.status).toBe(status);
    }
  });

  it('has strict schemas: an undocumented, missing or mistyped field fails', async () => {
    const session = (await call(handler, 'GET', userPath('alice', 'sessions', SESSION_ID))).body as Json;
    const validate = validatorFor(SESSION, 200);
    expect(validate(session)).toBe(true);
    const [event] = session.events;
    for (const broken of [
      { ...session, extra: 1 },
      { ...session, bounce: undefined },
      { ...session, bounce: 'true' },
      { ...session, entryPage: { ...session.entryPage, extra: 1 } },
      { ...session, campaign: { source: 'x' } },
      { ...session, device: { type: 1, os: null, browser: null } },
      { ...session, anonymousIds: Array.from({ length: 11 }, (_, index) => `d${index}`) },
      { ...session, events: [{ ...event, extra: 1 }] },
      { ...session, events: [{ ...event, anonymousId: undefined }] },
    ]) {
      expect(validate(JSON.parse(JSON.stringify(broken)))).toBe(false);
    }
    const { events: _events, nextCursor: _next, ...listed } = session;
    expect(validatorFor(SESSIONS, 200)({ userId: 'alice', sessions: [listed], nextCursor: null })).toBe(true);
    expect(validatorFor(SESSIONS, 200)({ userId: 'alice', sessions: [session], nextCursor: null })).toBe(
      false,
    );
  });

  describe.each([
    ['the fake reader', handler],
    ['the real reader over a mocked DynamoDB client', dynamoDbHandler()],
  ])('matches the responses built from %s', (_source, lookup) => {
    it.each([
      ['user', 200, userPath('alice')],
      ['stitched anonymousId', 307, userPath('anon-1')],
      ['stitched anonymousId with sessions of its own', 200, userPath('anon-2')],
      ['unknown user', 404, userPath('nobody')],
      ['user id with escapes that are no UTF-8, as behind API Gateway', 404, '/users/%ZZ'],
      ['~b64. id followed by escapes that are no UTF-8', 400, '/users/~b64.YQ/%ZZ'],
      ['user id over 512 bytes', 400, userPath('x'.repeat(513))],
      ['bad ~b64. id', 400, '/users/~b64.YQ=='],
      ['empty user id', 400, '/users/'],
      ['misshapen session id of a known user', 400, userPath('alice', 'sessions', 'latest')],
    ])(`GET ${USER}: %s → %i`, async (_what, status, path) => {
      const result = await call(lookup, 'GET', path);
      expect(result.status).toBe(status);
      expectDocumented(USER, result);
    });

    it(`GET ${USER}: a query parameter, which it does not take → 400`, async () => {
      const result = await call(lookup, 'GET', userPath('alice'), { query: 'limit=5' });
      expect(result.status).toBe(400);
      expectDocumented(USER, result);
    });

    it.each([
      ['first page', 200, userPath('alice', 'sessions'), 'limit=5'],
      ['last page', 200, userPath('alice', 'sessions'), 'limit=50&order=asc'],
      ['bounces', 200, userPath('alice', 'sessions'), 'bounce=true&limit=3'],
      ['a campaign', 200, userPath('alice', 'sessions'), 'campaignSource=ads&order=asc'],
      ['empty range', 200, userPath('alice', 'sessions'), 'from=2030-01-01T00:00:00Z'],
      ['the ~b64. form', 200, userPath(b64Id('alice'), 'sessions'), ''],
      ['stitched anonymousId', 307, userPath('anon-1', 'sessions'), 'limit=5'],
      ['unknown user', 404, userPath('nobody', 'sessions'), ''],
      ['bad limit', 400, userPath('alice', 'sessions'), 'limit=0'],
      ['bad order', 400, userPath('alice', 'sessions'), 'order=sideways'],
      ['bad from', 400, userPath('alice', 'sessions'), 'from=soon'],
      ['bad to', 400, userPath('alice', 'sessions'), 'to=2024-02-30T00:00:00Z'],
      [
        'from after to',
        400,
        userPath('alice', 'sessions'),
        'from=2024-02-01T00:00:00Z&to=2024-01-01T00:00:00Z',
      ],
      ['bad cursor', 400, userPath('alice', 'sessions'), 'cursor=AAAA.BBBB'],
      ['bad bounce', 400, userPath('alice', 'sessions'), 'bounce=maybe'],
      ['empty campaignSource', 400, userPath('alice', 'sessions'), 'campaignSource='],
      ['misspelt filter', 400, userPath('alice', 'sessions'), 'campaign_source=ads'],
      ['bad user id', 400, '/users/~b64.%C3/sessions', ''],
      ['user id with escapes that are no UTF-8, as behind API Gateway', 404, '/users/%C3/sessions', ''],
    ])(`GET ${SESSIONS}: %s → %i`, async (_what, status, path, rawQuery) => {
      const result = await call(lookup, 'GET', path, { query: rawQuery });
      expect(result.status).toBe(status);
      expectDocumented(SESSIONS, result);
    });

    it(`GET ${SESSIONS}: a page reached by cursor → 200`, async () => {
      const first = await call(lookup, 'GET', userPath('alice', 'sessions'), {
        query: 'limit=3&bounce=false',
      });
      const cursor = (first.body as { nextCursor: string }).nextCursor;
      const second = await call(lookup, 'GET', userPath('alice', 'sessions'), {
        query: query({ limit: 3, bounce: false, cursor }),
      });
      expect(second.status).toBe(200);
      expectDocumented(SESSIONS, second);
    });

    it.each([
      ['session', 200, userPath('alice', 'sessions', '20240101T103000000Z')],
      ['stitched anonymousId', 307, userPath('anon-1', 'sessions', SESSION_ID)],
      ['unknown session', 404, userPath('alice', 'sessions', '20240101T103000001Z')],
      ['unknown user', 404, userPath('nobody', 'sessions', SESSION_ID)],
      ['bad user id', 400, `/users/~b64.%E0%A4%A/sessions/${SESSION_ID}`],
      [
        'user id with escapes that are no UTF-8, as behind API Gateway',
        404,
        `/users/%E0%A4%A/sessions/${SESSION_ID}`,
      ],
      ['bad limit', 400, `${userPath('alice', 'sessions', SESSION_ID)}?limit=0`],
      ['bad cursor', 400, `${userPath('alice', 'sessions', SESSION_ID)}?cursor=AAAA.BBBB`],
      ['a parameter of the list', 400, `${userPath('alice', 'sessions', SESSION_ID)}?order=desc`],
    ])(`GET ${SESSION}: %s → %i`, async (_what, status, pathAndQuery) => {
      const [path = '', rawQuery = ''] = pathAndQuery.split('?');
      const result = await call(lookup, 'GET', path, { query: rawQuery });
      expect(result.status).toBe(status);
      expectDocumented(SESSION, result);
    });
  });

  it.each([
    [USER, userPath('alice')],
    [SESSIONS, userPath('alice', 'sessions')],
    [SESSION, userPath('alice', 'sessions', SESSION_ID)],
  ])('%s → 405 for POST and 500 when the store fails', async (template, path) => {
    const notAllowed = await call(handler, 'POST', path);
    expect(notAllowed.status).toBe(405);
    expectDocumented(template, notAllowed);
    const failed = await call(failing, 'GET', path);
    expect(failed.status).toBe(500);
    expectDocumented(template, failed);
  });

  it('an unknown route answers the documented 404 shape', async () => {
    const result = await call(handler, 'GET', '/nope');
    expect(result.status).toBe(404);
    expect(validatorFor(USER, 404)(result.body)).toBe(true);
  });

  it('every documented response of the lookup routes was exercised', () => {
    const documented = lookupRoutes.flatMap((name) => {
      const { path } = API_ROUTES[name];
      return Object.keys(openApi.paths[path].get.responses).map((status) => `${path} ${status}`);
    });
    expect([...covered].sort()).toEqual(documented.sort());
  });
});
