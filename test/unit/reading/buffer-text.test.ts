import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { latin1Text, writeUtf8 } from '../../../functions/domain/reading/buffer-text.js';

describe('buffer text codecs', () => {
  it('decode any span as latin1, exactly as toString does', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(), fc.nat(), (array, a, b) => {
        const bytes = Buffer.from(array);
        const start = Math.min(a, b) % (bytes.length + 1);
        const end = start + ((Math.max(a, b) - Math.min(a, b)) % (bytes.length - start + 1));
        expect(latin1Text(bytes, start, end)).toBe(bytes.toString('latin1', start, end));
      }),
    );
  });

  it('write any text as UTF-8 at an offset, lone surrogates included, exactly as write does', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.nat({ max: 16 }), (text, offset) => {
        const ours = Buffer.alloc(offset + text.length * 3);
        const node = Buffer.alloc(offset + text.length * 3);
        expect(writeUtf8(ours, text, offset)).toBe(node.write(text, offset, 'utf8'));
        expect(ours.equals(node)).toBe(true);
      }),
    );
  });
});
