// A campaign source sent in the `~b64.` form ids take (docs/api.md): the only way to ask for one holding a lone
// surrogate (a JSON "\ud800" escape kept as sent, rule 9), which has no percent-encoding, or one that itself
// starts with `~b64.`. Over DynamoDB Local, through the handler as API Gateway delivers requests.
import { beforeAll, describe, expect, it } from 'vitest';
import { base64Id } from '../../contract/index.js';
import type { ApiHandler } from '../../functions/api/app.js';
import type { EventRecord } from '../../functions/domain/events/event.js';
import { eventsForSessions } from '../helpers/fake-session-reader.js';
import { useLocalDynamoDb } from '../helpers/use-local-dynamodb.js';
import { gatewayEvent, send } from '../unit/api/api-event.js';
import { T0 } from '../unit/api/lookup-fixture.js';
import { expectDocumented } from '../unit/api/openapi-validator.js';
import { freshStore, ingest, lookupApiOn } from './store/store-harness.js';

/** Session k's campaign source: a lone surrogate, the text UTF-8 would make of it, one like a form, its text. */
const SOURCES = ['L\ud800', 'L\ufffd', '~b64.YWxpY2U', 'alice'];
const USER = 'sourced';

function withSources(events: EventRecord[]): EventRecord[] {
  return events.map((event) => {
    const [, k, j] = /-(\d+)-(\d+)$/.exec(event.id) ?? [];
    const source = SOURCES[Number(k)];
    if (j !== '0' || source === undefined) return event;
    return { ...event, campaign: { source, medium: 'email', name: null, term: null, content: null } };
  });
}

const dynamo = useLocalDynamoDb();
let handler: ApiHandler;

beforeAll(async () => {
  const store = await freshStore(dynamo.client);
  await ingest(store, withSources(eventsForSessions(USER, SOURCES.length, T0)));
  handler = lookupApiOn(store);
});

const list = (rawQuery: string) =>
  send(handler, gatewayEvent('GET', `/users/${USER}/sessions`, { query: rawQuery }));

async function sourcesFound(rawQuery: string): Promise<unknown[]> {
  const result = await list(rawQuery);
  expect(result.status, JSON.stringify(result.body)).toBe(200);
  expectDocumented('/users/{userId}/sessions', result);
  return (result.body as { sessions: { campaign: { source: unknown } | null }[] }).sessions.map(
    (session) => session.campaign?.source,
  );
}

describe('campaignSource in the ~b64. form over DynamoDB Local', () => {
  it('finds a source holding a lone surrogate, and not the one UTF-8 would make of it', async () => {
    expect(await sourcesFound(`campaignSource=${base64Id('L\ud800')}`)).toEqual(['L\ud800']);
    expect(await sourcesFound(`campaignSource=${encodeURIComponent('L\ufffd')}`)).toEqual(['L\ufffd']);
    expect(await sourcesFound(`campaignSource=${base64Id('L\ufffd')}`)).toEqual(['L\ufffd']);
  });

  it('reads a value starting with ~b64. as that form, as a path does an id', async () => {
    expect(await sourcesFound('campaignSource=~b64.YWxpY2U')).toEqual(['alice']);
    expect(await sourcesFound(`campaignSource=${base64Id('~b64.YWxpY2U')}`)).toEqual(['~b64.YWxpY2U']);
  });

  it('refuses a form that encodes no text, saying why, as for an id', async () => {
    const result = await list('campaignSource=~b64.YQ==');
    expect(result.status).toBe(400);
    expect(result.body).toEqual({
      error: {
        code: 'bad_request',
        message: 'campaignSource after ~b64. must be base64url of UTF-8, without "=" padding',
        parameter: 'campaignSource',
      },
    });
    expect((await list('campaignSource=~b64.')).body).toMatchObject({
      error: { message: 'campaignSource must not be empty' },
    });
  });
});
