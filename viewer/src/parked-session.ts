/// <reference lib="dom" />
// The open session's panel taken off show when another session of the user opens or the panel closes, kept (one
// at a time) so that Back or Forward to it shows it as it was left, without reading it again (session-view.ts).
import type { Session } from './api-types.js';

/** A session's panel off show: its nodes, its request (later batches of events come on its signal), its scroll. */
export interface ParkedSession {
  readonly sessionId: string;
  readonly session: Session;
  readonly nodes: readonly Node[];
  readonly request: AbortController;
  readonly openedFromTable: boolean;
  /** Where its scrolling boxes (the list of events) stood: a box taken off the page forgets it. */
  readonly scrolled: readonly (readonly [Element, number, number])[];
}

export function parkSession(
  panel: HTMLElement,
  session: Session,
  request: AbortController,
  openedFromTable: boolean,
): ParkedSession {
  const scrolled = Array.from(panel.querySelectorAll('ol, div'))
    .filter((box) => box.scrollTop !== 0 || box.scrollLeft !== 0)
    .map((box) => [box, box.scrollTop, box.scrollLeft] as const);
  const nodes = Array.from(panel.childNodes);
  panel.replaceChildren();
  return { sessionId: session.sessionId, session, nodes, request, openedFromTable, scrolled };
}

/** Puts the parked panel's nodes back in `panel`, scrolled as they were. */
export function showParked(panel: HTMLElement, parked: ParkedSession): void {
  panel.replaceChildren(...parked.nodes);
  for (const [box, top, left] of parked.scrolled) {
    box.scrollTop = top;
    box.scrollLeft = left;
  }
}
