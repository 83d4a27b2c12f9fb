/**
 * Pages in a row that bring no session older than those before (empty, or only newer ones) after which a
 * query stops with an error. The API may end a page at its read budget before any session (docs/api.md,
 * "Paging"), but it reads some fifty days of stored sessions a page, so a walk of the viewer's ranges meets
 * a few such pages at most; an API whose cursors lead nowhere would otherwise be asked for ever.
 */
export const MAX_IDLE_PAGES = 20;

/** The API's cursors went round or led nowhere: asking on would never end, so the viewer stopped. */
export class PagingError extends Error {}

/** A list query in progress: newest first, so it covers `[frontier, to]` so far. */
export interface OpenQuery {
  readonly from: number;
  readonly to: number;
  frontier: number;
  cursor: string | undefined;
  /** Every cursor the query has sent: one handed back again would walk the same pages round for ever. */
  readonly sent: Set<string>;
  /** Pages in a row that moved the frontier no further. */
  idle: number;
}

export function openQuery(from: number, to: number): OpenQuery {
  return { from, to, frontier: to + 1, cursor: undefined, sent: new Set(), idle: 0 };
}

/** Throws when a page hands back a cursor the query already sent (the same cursor, or a cycle of them). */
export function refuseRepeatedCursor(query: OpenQuery, next: string | null): void {
  if (next !== null && query.sent.has(next)) {
    throw new PagingError(
      'The API handed back a cursor it had handed out before, which would list the same pages again and again; the viewer stopped asking.',
    );
  }
}

/** Counts a page that moved the query no further; throws once MAX_IDLE_PAGES did so in a row. */
export function countIdlePage(query: OpenQuery, idle: boolean): void {
  query.idle = idle ? query.idle + 1 : 0;
  if (query.idle >= MAX_IDLE_PAGES) {
    throw new PagingError(
      `The API answered ${MAX_IDLE_PAGES} pages in a row without a session older than those before, each with a cursor to go on; the viewer stopped asking.`,
    );
  }
}
