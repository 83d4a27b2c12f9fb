import { describe, expect, it } from 'vitest';
import { keyCommand, wheelZoomFactor } from '../../../viewer/src/timeline-input.js';

const press = (key: string, modifiers: { altKey?: boolean; ctrlKey?: boolean; metaKey?: boolean } = {}) =>
  keyCommand({ key, altKey: false, ctrlKey: false, metaKey: false, ...modifiers });

describe('keyCommand', () => {
  it('maps the documented keys', () => {
    expect(
      ['ArrowLeft', 'ArrowRight', 'Home', 'End', 'PageUp', 'PageDown', '+', '=', '-', '0', 'Enter', ' '].map(
        (key) => press(key),
      ),
    ).toEqual([
      'previous',
      'next',
      'first',
      'last',
      'earlier',
      'later',
      'zoom-in',
      'zoom-in',
      'zoom-out',
      'whole',
      'open',
      'open',
    ]);
  });

  it('leaves other keys and browser shortcuts alone', () => {
    expect(press('Tab')).toBeUndefined();
    expect(press('Escape')).toBeUndefined();
    expect(press('toString')).toBeUndefined();
    expect(press('+', { ctrlKey: true })).toBeUndefined();
    expect(press('0', { metaKey: true })).toBeUndefined();
    expect(press('ArrowLeft', { altKey: true })).toBeUndefined();
  });
});

describe('wheelZoomFactor', () => {
  it('zooms in on wheel up, out on wheel down, by inverse factors', () => {
    const inward = wheelZoomFactor(-100, 0, false);
    const outward = wheelZoomFactor(100, 0, false);
    expect(inward).toBeLessThan(1);
    expect(inward * outward).toBeCloseTo(1, 10);
  });

  it('reads line-mode deltas as lines and pinches with more sensitivity', () => {
    expect(wheelZoomFactor(3, 1, false)).toBeCloseTo(wheelZoomFactor(48, 0, false), 10);
    expect(wheelZoomFactor(-10, 0, true)).toBeLessThan(wheelZoomFactor(-10, 0, false));
  });
});
