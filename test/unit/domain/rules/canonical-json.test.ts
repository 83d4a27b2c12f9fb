import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  canonicalJsonWithout,
  contentId,
} from '../../../../functions/domain/rules/canonical-json.js';
import { acceptedEvent } from '../../../helpers/normalize-object.js';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const parse = (text: string) => JSON.parse(text) as Record<string, unknown>;

describe('canonicalJson', () => {
  it('sorts keys at every level, keeps array order and writes no white space', () => {
    expect(canonicalJson(parse('{"b":1.0,"a":{"d":[2,1],"c":"x"}}'))).toBe('{"a":{"c":"x","d":[2,1]},"b":1}');
  });

  it('sorts keys by UTF-16 code units, not by locale or code point', () => {
    const value = parse('{"a":1,"Z":2,"😀":3,"｡":4,"é":5}');
    expect(canonicalJson(value)).toBe('{"Z":2,"a":1,"é":5,"😀":3,"｡":4}');
  });

  it('writes strings and numbers as JSON.stringify does', () => {
    expect(canonicalJson(parse('[1e21,1E2,-0.0,0.1,"\\u0041\\n\\"",true,null]'))).toBe(
      '[1e+21,100,0,0.1,"A\\n\\"",true,null]',
    );
  });

  it('sorts objects inside arrays and arrays inside objects', () => {
    expect(canonicalJson(parse('[{"b":[{"d":1,"c":2}],"a":null}]'))).toBe('[{"a":null,"b":[{"c":2,"d":1}]}]');
  });

  it('counts a __proto__ key like any other key', () => {
    const value = parse('{"z":1,"__proto__":{"y":2,"x":3}}');
    expect(canonicalJson(value)).toBe('{"__proto__":{"x":3,"y":2},"z":1}');
  });
});

describe('canonicalJsonWithout', () => {
  it('leaves out top-level and nested members, keeping the rest of their objects', () => {
    const value = parse('{"userId":"u","properties":{"time":1,"plan":"pro"},"event":"e"}');
    expect(canonicalJsonWithout(value, [['userId'], ['properties', 'time']])).toBe(
      '{"event":"e","properties":{"plan":"pro"}}',
    );
  });

  it('keeps a member whose nested path does not lead into an object', () => {
    const value = parse('{"properties":"text","context":[{"time":1}]}');
    expect(
      canonicalJsonWithout(value, [
        ['properties', 'time'],
        ['context', 'time'],
      ]),
    ).toBe('{"context":[{"time":1}],"properties":"text"}');
  });

  it('removes several members of one nested object and an emptied object stays as {}', () => {
    const value = parse('{"properties":{"a":1,"b":2}}');
    expect(
      canonicalJsonWithout(value, [
        ['properties', 'a'],
        ['properties', 'b'],
      ]),
    ).toBe('{"properties":{}}');
  });

  it('keeps and sorts a __proto__ member that is not left out, and leaves it out when asked', () => {
    const value = parse('{"userId":"u","__proto__":{"b":1,"a":2}}');
    expect(canonicalJsonWithout(value, [['userId']])).toBe('{"__proto__":{"a":2,"b":1}}');
    expect(canonicalJsonWithout(value, [['__proto__', 'a']])).toBe('{"__proto__":{"b":1},"userId":"u"}');
  });
});

describe('contentId', () => {
  it('is h: and the lowercase hex SHA-256 of [type, user, ms, anonymousId, rest]', () => {
    const raw = parse('{"type":"track","event":"Clicked","userId":"42","properties":{"plan":"pro"}}');
    const id = contentId(raw, { type: 'track', user: '42', epochMs: 1704099600000, anonymousId: null }, [
      ['userId'],
    ]);
    expect(id).toBe('h:c5c998f80f4aa7e68b4ef38a0f411d9e65d91448a62914a8d5085ff723acabf4');
    expect(id).toMatch(/^h:[0-9a-f]{64}$/);
  });

  it('hashes the anonymousId, so one user sending one event from two devices keeps two events', () => {
    const raw = parse('{"type":"track"}');
    const fields = { type: 'track', user: 'u', epochMs: 0 };
    const a = contentId(raw, { ...fields, anonymousId: 'a-1' }, []);
    const b = contentId(raw, { ...fields, anonymousId: 'a-2' }, []);
    const none = contentId(raw, { ...fields, anonymousId: null }, []);
    expect(new Set([a, b, none]).size).toBe(3);
    expect(none).toBe(`h:${sha256('["track","u",0,null,{"type":"track"}]')}`);
  });
});

describe('content ids of events in each format', () => {
  it('gives one id to equivalent Segment spellings (docs/rules.md example)', () => {
    const spellings = [
      '{"type":"track","event":"Clicked","userId":"42","timestamp":"2024-01-01T09:00:00Z","properties":{"plan":"pro"}}',
      '{"type":"track","event":"Clicked","userId":" 42 ","timestamp":"2024-01-01T10:00:00+01:00","properties":{"plan":"pro"},"messageId":null}',
      '{"type":"track","event":"Clicked","userId":42,"timestamp":"2024-01-01 09:00","properties":{"plan":"pro"},"messageId":"  "}',
      '{"type":"track","event":"Clicked","userId":"42","timestamp":"2024-01-01T09:00:00Z","properties":{"plan":"pro"},"messageId":""}',
    ];
    const ids = spellings.map((text) => acceptedEvent('segment', parse(text)).id);
    expect(new Set(ids)).toEqual(
      new Set(['h:c5c998f80f4aa7e68b4ef38a0f411d9e65d91448a62914a8d5085ff723acabf4']),
    );
  });

  it('changes the Segment id with any other member, or an anonymousId', () => {
    const base = {
      type: 'track',
      event: 'Clicked',
      userId: '42',
      timestamp: '2024-01-01T09:00:00Z',
      properties: { plan: 'pro' },
    };
    const ids = [
      base,
      { ...base, properties: { plan: 'team' } },
      { ...base, anonymousId: 'a-1' },
      { ...base, context: {} },
      { ...base, timestamp: '2024-01-01T09:00:00.001Z' },
    ].map((object) => acceptedEvent('segment', object).id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('uses the own user of rule 2: the anonymousId when there is no userId', () => {
    const event = acceptedEvent(
      'segment',
      parse('{"type":"page","anonymousId":" a-1 ","timestamp":"2024-01-01T09:00:00Z"}'),
    );
    expect(event.id).toBe(`h:${sha256('["page","a-1",1704099600000,"a-1",{"type":"page"}]')}`);
  });

  it('takes Mixpanel time, distinct_id, $user_id, $device_id and $insert_id out of properties only', () => {
    const event = acceptedEvent(
      'mixpanel',
      parse(
        '{"event":"Signup","properties":{"time":1704099600,"distinct_id":"$device:d-1","$device_id":"d-1","$user_id":"u-1","$insert_id":"  ","$os":"iOS","plan":"pro"},"time":"kept"}',
      ),
    );
    expect(event.id).toBe(
      `h:${sha256('["track","u-1",1704099600000,"d-1",{"event":"Signup","properties":{"$os":"iOS","plan":"pro"},"time":"kept"}]')}`,
    );
  });

  it('takes Amplitude user_id, device_id, event_time and every id member out', () => {
    const event = acceptedEvent(
      'amplitude',
      parse(
        '{"event_type":"Play","user_id":"u-1","device_id":"d-1","event_time":"2024-01-01 09:00:00.000000","$insert_id":"","insert_id":null,"uuid":" ","platform":"Web"}',
      ),
    );
    expect(event.id).toBe(
      `h:${sha256('["track","u-1",1704099600000,"d-1",{"event_type":"Play","platform":"Web"}]')}`,
    );
  });

  it('takes PostHog distinct_id, properties.$device_id, timestamp and uuid out', () => {
    const event = acceptedEvent(
      'posthog',
      parse(
        '{"event":"$pageview","distinct_id":"u-1","timestamp":"2024-01-01T09:00:00Z","properties":{"$device_id":"d-1","$current_url":"https://x.example/"}}',
      ),
    );
    expect(event.id).toBe(
      `h:${sha256('["page","u-1",1704099600000,"d-1",{"event":"$pageview","properties":{"$current_url":"https://x.example/"}}]')}`,
    );
  });

  it('hashes a __proto__ member of the event like any other member', () => {
    const withProto = acceptedEvent(
      'segment',
      parse('{"type":"track","userId":"u","timestamp":"2024-01-01T09:00:00Z","__proto__":{"x":1}}'),
    );
    const without = acceptedEvent(
      'segment',
      parse('{"type":"track","userId":"u","timestamp":"2024-01-01T09:00:00Z"}'),
    );
    expect(withProto.id).toBe(
      `h:${sha256('["track","u",1704099600000,null,{"__proto__":{"x":1},"type":"track"}]')}`,
    );
    expect(withProto.id).not.toBe(without.id);
  });

  it('uses m:<messageId> when there is one, normalised like an identity', () => {
    const ids = [7, '7', ' 7 '].map(
      (messageId) =>
        acceptedEvent('segment', { type: 'track', userId: 'u', timestamp: '2024-01-01T09:00:00Z', messageId })
          .id,
    );
    expect(ids).toEqual(['m:7', 'm:7', 'm:7']);
  });
});
