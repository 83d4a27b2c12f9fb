import { describe, expect, it } from 'vitest';
import { type EventRecord, normalizeEvent } from '../../../functions/domain/event.js';

const BASE = {
  type: 'track',
  event: 'Clicked',
  userId: 'u1',
  anonymousId: null,
  timestamp: '2024-01-01T09:00:00.000Z',
  messageId: 'm-1',
  properties: { button: 'save' },
};

function event(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...structuredClone(BASE), ...overrides };
}

function withoutKeys(keys: string[], overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const value = event(overrides);
  for (const key of keys) delete value[key];
  return value;
}

function accepted(value: unknown): EventRecord {
  const result = normalizeEvent(value);
  if (!result.ok) throw new Error(`expected acceptance, got rejection: ${result.reason}`);
  return result.record;
}

function rejectionReason(value: unknown): string {
  const result = normalizeEvent(value);
  if (result.ok) throw new Error(`expected rejection, got ${JSON.stringify(result.record)}`);
  return result.reason;
}

describe('normalizeEvent', () => {
  describe('rejections (spec rule 4)', () => {
    it.each([
      ['an array', [1, 2], /^not a JSON object \(got an array\)$/],
      ['a string', 'hello', /^not a JSON object \(got "hello"\)$/],
      ['a number', 42, /^not a JSON object \(got 42\)$/],
      ['null', null, /^not a JSON object \(got null\)$/],
      ['a boolean', true, /^not a JSON object \(got true\)$/],
    ])('rejects %s as not an object', (_label, value, reason) => {
      expect(rejectionReason(value)).toMatch(reason);
    });

    it('rejects a missing or null type', () => {
      expect(rejectionReason(withoutKeys(['type']))).toBe('missing type');
      expect(rejectionReason(event({ type: null }))).toBe('missing type');
    });

    it('rejects an unknown type, naming it and the accepted ones', () => {
      const reason = rejectionReason(event({ type: 'teleport' }));

      expect(reason).toContain('unknown type "teleport"');
      expect(reason).toContain('identify, track, page, screen, group, alias');
    });

    it('rejects a type that is not a string and a type in the wrong case', () => {
      expect(rejectionReason(event({ type: 3 }))).toContain('unknown type 3');
      expect(rejectionReason(event({ type: 'Track' }))).toContain('unknown type "Track"');
    });

    it.each([
      ['both missing', withoutKeys(['userId', 'anonymousId'])],
      ['both null', event({ userId: null, anonymousId: null })],
      ['both empty', event({ userId: '', anonymousId: '' })],
      ['both blank', event({ userId: '  ', anonymousId: '\t' })],
      ['of a non-string, non-number kind', event({ userId: { id: 1 }, anonymousId: true })],
    ])('rejects an event whose userId and anonymousId are %s', (_label, value) => {
      expect(rejectionReason(value)).toBe('no identity: userId and anonymousId are both missing or empty');
    });

    it('rejects a missing, null or empty timestamp as missing', () => {
      expect(rejectionReason(withoutKeys(['timestamp']))).toBe('missing timestamp');
      expect(rejectionReason(event({ timestamp: null }))).toBe('missing timestamp');
      expect(rejectionReason(event({ timestamp: '' }))).toBe('missing timestamp');
    });

    it('rejects an unparsable timestamp, quoting it', () => {
      expect(rejectionReason(event({ timestamp: 'yesterday' }))).toBe(
        'unparsable timestamp "yesterday" (expected an ISO-8601 date-time)',
      );
      expect(rejectionReason(event({ timestamp: '2024-02-30T00:00:00Z' }))).toContain(
        'unparsable timestamp "2024-02-30T00:00:00Z"',
      );
    });

    it('rejects a number timestamp (epoch numbers are not ISO-8601)', () => {
      expect(rejectionReason(event({ timestamp: 1704099600000 }))).toBe(
        'unparsable timestamp 1704099600000 (expected an ISO-8601 date-time)',
      );
    });

    it('reports every field problem at once', () => {
      const reason = rejectionReason(withoutKeys(['type', 'timestamp']));

      expect(reason).toContain('missing type');
      expect(reason).toContain('missing timestamp');
    });

    it('shortens a long value in the reason', () => {
      const reason = rejectionReason(event({ type: 'x'.repeat(500) }));

      expect(reason.length).toBeLessThan(200);
      expect(reason).toContain('...');
    });
  });

  describe('identity (spec rule 2)', () => {
    it('turns a numeric userId into its decimal string', () => {
      expect(accepted(event({ userId: 12345 })).userId).toBe('12345');
      expect(accepted(event({ userId: 0 })).userId).toBe('0');
    });

    it('trims the userId', () => {
      expect(accepted(event({ userId: '  padded \n' })).userId).toBe('padded');
    });

    it('prefers userId over anonymousId', () => {
      expect(accepted(event({ userId: 'u1', anonymousId: 'anon' })).userId).toBe('u1');
    });

    it.each([
      ['missing', withoutKeys(['userId'], { anonymousId: 'anon-x' })],
      ['null', event({ userId: null, anonymousId: 'anon-x' })],
      ['empty', event({ userId: '', anonymousId: 'anon-x' })],
      ['blank', event({ userId: '   ', anonymousId: ' anon-x ' })],
    ])('falls back to the trimmed anonymousId when userId is %s', (_label, value) => {
      expect(accepted(value).userId).toBe('anon-x');
    });

    it('turns a numeric anonymousId into its decimal string', () => {
      expect(accepted(event({ userId: null, anonymousId: 777 })).userId).toBe('777');
    });
  });

  describe('fields', () => {
    it('names a track by its event', () => {
      expect(accepted(event({ type: 'track', event: 'Signup', name: 'ignored' })).name).toBe('Signup');
    });

    it.each(['page', 'screen'])('names a %s by its name', (type) => {
      expect(accepted(event({ type, event: 'ignored', name: 'Home' })).name).toBe('Home');
    });

    it('gives no name to an identify, or to a track without event', () => {
      expect(accepted(event({ type: 'identify', event: undefined, name: undefined })).name).toBeNull();
      expect(accepted(withoutKeys(['event'])).name).toBeNull();
    });

    it('keeps the type and the timestamp in UTC epoch milliseconds', () => {
      const record = accepted(event({ type: 'page', timestamp: '2024-01-01T10:00:00+01:00' }));

      expect(record.type).toBe('page');
      expect(record.timestamp).toBe(Date.UTC(2024, 0, 1, 9, 0, 0));
    });

    it('accepts every Segment type', () => {
      for (const type of ['identify', 'track', 'page', 'screen', 'group', 'alias']) {
        expect(accepted(event({ type })).type).toBe(type);
      }
    });
  });

  describe('event id (spec rule 3)', () => {
    it('uses the messageId', () => {
      const record = accepted(event({ messageId: 'msg-0001' }));

      expect(record.id).toBe('msg-0001');
      expect(record.hasMessageId).toBe(true);
    });

    it('derives a content id when messageId is missing, null or empty', () => {
      for (const value of [
        withoutKeys(['messageId']),
        event({ messageId: null }),
        event({ messageId: '' }),
      ]) {
        const record = accepted(value);
        expect(record.id).toMatch(/^c:[\w-]{32}$/);
        expect(record.hasMessageId).toBe(false);
      }
    });

    it('gives identical content the same id', () => {
      const first = accepted(withoutKeys(['messageId']));
      const second = accepted(withoutKeys(['messageId']));

      expect(second.id).toBe(first.id);
    });

    it('ignores key order at every level', () => {
      const forward = {
        type: 'track',
        event: 'Clicked',
        userId: 'u1',
        timestamp: '2024-01-01T09:00:00Z',
        properties: { a: 1, b: { x: [1, { p: 1, q: 2 }], y: 2 } },
      };
      const reversed = {
        properties: { b: { y: 2, x: [1, { q: 2, p: 1 }] }, a: 1 },
        timestamp: '2024-01-01T09:00:00Z',
        userId: 'u1',
        event: 'Clicked',
        type: 'track',
      };

      expect(accepted(reversed).id).toBe(accepted(forward).id);
    });

    it('gives different properties different ids', () => {
      const save = accepted(withoutKeys(['messageId'], { properties: { button: 'save' } }));
      const cancel = accepted(withoutKeys(['messageId'], { properties: { button: 'cancel' } }));
      const nested = accepted(withoutKeys(['messageId'], { properties: { button: ['save'] } }));

      expect(cancel.id).not.toBe(save.id);
      expect(nested.id).not.toBe(save.id);
    });

    it('gives different timestamps, users, types and event names different ids', () => {
      const base = accepted(withoutKeys(['messageId'])).id;
      const variants = [
        { timestamp: '2024-01-01T09:00:00.001Z' },
        { userId: 'u2' },
        { type: 'page' },
        { event: 'Other' },
      ].map((overrides) => accepted(withoutKeys(['messageId'], overrides)).id);

      expect(new Set([base, ...variants]).size).toBe(5);
    });

    it('gives the same instant written differently the same id', () => {
      const short = accepted(withoutKeys(['messageId'], { timestamp: '2024-01-01T09:00:00Z' }));
      const long = accepted(withoutKeys(['messageId'], { timestamp: '2024-01-01T09:00:00.000Z' }));
      const offset = accepted(withoutKeys(['messageId'], { timestamp: '2024-01-01T10:00:00+01:00' }));

      expect(long.id).toBe(short.id);
      expect(offset.id).toBe(short.id);
    });

    it('gives the same user written differently the same id', () => {
      const text = accepted(withoutKeys(['messageId'], { userId: '12345' }));
      const padded = accepted(withoutKeys(['messageId'], { userId: ' 12345 ' }));
      const numeric = accepted(withoutKeys(['messageId'], { userId: 12345 }));

      expect(padded.id).toBe(text.id);
      expect(numeric.id).toBe(text.id);
    });

    it('hashes every other field as sent, anonymousId and a non-track event field included', () => {
      const base = accepted(withoutKeys(['messageId'], { type: 'page', anonymousId: 'a-1' })).id;
      const otherAnonymous = accepted(withoutKeys(['messageId'], { type: 'page', anonymousId: 'a-2' })).id;
      const otherEventField = accepted(
        withoutKeys(['messageId'], { type: 'page', anonymousId: 'a-1', event: 'x' }),
      ).id;

      expect(new Set([base, otherAnonymous, otherEventField]).size).toBe(3);
    });

    it('treats a blank messageId as absent', () => {
      const blank = accepted(withoutKeys([], { messageId: '   ' }));
      const missing = accepted(withoutKeys(['messageId']));

      expect(blank.hasMessageId).toBe(false);
      expect(blank.id).toBe(missing.id);
    });
  });

  describe('large numeric ids', () => {
    it('become plain decimal strings, not exponent notation', () => {
      expect(accepted(withoutKeys([], { userId: 1e21 })).userId).toBe('1000000000000000000000');
    });
  });
});
