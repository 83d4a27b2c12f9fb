import { describe, expect, it } from 'vitest';
import { type CursorBinding, CursorCodec, MAX_CURSOR_LENGTH } from '../../../functions/api/cursor.js';
import { TEST_SIGNING_KEY } from './api-event.js';

const BINDING: CursorBinding = { userId: 'alice', order: 'desc', from: 1_700_000_000_000, to: undefined };
const AFTER = 1_704_099_600_000;

describe('CursorCodec', () => {
  const codec = new CursorCodec(TEST_SIGNING_KEY);

  it('refuses a key too short to sign with, without showing it', () => {
    expect(() => new CursorCodec('k'.repeat(31))).toThrowError(
      /^the cursor-signing key is shorter than 32 characters$/,
    );
    expect(() => new CursorCodec('k'.repeat(32))).not.toThrow();
  });

  it('round-trips the position for the same binding', () => {
    const cursor = codec.encode(BINDING, AFTER);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(codec.decode(cursor, { ...BINDING })).toBe(AFTER);
  });

  it('does not reveal the user or the filter', () => {
    const cursor = codec.encode({ ...BINDING, userId: 'secret-user@example.com' }, AFTER);
    const payload = Buffer.from(cursor.split('.')[0] as string, 'base64url').toString('utf8');
    expect(payload).not.toContain('secret-user');
    expect(payload).not.toContain(String(BINDING.from));
  });

  it.each<[string, CursorBinding]>([
    ['another user', { ...BINDING, userId: 'alicf' }],
    ['another order', { ...BINDING, order: 'asc' }],
    ['no from', { ...BINDING, from: undefined }],
    ['another from', { ...BINDING, from: (BINDING.from as number) + 1 }],
    ['a to', { ...BINDING, to: AFTER }],
    ['a filter', { ...BINDING, filters: '[true,null]' }],
    // Values that could collide if the binding were signed by plain concatenation.
    ['a user id ending in the order', { ...BINDING, userId: 'alice","desc' }],
  ])('rejects the cursor for %s', (_what, binding) => {
    expect(codec.decode(codec.encode(BINDING, AFTER), binding)).toBeUndefined();
  });

  it('binds the filters: only the same filter text decodes', () => {
    const filtered: CursorBinding = { ...BINDING, filters: '[true,"newsletter"]' };
    const cursor = codec.encode(filtered, AFTER);
    expect(codec.decode(cursor, { ...filtered })).toBe(AFTER);
    for (const filters of [undefined, '[true,null]', '[false,"newsletter"]', '[true,"newsletteR"]']) {
      expect(codec.decode(cursor, { ...BINDING, filters }), String(filters)).toBeUndefined();
    }
  });

  it('rejects every single-bit flip of the decoded bytes', () => {
    const cursor = codec.encode(BINDING, AFTER);
    const [payload, mac] = cursor.split('.') as [string, string];
    for (const part of ['payload', 'mac'] as const) {
      const bytes = Buffer.from(part === 'payload' ? payload : mac, 'base64url');
      for (let bit = 0; bit < bytes.length * 8; bit++) {
        const flipped = Buffer.from(bytes);
        flipped[bit >> 3] = (flipped[bit >> 3] as number) ^ (1 << (bit & 7));
        const text = flipped.toString('base64url');
        const modified = part === 'payload' ? `${text}.${mac}` : `${payload}.${text}`;
        expect(codec.decode(modified, BINDING), `${part} bit ${bit}`).toBeUndefined();
      }
    }
  });

  it('rejects a non-canonical encoding of the same bytes', () => {
    const cursor = codec.encode(BINDING, AFTER);
    // The last of the 43 MAC characters carries 2 unused bits; changing them decodes to the same bytes.
    const last = cursor.at(-1) as string;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sibling = alphabet[alphabet.indexOf(last) ^ 1] as string;
    const modified = cursor.slice(0, -1) + sibling;
    expect(Buffer.from(modified.split('.')[1] as string, 'base64url')).toEqual(
      Buffer.from(cursor.split('.')[1] as string, 'base64url'),
    );
    expect(codec.decode(modified, BINDING)).toBeUndefined();
  });

  it('rejects a cursor minted with another key', () => {
    const other = new CursorCodec(`${TEST_SIGNING_KEY}!`);
    expect(codec.decode(other.encode(BINDING, AFTER), BINDING)).toBeUndefined();
  });

  it('rejects a validly signed payload that is not a position', () => {
    // Only reachable with the key, but decode must still not trust the payload's shape.
    const sign = (codec as unknown as { mac(binding: CursorBinding, payload: string): Buffer }).mac.bind(
      codec,
    );
    for (const payload of [
      'null',
      '{"v":1}',
      '{"v":2,"after":1}',
      '{"v":1,"after":1.5}',
      '{"v":1,"after":"1"}',
      '{',
    ]) {
      const encoded = Buffer.from(payload).toString('base64url');
      const cursor = `${encoded}.${sign(BINDING, encoded).toString('base64url')}`;
      expect(codec.decode(cursor, BINDING), payload).toBeUndefined();
    }
  });

  it('rejects a valid cursor with a part appended after its signature', () => {
    const cursor = codec.encode(BINDING, AFTER);
    const mac = cursor.split('.')[1] as string;
    for (const modified of [`${cursor}.`, `${cursor}.${mac}`, `${cursor}.x`]) {
      expect(codec.decode(modified, BINDING), modified).toBeUndefined();
    }
  });

  it('rejects a correctly signed cursor longer than MAX_CURSOR_LENGTH without verifying it', () => {
    // Only the key's holder can sign one this long (a page mark of this size); it is still refused unread.
    const long = codec.encode(BINDING, AFTER, 'm'.repeat(MAX_CURSOR_LENGTH));
    expect(long.length).toBeGreaterThan(MAX_CURSOR_LENGTH);
    expect(codec.position(long, BINDING)).toBeUndefined();
    const fits = codec.encode(BINDING, AFTER, 'm'.repeat(40));
    expect(codec.position(fits, BINDING)).toEqual({ after: AFTER, mark: 'm'.repeat(40) });
  });

  it.each([
    '',
    '.',
    'abc',
    'a.b.c',
    'a.',
    '.b',
    'a b.c',
    '%%%.%%%',
    'YQ==.YQ==',
    `${'A'.repeat(MAX_CURSOR_LENGTH)}.A`,
  ])('rejects the malformed cursor %j', (cursor) => {
    expect(codec.decode(cursor, BINDING)).toBeUndefined();
  });
});
