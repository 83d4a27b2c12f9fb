/// <reference lib="dom" />
// What the timeline's keys, wheel, drag and pinch mean, apart from what the timeline then draws.

export type TimelineCommand =
  | 'next'
  | 'previous'
  | 'first'
  | 'last'
  | 'earlier'
  | 'later'
  | 'zoom-in'
  | 'zoom-out'
  | 'whole'
  | 'open';

export const TIMELINE_KEYS: Readonly<Record<string, TimelineCommand>> = {
  ArrowRight: 'next',
  ArrowLeft: 'previous',
  Home: 'first',
  End: 'last',
  PageUp: 'earlier',
  PageDown: 'later',
  '+': 'zoom-in',
  '=': 'zoom-in',
  '-': 'zoom-out',
  '0': 'whole',
  Enter: 'open',
  ' ': 'open',
};

/** The command a key press means on the timeline; none with a modifier, which belongs to the browser. */
export function keyCommand(
  event: Pick<KeyboardEvent, 'key' | 'altKey' | 'ctrlKey' | 'metaKey'>,
): TimelineCommand | undefined {
  if (event.altKey || event.ctrlKey || event.metaKey) return undefined;
  return Object.hasOwn(TIMELINE_KEYS, event.key) ? TIMELINE_KEYS[event.key] : undefined;
}

const LINE_HEIGHT_PX = 16;

/**
 * How much a wheel step zooms (above 1 zooms out): smooth for trackpads, about 20% per mouse notch. A trackpad
 * pinch arrives as a wheel event with ctrlKey and small deltas, hence its higher sensitivity.
 */
export function wheelZoomFactor(deltaY: number, deltaMode: number, ctrlKey: boolean): number {
  const pixels = deltaMode === 1 ? deltaY * LINE_HEIGHT_PX : deltaY;
  return Math.exp(pixels * (ctrlKey ? 0.01 : 0.002));
}

export interface Gestures {
  /** Moves the view by a share of its width (negative: towards the past). */
  pan(share: number): void;
  /** Zooms by `factor` around the point `x` pixels from the left edge. */
  zoom(factor: number, x: number): void;
}

/** A pointer that moved further than this is dragging, not clicking. */
const DRAG_THRESHOLD_PX = 4;

/**
 * Wheel (zoom; shift or sideways: pan), one-pointer drag (pan) and two-pointer pinch (zoom) on `element`.
 * `dragged` tells a click handler whether the pointer sequence that ended in the click was a drag.
 */
export function attachGestures(element: Element, gestures: Gestures): { readonly dragged: boolean } {
  const pointers = new Map<number, { x: number; startX: number }>();
  const state = { dragged: false };
  const left = () => element.getBoundingClientRect().left;
  const width = () => element.getBoundingClientRect().width || 1;

  element.addEventListener(
    'wheel',
    (event) => {
      const wheel = event as WheelEvent;
      wheel.preventDefault();
      if (wheel.shiftKey || Math.abs(wheel.deltaX) > Math.abs(wheel.deltaY)) {
        const delta =
          (wheel.shiftKey ? wheel.deltaY : wheel.deltaX) * (wheel.deltaMode === 1 ? LINE_HEIGHT_PX : 1);
        gestures.pan(delta / width());
        return;
      }
      gestures.zoom(wheelZoomFactor(wheel.deltaY, wheel.deltaMode, wheel.ctrlKey), wheel.clientX - left());
    },
    { passive: false },
  );

  element.addEventListener('pointerdown', (event) => {
    const pointer = event as PointerEvent;
    if (pointer.pointerType === 'mouse' && pointer.button !== 0) return;
    const x = pointer.clientX - left();
    pointers.set(pointer.pointerId, { x, startX: x });
    if (pointers.size === 1) state.dragged = false;
  });

  element.addEventListener('pointermove', (event) => {
    const move = event as PointerEvent;
    const pointer = pointers.get(move.pointerId);
    if (pointer === undefined) return;
    const x = move.clientX - left();
    if (!state.dragged && Math.abs(x - pointer.startX) > DRAG_THRESHOLD_PX) {
      state.dragged = true;
      element.setPointerCapture(move.pointerId);
    }
    if (!state.dragged) return;
    const [a, b] = [...pointers.values()];
    if (a !== undefined && b !== undefined) {
      const before = Math.abs(a.x - b.x);
      pointer.x = x;
      const after = Math.abs(a.x - b.x);
      if (before > 0 && after > 0) gestures.zoom(before / after, (a.x + b.x) / 2);
      return;
    }
    gestures.pan(-(x - pointer.x) / width());
    pointer.x = x;
  });

  const release = (event: Event) => pointers.delete((event as PointerEvent).pointerId);
  element.addEventListener('pointerup', release);
  element.addEventListener('pointercancel', release);
  return state;
}
