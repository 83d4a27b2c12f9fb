/** What a shareable link says: `/?user=<id>` opens a user, `&session=<sessionId>` one of their sessions. */
export interface ViewerLocation {
  readonly user: string | null;
  readonly session: string | null;
}

export const EMPTY_LOCATION: ViewerLocation = { user: null, session: null };

/** Reads `location.search`; blank ids count as absent, and a session means nothing without its user. */
export function readLocation(search: string): ViewerLocation {
  const params = new URLSearchParams(search);
  const user = params.get('user')?.trim() || null;
  const session = user === null ? null : params.get('session')?.trim() || null;
  return { user, session };
}

/** The query string for a location, `?` included, or `` for the start page. */
export function locationSearch(location: ViewerLocation): string {
  if (location.user === null) return '';
  const params = new URLSearchParams({ user: location.user });
  if (location.session !== null) params.set('session', location.session);
  return `?${params.toString()}`;
}

export function sameLocation(a: ViewerLocation, b: ViewerLocation): boolean {
  return a.user === b.user && a.session === b.session;
}
