/**
 * Names shared by the infrastructure (lib/), the Lambda code (functions/) and the local stack (local/).
 * Dependency-free on purpose: CDK, the bundled functions and dev tooling all import it, and a test proves
 * the CDK routes, the router and the OpenAPI document agree.
 */
import { decodeWtf8, hasLoneSurrogate, wtf8Bytes } from './wtf8.js';

/** Export formats a source can be read as (docs/rules.md, "Export formats"); `auto` detects per file. */
export const INPUT_FORMATS = ['auto', 'segment', 'amplitude', 'mixpanel', 'posthog'] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

/** An S3 prefix whose new objects are ingested, and the format its files are read as. */
export interface SourceDefinition {
  readonly name: string;
  readonly prefix: string;
  readonly format: InputFormat;
}

/** Where the ingest reads from unless a stage says otherwise: our own drop prefix and the two S3 destinations. */
export const DEFAULT_SOURCES: readonly SourceDefinition[] = [
  { name: 'incoming', prefix: 'incoming/', format: 'auto' },
  { name: 'segment', prefix: 'segment-logs/', format: 'segment' },
  { name: 'rudderstack', prefix: 'rudder-logs/', format: 'segment' },
];

/** Rejection reports; never a source, so writing a report can never trigger the ingest. */
export const REJECTED_PREFIX = 'rejected/';

/** What a value {@link isBrowserOrigin} refuses should be, for the messages that refuse it. */
export const BROWSER_ORIGIN_FORM =
  "an origin as browsers send it: http(s)://host[:port], lowercase, with no path, not even a trailing '/'";

/**
 * An origin as browsers send it in `Origin` (scheme, host and port; no path, not even a trailing `/`): the API
 * allows a request's origin only when it equals a listed one, so any other spelling would never match.
 */
export function isBrowserOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
  } catch {
    return false;
  }
}

/** Object keys in S3 event notifications arrive form-URL-encoded: `+` is a space, then `%XX` escapes. */
export function decodeS3EventKey(encodedKey: string): string {
  return decodeURIComponent(encodedKey.replace(/\+/g, ' '));
}

/** The inverse of {@link decodeS3EventKey}, as S3 writes keys into notifications. */
export function encodeS3EventKey(key: string): string {
  return encodeURIComponent(key).replace(/%20/g, '+');
}

/**
 * The lookup API's public routes. On AWS they are served by one greedy route per method
 * ({@link API_GATEWAY_ROUTES}) because API Gateway hands the function an already-decoded path, where a
 * user id may itself contain `/`; the router parses such paths from the end (session ids have a fixed shape).
 */
export const API_ROUTES = {
  getUser: { method: 'GET', path: '/users/{userId}' },
  listSessions: { method: 'GET', path: '/users/{userId}/sessions' },
  getSession: { method: 'GET', path: '/users/{userId}/sessions/{sessionId}' },
  eraseUser: { method: 'DELETE', path: '/admin/users/{userId}' },
} as const;
export type ApiRouteName = keyof typeof API_ROUTES;

/** Most anonymousIds a session lists (rule 9: its distinct ones, sorted, the first 10). */
export const MAX_SESSION_ANONYMOUS_IDS = 10;

/** Events of one session per getSession response unless its `limit` asks for fewer (the largest `limit`). */
export const MAX_EVENT_LIMIT = 1_000;

/** Prefix of a user id given as base64url: survives any decoding between a client and the function. */
export const BASE64_ID_PREFIX = '~b64.';

/**
 * The id as `~b64.<base64url of its UTF-8>`, which every route accepts in place of the id (the API's
 * redirects and the viewer both write it). A lone surrogate (an id sent as `"\ud800"` in JSON, a user of
 * its own) takes the three bytes of its code point (WTF-8), where UTF-8 would write U+FFFD's and so name
 * another user.
 */
export function base64Id(userId: string): string {
  let binary = '';
  for (const byte of wtf8Bytes(userId)) binary += String.fromCharCode(byte);
  return `${BASE64_ID_PREFIX}${btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')}`;
}

/**
 * Whether an id can travel only in its `~b64.` form, in a path or a query alike: one that starts with the
 * prefix would be read as such a form, and a lone surrogate has no percent-encoding (URL encoding writes
 * U+FFFD, another user's id).
 */
export function travelsOnlyAsBase64Id(userId: string): boolean {
  return userId.startsWith(BASE64_ID_PREFIX) || hasLoneSurrogate(userId);
}

/**
 * Whether an id is a dot segment, `.` or `..`: a path can only carry it in the `~b64.` form, since URL
 * parsers (browsers, `fetch`, curl) resolve dot segments away, percent-encoded ones too, before sending.
 */
export function isDotSegment(userId: string): boolean {
  return userId === '.' || userId === '..';
}

/**
 * The id a `~b64.` form names; undefined unless the text is the one form {@link base64Id} writes (no padding,
 * no overlong or split sequences), so that every id has one such form.
 */
export function idOfBase64Id(text: string): string | undefined {
  if (!text.startsWith(BASE64_ID_PREFIX)) return undefined;
  const encoded = text.slice(BASE64_ID_PREFIX.length);
  if (!/^[A-Za-z0-9_-]*$/.test(encoded)) return undefined;
  let binary: string;
  try {
    binary = atob(encoded.replaceAll('-', '+').replaceAll('_', '/'));
  } catch {
    return undefined;
  }
  const id = decodeWtf8(Uint8Array.from(binary, (character) => character.charCodeAt(0)));
  return id !== undefined && base64Id(id) === text ? id : undefined;
}

/**
 * Why a command-line id that starts with {@link BASE64_ID_PREFIX} names no id, as the tools that take ids (the
 * erase command, the CLI's report) say it: the API refuses such an id too rather than read it as written.
 */
export const NOT_A_BASE64_ID = `is no ${BASE64_ID_PREFIX} form of an id (unpadded base64url of its UTF-8); an id that itself starts with ${BASE64_ID_PREFIX} is given in its own ${BASE64_ID_PREFIX} form`;

/** What API Gateway is configured with: greedy proxies, parsed by the router. */
export const API_GATEWAY_ROUTES = [
  { method: 'GET', path: '/users/{proxy+}', routes: ['getUser', 'listSessions', 'getSession'] },
  { method: 'DELETE', path: '/admin/users/{proxy+}', routes: ['eraseUser'] },
] as const satisfies readonly { method: string; path: string; routes: readonly ApiRouteName[] }[];

/**
 * What the rebuild state machine sends its one function: `begin` once, then `segment` for each parallel
 * scan segment (0 to totalSegments - 1) until it answers `done`, then `finish`, and again with the `next` its
 * answer names while it answers one (a wait, a count to go on with, or users left to cut again).
 */
export type RebuildRequest =
  | { readonly action: 'begin'; readonly totalSegments: number }
  | {
      readonly action: 'segment';
      readonly segment: number;
      readonly totalSegments: number;
      /** null on a segment's first call, then the `cursor` of the previous answer (sealed: see below). */
      readonly cursor: string | null;
    }
  | {
      readonly action: 'finish';
      /**
       * Counts that found users left so far (0 or absent first), and the users such a count found, to be cut
       * again (their ids as a JSON list, sealed): both as the previous answer's `next` says.
       */
      readonly pass?: number;
      readonly users?: string;
      /** A count the previous call's time ended before it passed the whole table: this call goes on with it. */
      readonly count?: RebuildCountProgress;
    };

/**
 * How far a count of the users left under the old rules got: where each segment of its parallel scan goes on
 * (`cursor`, the key of the last item it read, null from the start) or whether it is done; the users it found
 * so far (`found`) and the first of them by id, within the lists' limits.
 *
 * Cursors and lists of users name users, and the state machine's history keeps them beyond any erasure: they
 * travel sealed (AES-256-GCM, base64url) under a key the rebuild holds only until it finishes.
 */
export interface RebuildCountProgress {
  readonly segments: readonly { readonly cursor: string | null; readonly done: boolean }[];
  readonly found: number;
  /** The users' ids as a JSON list, sealed. */
  readonly users: string;
}

/** The answer to a `segment` request: the state machine calls again with `cursor` until `done`. */
export interface RebuildSegmentProgress {
  readonly segment: number;
  readonly totalSegments: number;
  readonly cursor: string | null;
  readonly done: boolean;
}

/**
 * What the lookup and erasure functions log for each request they answer with a 500 (the failure is theirs to
 * answer, so Lambda's Errors misses it): their alarms count these lines.
 */
export const REQUEST_FAILED_MESSAGE = 'API request failed';
export const ERASURE_FAILED_MESSAGE = 'erasure failed';
