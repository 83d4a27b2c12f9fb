import { describe, expect, it } from 'vitest';
import { parseSession, parseSessionDetail, parseUserSummary, text } from '../../../viewer/src/api-types.js';
import { API_SESSION as SESSION } from './api-session.js';

describe('API JSON parsing', () => {
  it('keeps strings, turns absent fields into null and any other JSON value into its text', () => {
    const session = parseSession(SESSION);
    expect(session.entryPage).toEqual({
      url: 'https://a.example/',
      path: '/',
      title: '{"odd":true}',
      referrer: null,
    });
    expect(session.campaign).toEqual({ source: 'news', medium: null, name: '42', term: null, content: null });
    expect(session.startedAt).toBe(Date.UTC(2024, 0, 1, 9));
    expect(text(undefined)).toBeNull();
  });

  it('quotes a sent string that would read as another JSON value or hides white space, as the report does', () => {
    const page = (path: unknown, title: unknown) => ({ url: null, path, title, referrer: ' ' });
    const asNumbers = parseSession({
      ...SESSION,
      entryPage: page(404, 5),
      campaign: { source: 5, name: true },
    });
    const asStrings = parseSession({
      ...SESSION,
      entryPage: page('404', '"5"'),
      campaign: { source: '5', name: 'true', medium: 'email ', term: '' },
    });
    expect(asNumbers.entryPage).toEqual({ url: null, path: '404', title: '5', referrer: '" "' });
    expect(asStrings.entryPage).toEqual({ url: null, path: '"404"', title: '"\\"5\\""', referrer: '" "' });
    expect(asNumbers.campaign).toMatchObject({ source: '5', name: 'true' });
    expect(asStrings.campaign).toEqual({
      source: '"5"',
      name: '"true"',
      medium: '"email "',
      term: '',
      content: null,
    });
    const detail = parseSessionDetail({
      ...SESSION,
      events: [
        { id: 'a', type: 'page', timestamp: '2024-01-01T09:00:00.000Z', title: 5, path: '/p', url: 'null' },
        { id: 'b', type: 'page', timestamp: '2024-01-01T09:00:00.000Z', title: '5', path: [1], url: '[1]' },
      ],
    });
    expect(detail.events.map(({ title, path, url }) => [title, path, url])).toEqual([
      ['5', '/p', '"null"'],
      ['"5"', '[1]', '"[1]"'],
    ]);
    // Ids and names are strings by the API's contract: as sent, whatever they look like.
    expect(parseSession({ ...SESSION, userId: '42', firstEvent: 'true' })).toMatchObject({
      userId: '42',
      firstEvent: 'true',
    });
  });

  it('reads a session from an API without the attribute fields', () => {
    const { pageViews, bounce, entryPage, device, ...older } = SESSION;
    const session = parseSession({ ...older, eventCount: 1 });
    expect(session).toMatchObject({
      pageViews: null,
      bounce: true,
      entryPage: null,
      device: null,
      anonymousIds: ['anon-1'],
    });
  });

  it('names the field and session when a timestamp is broken, quoting it as the API quotes values', () => {
    const broken = (endedAt: unknown) => {
      try {
        parseSession({ ...SESSION, endedAt });
      } catch (error) {
        return (error as Error).message;
      }
      return 'parsed';
    };
    expect(broken('yesterday')).toBe(
      'Session "20240101T090000000Z": endedAt is not an ISO timestamp: "yesterday"',
    );
    // As JSON text: a quote or a control in it, or `true` beside the same letters sent as a string, reads as
    // what was sent.
    expect(broken('a", "b\n')).toBe(
      'Session "20240101T090000000Z": endedAt is not an ISO timestamp: "a\\", \\"b\\n"',
    );
    expect([broken(true), broken('true'), broken(null), broken('null'), broken(undefined)]).toEqual([
      'Session "20240101T090000000Z": endedAt is not an ISO timestamp: true',
      'Session "20240101T090000000Z": endedAt is not an ISO timestamp: "true"',
      'Session "20240101T090000000Z": endedAt is not an ISO timestamp: null',
      'Session "20240101T090000000Z": endedAt is not an ISO timestamp: "null"',
      'Session "20240101T090000000Z": endedAt is missing',
    ]);
  });

  it('quotes the session id in its messages as the API quotes ids: one holding a colon, a quote or a space stays one', () => {
    const { userId, ...withoutUser } = SESSION;
    expect(() => parseSession({ ...withoutUser, sessionId: 'x: "y" z' })).toThrow(
      'Session "x: \\"y\\" z": userId is missing',
    );
  });

  it('reads events and a summary without anonymousIds', () => {
    const detail = parseSessionDetail({
      ...SESSION,
      events: [{ id: 'e1', type: 'track', timestamp: '2024-01-01T09:00:00.000Z', name: '<b>x</b>' }],
    });
    expect(detail.events[0]).toMatchObject({
      id: 'e1',
      type: 'track',
      name: '<b>x</b>',
      url: null,
      messageId: null,
    });
    const summary = parseUserSummary({ userId: 'alice', sessionCount: 2, eventCount: 5, firstSeenAt: 'x' });
    expect(summary).toMatchObject({
      firstSeenAt: null,
      anonymousIds: { count: 0, items: [] },
      stitchedTo: null,
    });
  });
});
