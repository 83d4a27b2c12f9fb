import { describe, expect, it } from 'vitest';
import { cutForDisplay, MAX_DISPLAY_LENGTH } from '../../../../functions/domain/events/display-text.js';
import { displayValue } from '../../../../functions/domain/events/normalize.js';

describe('cutForDisplay', () => {
  it('keeps text of up to 1,024 UTF-16 code units whole', () => {
    const text = 'a'.repeat(1024);
    expect(MAX_DISPLAY_LENGTH).toBe(1024);
    expect(cutForDisplay(text)).toBe(text);
    expect(cutForDisplay(`${'a'.repeat(1022)}😀`)).toBe(`${'a'.repeat(1022)}😀`);
  });

  it('keeps text of exactly 1,024 code units whole, even when it ends in a lone high surrogate', () => {
    // Only text longer than 1,024 is cut (rule 9); JSON's "\ud83d" escape can end a value in half a pair.
    const text = `${'a'.repeat(1023)}\ud83d`;
    expect(cutForDisplay(text)).toBe(text);
  });

  it('cuts longer text to its first 1,024 code units', () => {
    expect(cutForDisplay(`${'a'.repeat(1024)}b`)).toBe('a'.repeat(1024));
    expect(cutForDisplay(`${'a'.repeat(1022)}😀b`)).toBe(`${'a'.repeat(1022)}😀`);
  });

  it('cuts to 1,023 when the 1,024th code unit is a high surrogate, never splitting a character', () => {
    expect(cutForDisplay(`${'a'.repeat(1023)}😀`)).toBe('a'.repeat(1023));
    expect(cutForDisplay(`${'a'.repeat(1023)}😀${'b'.repeat(10)}`)).toBe('a'.repeat(1023));
  });

  it('counts code units, not characters', () => {
    const emoji = '😀'.repeat(600);
    expect(cutForDisplay(emoji)).toBe('😀'.repeat(512));
  });
});

describe('displayValue', () => {
  it('shows numbers, booleans and small objects as sent, and an object past 1,024 as its JSON text cut', () => {
    expect(displayValue(0)).toBe(0);
    expect(displayValue(false)).toBe(false);
    expect(displayValue(null)).toBeNull();
    const small = { u: 'z'.repeat(1016) };
    expect(JSON.stringify(small)).toHaveLength(1024);
    expect(displayValue(small)).toEqual(small);
    const large = { u: 'z'.repeat(1017) };
    expect(displayValue(large)).toBe(JSON.stringify(large).slice(0, 1024));
    expect(displayValue(['z'.repeat(2000)])).toBe(`["${'z'.repeat(1022)}`);
  });
});
