import { describe, expect, it } from 'vitest';
import { call, errorOf, userPath } from './api-event.js';
import { FIRST_SESSION_ID, makeHandler } from './lookup-fixture.js';

const LIST_TAKES = 'from, to, order, limit, cursor, bounce, campaignSource';

/** The 400 the route answers to `rawQuery`, with what it asked the store (nothing, when refused first). */
async function refusal(path: string, rawQuery: string) {
  const { handler, reader } = makeHandler();
  const result = await call(handler, 'GET', path, { query: rawQuery });
  expect(result.status, rawQuery).toBe(400);
  return { error: errorOf(result), reader };
}

describe('query parameters a route does not take', () => {
  it.each([
    ['campaign_source=news', 'campaign_source', 'campaignSource'],
    ['Bounce=true', 'Bounce', 'bounce'],
    ['Limit=5', 'Limit', 'limit'],
    ['LIMIT=5&order=asc', 'LIMIT', 'limit'],
    ['campaign-source=news', 'campaign-source', 'campaignSource'],
    ['bounce=true&CAMPAIGNSOURCE=x', 'CAMPAIGNSOURCE', 'campaignSource'],
  ])(
    'refuses %s on the list, saying which was meant, instead of answering the unfiltered list',
    async (rawQuery, given, meant) => {
      const { error, reader } = await refusal(userPath('alice', 'sessions'), rawQuery);
      expect(error).toEqual({
        code: 'bad_request',
        message: `${given} is not a parameter of this route; did you mean ${meant}? It takes ${LIST_TAKES}`,
        parameter: given,
      });
      expect(reader.listQueries).toEqual([]);
    },
  );

  it('refuses a parameter of no likeness, listing those the route takes', async () => {
    const { error } = await refusal(userPath('alice', 'sessions'), 'foo=bar&limit=2&x');
    expect(error).toEqual({
      code: 'bad_request',
      message: `foo is not a parameter of this route, which takes ${LIST_TAKES}`,
      parameter: 'foo',
    });
  });

  it('says plainly that the query has a parameter without a name, which no message can start with', async () => {
    for (const rawQuery of ['=1', '=', 'limit=2&=bar']) {
      expect((await refusal(userPath('alice', 'sessions'), rawQuery)).error, rawQuery).toEqual({
        code: 'bad_request',
        message: `The query has a parameter without a name (nothing before its "="); this route takes ${LIST_TAKES}`,
        parameter: '',
      });
    }
    expect((await refusal(userPath('alice'), '=1')).error.message).toBe(
      'The query has a parameter without a name (nothing before its "="); this route takes none',
    );
  });

  it.each([
    ['%20=1', ' ', '" "'],
    ['%20%20x=1', '  x', '"  x"'],
    ['a+b=1', 'a b', '"a b"'],
    ['%C2%A0=1', '\u00A0', '"\\u00A0"'],
    ['x%E2%80%8B=1', 'x\u200B', '"x\\u200B"'],
    ['%09=1', '\t', '"\\u0009"'],
    ['%22%20=1', '" ', '"\\" "'],
  ])(
    'quotes a name with a blank or an unseen character in it (%s), so the message does not start blank',
    async (rawQuery, name, shown) => {
      expect((await refusal(userPath('alice'), rawQuery)).error).toEqual({
        code: 'bad_request',
        message: `${shown} is not a parameter of this route, which takes none`,
        parameter: name,
      });
    },
  );

  it.each([
    ['a%5Cb=1', 'a\\b', '"a\\\\b"'],
    ['%5Cu00A0=1', '\\u00A0', '"\\\\u00A0"'],
    ['%22x%22=1', '"x"', '"\\"x\\""'],
    ['x%22=1', 'x"', '"x\\""'],
    ['%E3%85%A4=1', '\u3164', '"\\u3164"'],
  ])(
    'quotes a name with a backslash, a quote or a filler that shows blank (%s), so it reads as one name',
    async (rawQuery, name, shown) => {
      expect((await refusal(userPath('alice'), rawQuery)).error).toEqual({
        code: 'bad_request',
        message: `${shown} is not a parameter of this route, which takes none`,
        parameter: name,
      });
    },
  );

  it('tells a name typed as a quoted escape from the character that escape names', async () => {
    const typed = (await refusal(userPath('alice'), '%22%5Cu00A0%22=1')).error.message;
    const character = (await refusal(userPath('alice'), '%C2%A0=1')).error.message;
    expect(typed).not.toBe(character);
  });

  it('names a parameter whose name is no percent-encoded UTF-8 as sent, not as the U+FFFD it decodes to', async () => {
    for (const name of ['%FF', 'bounce%C3', 'x%ED%A0%80']) {
      expect((await refusal(userPath('alice', 'sessions'), `limit=2&${name}=1`)).error).toEqual({
        code: 'bad_request',
        message: `${name} is not valid percent-encoded UTF-8, nor a parameter of this route, which takes ${LIST_TAKES}`,
        parameter: name,
      });
    }
    expect((await refusal(userPath('alice'), '%FE')).error.parameter).toBe('%FE');
  });

  it('refuses a parameter of the list on one session, which would ignore it', async () => {
    const path = userPath('alice', 'sessions', FIRST_SESSION_ID);
    expect((await refusal(path, 'order=desc')).error).toEqual({
      code: 'bad_request',
      message: 'order is not a parameter of this route, which takes limit, cursor',
      parameter: 'order',
    });
    expect((await refusal(path, 'Limit=5')).error.message).toBe(
      'Limit is not a parameter of this route; did you mean limit? It takes limit, cursor',
    );
  });

  it('refuses any parameter on the user’s summary, which takes none', async () => {
    expect((await refusal(userPath('alice'), 'limit=5')).error).toEqual({
      code: 'bad_request',
      message: 'limit is not a parameter of this route, which takes none',
      parameter: 'limit',
    });
  });

  it('takes a known parameter however its name is percent-encoded', async () => {
    const { handler } = makeHandler();
    const result = await call(handler, 'GET', userPath('alice', 'sessions'), { query: '%6Cimit=2' });
    expect(result.status).toBe(200);
    expect((result.body as { sessions: unknown[] }).sessions).toHaveLength(2);
  });
});
