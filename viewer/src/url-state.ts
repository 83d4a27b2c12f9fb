import { base64Id, idOfBase64Id, travelsOnlyAsBase64Id } from '../../contract/index.js';

/**
 * What a shareable link says: `/?user=<id>` opens a user, `&session=<sessionId>` one of their sessions. An
 * id the address bar cannot carry as itself goes as its `~b64.` form, as in API paths: one with a lone
 * surrogate (which URL encoding turns into U+FFFD, another user's id) or one that starts with the prefix.
 */
export interface ViewerLocation {
  readonly user: string | null;
  readonly session: string | null;
}

export const EMPTY_LOCATION: ViewerLocation = { user: null, session: null };

/** Reads `location.search`; blank ids count as absent, and a session means nothing without its user. */
export function readLocation(search: string): ViewerLocation {
  const params = new URLSearchParams(search);
  const given = params.get('user')?.trim() || null;
  // `~b64.` alone, or the form of a blank id, is blank too.
  const user = given === null ? null : (idOfBase64Id(given) ?? given).trim() || null;
  const session = user === null ? null : params.get('session')?.trim() || null;
  return { user, session };
}

/** The query string for a location, `?` included, or `` for the start page. */
export function locationSearch(location: ViewerLocation): string {
  if (location.user === null) return '';
  const id = location.user;
  const params = new URLSearchParams({
    user: travelsOnlyAsBase64Id(id) ? base64Id(id) : id,
  });
  if (location.session !== null) params.set('session', location.session);
  return `?${params.toString()}`;
}

export function sameLocation(a: ViewerLocation, b: ViewerLocation): boolean {
  return a.user === b.user && a.session === b.session;
}
