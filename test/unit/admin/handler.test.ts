import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { base64Id } from '../../../contract/index.js';
import { wtf8Bytes } from '../../../contract/wtf8.js';
import { createAdminHandler } from '../../../functions/admin/app.js';
import { loadAdminConfig } from '../../../functions/admin/config.js';
import type { ErasureResult, UserEraser } from '../../../functions/domain/store/ports.js';
import { apiEvent, b64Id, call, errorOf, send } from '../api/api-event.js';
import { covered, expectDocumented, openApi } from '../api/openapi-validator.js';

const ROUTE = '/admin/users/{userId}';

/** Records the ids it is asked to erase; answers with two stitched anonymousIds, or fails when told to. */
class FakeEraser implements UserEraser {
  readonly erased: string[] = [];
  failure: Error | undefined;

  async eraseUser(userId: string): Promise<ErasureResult> {
    if (this.failure !== undefined) throw this.failure;
    this.erased.push(userId);
    if (userId.startsWith('anon-')) return { userId, itemsDeleted: 0, anonymousIds: [], stitchedTo: 'alice' };
    return { userId, itemsDeleted: 12, anonymousIds: ['anon-1', 'anon-2'] };
  }
}

interface Logged {
  readonly level: 'info' | 'error';
  readonly message: string;
  readonly attributes: Record<string, unknown>;
}

let eraser: FakeEraser;
let logged: Logged[];

beforeEach(() => {
  eraser = new FakeEraser();
  logged = [];
});

function handler(pathsDecoded: boolean) {
  return createAdminHandler({
    eraser,
    config: { pathsDecoded },
    logger: {
      info: (message, attributes) => logged.push({ level: 'info', message, attributes }),
      error: (message, attributes) => logged.push({ level: 'error', message, attributes }),
    },
  });
}

const adminPath = (userId: string) => `/admin/users/${encodeURIComponent(userId)}`;

const listDigest = (ids: string[]) => createHash('sha256').update(JSON.stringify(ids)).digest('hex');

describe('the admin handler', () => {
  it('erases the user of the path and answers what was erased', async () => {
    const result = await call(handler(false), 'DELETE', adminPath('alice'));

    expect(result.status).toBe(200);
    expect(result.body).toEqual({
      userId: 'alice',
      erased: true,
      itemsDeleted: 12,
      anonymousIdCount: 2,
      anonymousIds: ['anon-1', 'anon-2'],
      anonymousIdsSha256: listDigest(['anon-1', 'anon-2']),
      stitchedTo: null,
    });
    expect(eraser.erased).toEqual(['alice']);
    expectDocumented(ROUTE, result, 'delete');
  });

  it('names the user an erased anonymousId is stitched to, whose sessions keep its earlier events', async () => {
    const result = await call(handler(false), 'DELETE', adminPath('anon-1'));

    expect(result.body).toEqual({
      userId: 'anon-1',
      erased: true,
      itemsDeleted: 0,
      anonymousIdCount: 0,
      anonymousIds: [],
      anonymousIdsSha256: listDigest([]),
      stitchedTo: 'alice',
    });
    expectDocumented(ROUTE, result, 'delete');
  });

  it.each([
    ['percent-encoded, with / and %', false, adminPath('a/b c%2F+'), 'a/b c%2F+'],
    ['decoded by API Gateway, % and + kept', true, '/admin/users/b c%2F+', 'b c%2F+'],
    ['holding "/" in the ~b64. form, paths decoded', true, `/admin/users/${b64Id('a/b')}`, 'a/b'],
    ['in the ~b64. form, whatever the decoding', true, `/admin/users/${b64Id('a?b')}`, 'a?b'],
    ['512 bytes of UTF-8', false, adminPath('é'.repeat(256)), 'é'.repeat(256)],
  ])('reads the id %s', async (_what, pathsDecoded, path, userId) => {
    const result = await call(handler(pathsDecoded), 'DELETE', path);

    expect(result.status).toBe(200);
    expect(eraser.erased).toEqual([userId]);
  });

  it.each([
    ['empty', '/admin/users/'],
    ['over 512 bytes', adminPath('x'.repeat(513))],
    ['badly percent-encoded', '/admin/users/%E0%A4%A'],
    ['a bad ~b64. form', '/admin/users/~b64.YQ=='],
  ])('answers 400 naming userId for an id %s, erasing nothing', async (_what, path) => {
    const result = await call(handler(false), 'DELETE', path);

    expect(result.status).toBe(400);
    expect(errorOf(result).parameter).toBe('userId');
    expect(eraser.erased).toEqual([]);
    expectDocumented(ROUTE, result, 'delete');
  });

  it.each([
    [
      'spaces around it',
      adminPath(' alice\t'),
      'userId has spaces around it, which no user id has (ids are trimmed when events are read); "alice" is the id it would be',
    ],
    [
      'only spaces',
      adminPath(' \u00a0 '),
      'userId is blank, which no user id is (ids are trimmed when events are read)',
    ],
  ])(
    'refuses an id with %s, which no user has, instead of recording its erasure',
    async (_what, path, message) => {
      const result = await call(handler(false), 'DELETE', path);

      expect(result.status).toBe(400);
      expect(errorOf(result)).toMatchObject({ parameter: 'userId', message });
      expect(eraser.erased).toEqual([]);
      expectDocumented(ROUTE, result, 'delete');
    },
  );

  it.each([
    ['a trailing slash, paths encoded', false, '/admin/users/alice/', 'as %2F'],
    ['a slash too many before it, paths encoded', false, '/admin/users//alice', 'as %2F'],
    ['a trailing slash, paths decoded', true, '/admin/users/alice/', 'takes one path segment'],
    ['a slash too many before it, paths decoded', true, '/admin/users//alice', 'takes one path segment'],
    ['a lookup route after it, paths encoded', false, '/admin/users/alice/sessions', 'as %2F'],
    ['a lookup route after it, paths decoded', true, '/admin/users/alice/sessions', 'takes one path segment'],
    ['a session after it, paths decoded', true, '/admin/users/alice/sessions/20240101T090000000Z', 'segment'],
    ['a slash inside it, paths decoded', true, '/admin/users/a/b', 'takes one path segment'],
  ])(
    'refuses a path with %s instead of erasing another id than alice',
    async (_what, pathsDecoded, path, message) => {
      const result = await call(handler(pathsDecoded), 'DELETE', path);

      expect(result.status).toBe(400);
      expect(errorOf(result).parameter).toBe('userId');
      expect(errorOf(result).message).toContain(message);
      expect(errorOf(result).message).toContain('~b64.');
      expect(eraser.erased).toEqual([]);
      expect(logged).toEqual([]);
      expectDocumented(ROUTE, result, 'delete');
    },
  );

  it.each([
    [false, adminPath('alice/')],
    [true, `/admin/users/${b64Id('alice/')}`],
  ])('erases an id ending with "/" sent encoded (paths decoded: %s)', async (pathsDecoded, path) => {
    const result = await call(handler(pathsDecoded), 'DELETE', path);

    expect(result.status).toBe(200);
    expect(eraser.erased).toEqual(['alice/']);
  });

  it.each([
    ['a flag the route does not take', 'dryRun=true', 'dryRun'],
    ['a misspelt one', 'userId=alice', 'userId'],
  ])('refuses %s with a 400 naming it, erasing nothing', async (_what, query, parameter) => {
    const result = await call(handler(false), 'DELETE', adminPath('alice'), { query });

    expect(result.status).toBe(400);
    expect(errorOf(result)).toMatchObject({
      parameter,
      message: `${parameter} is not a parameter of this route, which takes none`,
    });
    expect(eraser.erased).toEqual([]);
    expectDocumented(ROUTE, result, 'delete');
  });

  it.each([
    ['a dry-run option', '{"dryRun":true}', false],
    ['the id again', '{"userId":"bob"}', false],
    ['a base64-encoded one', Buffer.from('{"dryRun":true}').toString('base64'), true],
  ])(
    'refuses a request body (%s) with a 400 naming body, erasing nothing',
    async (_what, body, isBase64Encoded) => {
      const event = { ...apiEvent('DELETE', adminPath('alice')), body, isBase64Encoded };
      const result = await send(handler(false), event);

      expect(result.status).toBe(400);
      expect(errorOf(result)).toMatchObject({
        parameter: 'body',
        message:
          'body must be empty: DELETE /admin/users/{userId} takes no options (it has no dry run) and erases the user its path names',
      });
      expect(eraser.erased).toEqual([]);
      expectDocumented(ROUTE, result, 'delete');
    },
  );

  it('erases with an empty body, as a client may send one', async () => {
    const result = await send(handler(false), { ...apiEvent('DELETE', adminPath('alice')), body: '' });

    expect(result.status).toBe(200);
    expect(eraser.erased).toEqual(['alice']);
  });

  it.each(['GET', 'POST', 'OPTIONS'])('answers %s with 405 and Allow: DELETE', async (method) => {
    const result = await call(handler(false), method, adminPath('alice'));

    expect(result.status).toBe(405);
    expect(result.headers.allow).toBe('DELETE');
    expect(eraser.erased).toEqual([]);
    expectDocumented(ROUTE, result, 'delete');
  });

  it('answers 404 outside its route', async () => {
    const result = await call(handler(false), 'DELETE', '/users/alice');

    expect(result.status).toBe(404);
    expect(errorOf(result).code).toBe('not_found');
  });

  it('answers a failed erasure with a generic 500, the error going to the log only', async () => {
    eraser.failure = new Error('ProvisionedThroughputExceededException: table sessions-prod');

    const result = await call(handler(false), 'DELETE', adminPath('alice'));

    expect(result.status).toBe(500);
    expect(JSON.stringify(result.body)).not.toContain('sessions-prod');
    expectDocumented(ROUTE, result, 'delete');
    expect(logged).toEqual([
      expect.objectContaining({
        level: 'error',
        // The user, as every log names one: the alarm's line says which erasure to send again.
        attributes: expect.objectContaining({
          error: eraser.failure,
          userIdSha256: createHash('sha256').update('alice').digest('hex'),
        }),
      }),
    ]);
    expect(JSON.stringify(logged)).not.toContain('alice');
  });

  it('logs who erased and how much, and the id only as its SHA-256', async () => {
    const event = apiEvent('DELETE', adminPath('alice@example.com'));
    const withCaller = {
      ...event,
      requestContext: {
        ...event.requestContext,
        authorizer: { iam: { userArn: 'arn:aws:sts::123456789012:assumed-role/Operator/jane' } },
      },
    };

    await send(handler(false), withCaller);

    expect(logged).toEqual([
      {
        level: 'info',
        message: 'user erased',
        attributes: {
          userIdSha256: createHash('sha256').update('alice@example.com').digest('hex'),
          itemsDeleted: 12,
          anonymousIdsErased: 2,
          anonymousIdsSha256: listDigest(['anon-1', 'anon-2']),
          caller: 'arn:aws:sts::123456789012:assumed-role/Operator/jane',
        },
      },
    ]);
    expect(JSON.stringify(logged)).not.toContain('alice@example.com');
  });

  it('logs ids that differ only in a lone surrogate under different digests, each of its WTF-8', async () => {
    const ids = ['x\ud800', 'x\udc00', 'x\ufffd'];
    for (const id of ids) await send(handler(false), apiEvent('DELETE', `/admin/users/${base64Id(id)}`));

    const digests = logged.map((line) => line.attributes.userIdSha256);
    expect(new Set(digests).size).toBe(3);
    expect(digests).toEqual(ids.map((id) => createHash('sha256').update(wtf8Bytes(id)).digest('hex')));
    // The same as UTF-8 for a well-formed id: its log lines read as before.
    expect(digests[2]).toBe(createHash('sha256').update('x\ufffd', 'utf8').digest('hex'));
  });

  it('exercised every response openapi.json documents for the route', () => {
    const documented = Object.keys(openApi.paths[ROUTE].delete.responses).map(
      (status) => `DELETE ${ROUTE} ${status}`,
    );
    expect([...covered].sort()).toEqual(documented.sort());
  });
});

describe('loadAdminConfig', () => {
  it('takes decoded paths by default, as API Gateway delivers them', () => {
    expect(loadAdminConfig({ TABLE_NAME: 'sessions' })).toEqual({
      tableName: 'sessions',
      pathsDecoded: true,
      serviceName: 'sessionizer-admin',
    });
    expect(loadAdminConfig({ TABLE_NAME: 'sessions', API_PATHS_DECODED: 'false' }).pathsDecoded).toBe(false);
  });

  it('names every bad variable', () => {
    expect(() => loadAdminConfig({ API_PATHS_DECODED: 'yes' })).toThrow(
      /invalid admin configuration: TABLE_NAME: .*; API_PATHS_DECODED: must be true or false/,
    );
  });
});
