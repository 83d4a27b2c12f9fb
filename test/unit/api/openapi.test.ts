import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it, vi } from 'vitest';
import {
  ALLOWED_METHODS,
  type ApiHandler,
  createApiHandler,
  JSON_CONTENT_TYPE,
} from '../../../functions/api/app.js';
import { MAX_CURSOR_LENGTH } from '../../../functions/api/cursor.js';
import { DEFAULT_LIMIT, MAX_LIMIT } from '../../../functions/api/routes.js';
import { EVENT_TYPES } from '../../../functions/domain/event.js';
import type { SessionReader } from '../../../functions/domain/session-store.js';
import {
  eventsForSessions,
  FailingSessionReader,
  FakeSessionReader,
} from '../../helpers/fake-session-reader.js';
import { type CallResult, call, query, TEST_SIGNING_KEY, userPath } from './api-event.js';

// biome-ignore lint/suspicious/noExplicitAny: an OpenAPI document is walked by key
type Json = any;

const DOC_ID = 'https://sessionizer.example/openapi.json';
const doc: Json = JSON.parse(
  readFileSync(new URL('../../../functions/api/openapi.json', import.meta.url), 'utf8'),
);

const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats.default(ajv);
// The component schemas become $defs of one registered schema, so strict mode sees only JSON Schema keywords.
const asRegistered = (schema: Json): Json =>
  JSON.parse(JSON.stringify(schema).replaceAll('"#/components/schemas/', `"${DOC_ID}#/$defs/`));
ajv.addSchema({ $id: DOC_ID, $defs: asRegistered(doc.components.schemas) });

function responseObject(template: string, status: number): Json {
  const response = doc.paths[template]?.get?.responses?.[String(status)];
  if (response === undefined) throw new Error(`openapi.json documents no ${status} for GET ${template}`);
  if (response.$ref === undefined) return response;
  const name = (response.$ref as string).replace('#/components/responses/', '');
  return doc.components.responses[name];
}

const validators = new Map<string, ReturnType<typeof ajv.compile>>();

/** Validator of the documented JSON body of GET `template` answering `status`. */
function validatorFor(template: string, status: number) {
  const key = `${template} ${status}`;
  let validate = validators.get(key);
  if (validate === undefined) {
    const schema = responseObject(template, status).content?.['application/json']?.schema;
    if (schema === undefined) throw new Error(`no application/json schema for ${key}`);
    validate = ajv.compile(asRegistered(schema));
    validators.set(key, validate);
  }
  return validate;
}

const covered = new Set<string>();

function expectDocumented(template: string, result: CallResult): void {
  covered.add(`${template} ${result.status}`);
  expect(result.headers['content-type']).toBe(JSON_CONTENT_TYPE);
  const validate = validatorFor(template, result.status);
  const valid = validate(result.body);
  expect(
    valid,
    `${template} ${result.status}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(result.body)}`,
  ).toBe(true);
  const headers = responseObject(template, result.status).headers ?? {};
  for (const [name, spec] of Object.entries<Json>(headers)) {
    expect(result.headers[name.toLowerCase()], `${name} header`).toBe(spec.schema.const);
  }
}

const T0 = Date.UTC(2024, 0, 1, 9, 0, 0);

function handlerWith(reader: SessionReader): ApiHandler {
  return createApiHandler({
    reader,
    config: { cursorSigningKey: TEST_SIGNING_KEY, corsAllowedOrigins: [] },
    logger: { error: vi.fn() },
  });
}

const handler = handlerWith(FakeSessionReader.fromEvents(eventsForSessions('alice', 30, T0)));
const failing = handlerWith(new FailingSessionReader());

const USER = '/users/{userId}';
const SESSIONS = '/users/{userId}/sessions';
const SESSION = '/users/{userId}/sessions/{sessionId}';

describe('openapi.json', () => {
  it('documents exactly the routes the handler serves', () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(Object.keys(doc.paths).sort()).toEqual([USER, SESSIONS, SESSION]);
    for (const item of Object.values<Json>(doc.paths)) {
      expect(Object.keys(item).filter((key) => key !== 'parameters')).toEqual(['get']);
    }
  });

  it('states the same limits, enums and defaults as the code', () => {
    const list = doc.paths[SESSIONS].get.parameters as Json[];
    const param = (name: string) => list.find((entry) => entry.name === name).schema;
    expect(param('limit')).toMatchObject({ minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT });
    expect(param('order')).toMatchObject({ enum: ['asc', 'desc'], default: 'desc' });
    expect(param('cursor').maxLength).toBe(MAX_CURSOR_LENGTH);
    expect(doc.components.schemas.TimelineEvent.properties.type.enum).toEqual([...EVENT_TYPES]);
    expect(doc.components.responses.MethodNotAllowed.headers.Allow.schema.const).toBe(ALLOWED_METHODS);
    expect(doc.components.schemas.SessionPage.properties.sessions.maxItems).toBe(MAX_LIMIT);
  });

  it('has strict schemas, so an undocumented field fails validation', () => {
    const validate = validatorFor(SESSION, 200);
    const session = {
      userId: 'u',
      sessionId: '20240101T090000000Z',
      sessionNumber: 1,
      startedAt: '2024-01-01T09:00:00.000Z',
      endedAt: '2024-01-01T09:00:00.000Z',
      durationSeconds: 0,
      eventCount: 1,
      firstEvent: 'Home',
      lastEvent: 'Home',
      events: [
        { id: 'e', messageId: null, type: 'page', name: 'Home', timestamp: '2024-01-01T09:00:00.000Z' },
      ],
    };
    expect(validate(session)).toBe(true);
    expect(validate({ ...session, extra: 1 })).toBe(false);
    expect(validate({ ...session, events: [{ ...session.events[0], extra: 1 }] })).toBe(false);
    expect(validatorFor(SESSIONS, 200)({ userId: 'u', sessions: [{ ...session }], nextCursor: null })).toBe(
      false,
    );
  });

  describe('matches the actual responses', () => {
    it.each([
      ['user', 200, userPath('alice')],
      ['unknown user', 404, userPath('nobody')],
      ['badly encoded user id', 400, '/users/%ZZ'],
      ['empty user id', 400, '/users/'],
    ])(`GET ${USER}: %s → %i`, async (_what, status, path) => {
      const result = await call(handler, 'GET', path);
      expect(result.status).toBe(status);
      expectDocumented(USER, result);
    });

    it.each([
      ['first page', 200, 'limit=5'],
      ['last page', 200, 'limit=100&order=asc'],
      ['empty range', 200, 'from=2030-01-01T00:00:00Z'],
      ['bad limit', 400, 'limit=0'],
      ['bad order', 400, 'order=sideways'],
      ['bad from', 400, 'from=soon'],
      ['bad to', 400, 'to=2024-02-30T00:00:00Z'],
      ['from after to', 400, 'from=2024-02-01T00:00:00Z&to=2024-01-01T00:00:00Z'],
      ['bad cursor', 400, 'cursor=AAAA.BBBB'],
    ])(`GET ${SESSIONS}: %s → %i`, async (_what, status, rawQuery) => {
      const result = await call(handler, 'GET', userPath('alice', 'sessions'), { query: rawQuery });
      expect(result.status).toBe(status);
      expectDocumented(SESSIONS, result);
    });

    it(`GET ${SESSIONS}: a page reached by cursor → 200, unknown user → 404`, async () => {
      const first = await call(handler, 'GET', userPath('alice', 'sessions'), { query: 'limit=3' });
      const cursor = (first.body as { nextCursor: string }).nextCursor;
      const second = await call(handler, 'GET', userPath('alice', 'sessions'), {
        query: query({ limit: 3, cursor }),
      });
      expect(second.status).toBe(200);
      expectDocumented(SESSIONS, second);
      const unknown = await call(handler, 'GET', userPath('nobody', 'sessions'));
      expect(unknown.status).toBe(404);
      expectDocumented(SESSIONS, unknown);
    });

    it.each([
      ['session', 200, userPath('alice', 'sessions', '20240101T103000000Z')],
      ['unknown session', 404, userPath('alice', 'sessions', '20240101T103000001Z')],
      ['bad session id', 400, userPath('alice', 'sessions', 'latest')],
      ['bad user id', 400, '/users/%E0%A4%A/sessions/20240101T090000000Z'],
    ])(`GET ${SESSION}: %s → %i`, async (_what, status, path) => {
      const result = await call(handler, 'GET', path);
      expect(result.status).toBe(status);
      expectDocumented(SESSION, result);
    });

    it.each([
      [USER, userPath('alice')],
      [SESSIONS, userPath('alice', 'sessions')],
      [SESSION, userPath('alice', 'sessions', '20240101T090000000Z')],
    ])('%s → 405 for POST and 500 when the store fails', async (template, path) => {
      const notAllowed = await call(handler, 'POST', path);
      expect(notAllowed.status).toBe(405);
      expectDocumented(template, notAllowed);
      const failed = await call(failing, 'GET', path);
      expect(failed.status).toBe(500);
      expectDocumented(template, failed);
    });

    it('an unknown route answers the documented 404 shape', async () => {
      const result = await call(handler, 'GET', '/users/alice/friends');
      expect(result.status).toBe(404);
      expect(validatorFor(USER, 404)(result.body)).toBe(true);
    });

    it('every documented response was exercised', () => {
      const documented = Object.entries<Json>(doc.paths).flatMap(([template, item]) =>
        Object.keys(item.get.responses).map((status) => `${template} ${status}`),
      );
      expect([...covered].sort()).toEqual(documented.sort());
    });
  });
});
