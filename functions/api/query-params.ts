/**
 * The API's query and path parameters, checked with zod: each refusal names the parameter and what it must be.
 * How a raw query string is read against them is query-string.ts's.
 */

import { BASE64_ID_PREFIX, idOfBase64Id, MAX_EVENT_LIMIT } from '../../contract/index.js';
import { MAX_DISPLAY_LENGTH } from '../domain/events/display-text.js';
import { parseTimestamp } from '../domain/rules/timestamp.js';
import { startedAtFromSessionId } from '../domain/sessions/session.js';
import * as z from '../shared/zod.js';
import { knownQuery, type ParseResult } from './query-string.js';
import { badRequest } from './responses.js';
import { base64IdProblem } from './user-id.js';

export const sessionIdParam = z
  .string()
  .check(
    z.refine(
      (sessionId: string) => startedAtFromSessionId(sessionId) !== undefined,
      'must be a session id such as 20240101T090000000Z',
    ),
  );

const timestampParam = z.pipe(
  z.string(),
  z.transform((text: string, payload) => {
    const epochMs = parseTimestamp(text);
    if (typeof epochMs !== 'number') {
      payload.issues.push({
        code: 'custom',
        message:
          epochMs === 'out of range'
            ? 'must fall within the years 0000 to 9999 in UTC'
            : 'must be an ISO-8601 date-time such as 2024-01-01T09:00:00Z (send a "+" offset as %2B)',
        input: text,
      });
      return z.NEVER;
    }
    return epochMs;
  }),
);

/**
 * A query value as text: in the `~b64.` form ids take (docs/api.md), the text it encodes, so that a value
 * holding a lone surrogate, which has no percent-encoding (URL encoding writes U+FFFD, other text), or one that
 * itself starts with `~b64.` can be sent; any other value as sent.
 */
const base64Text = z.transform((text: string, payload) => {
  if (!text.startsWith(BASE64_ID_PREFIX)) return text;
  const decoded = idOfBase64Id(text);
  if (decoded !== undefined) return decoded;
  payload.issues.push({
    code: 'custom',
    message: base64IdProblem(text.slice(BASE64_ID_PREFIX.length)),
    input: text,
  });
  return z.NEVER;
});

// A cursor longer than any is refused by the codec, before it is verified, with the route's own guidance.
const cursorParam = z.optional(z.string().check(z.minLength(1, 'must not be empty')));

/**
 * A page size: an integer from 1 to `most`, leading zeros allowed; at most `digits` digits after them, which
 * bounds the work on junk.
 */
function limitParam(most: number, byDefault: number, digits: number) {
  const problem = `must be an integer from 1 to ${most}`;
  return z._default(
    z.pipe(
      z.pipe(z.string().check(z.regex(new RegExp(`^0*\\d{1,${digits}}$`), problem)), z.transform(Number)),
      z.number().check(z.int(), z.minimum(1, problem), z.maximum(most, problem)),
    ),
    byDefault,
  );
}

export const DEFAULT_LIMIT = 20;
// A page of 50 sessions reads at most 5 read units whatever the user's history (docs/cost.md); 100 read 8.
export const MAX_LIMIT = 50;

export const listQuerySchema = z
  .object({
    from: z.optional(timestampParam),
    to: z.optional(timestampParam),
    order: z._default(z.enum(['asc', 'desc'], { error: 'must be asc or desc' }), 'desc'),
    limit: limitParam(MAX_LIMIT, DEFAULT_LIMIT, 3),
    cursor: cursorParam,
    bounce: z.optional(
      z.pipe(
        z.enum(['true', 'false'], { error: 'must be true or false' }),
        z.transform((value) => value === 'true'),
      ),
    ),
    campaignSource: z.optional(
      z.pipe(
        z.pipe(z.string(), base64Text),
        z.string().check(
          z.minLength(1, 'must not be empty'),
          // zod counts code points; a shown campaign source is cut to 1,024 UTF-16 code units (rule 9).
          z.refine(
            (text: string) => text.length <= MAX_DISPLAY_LENGTH,
            `is longer than ${MAX_DISPLAY_LENGTH} UTF-16 code units, which no shown campaign source is`,
          ),
        ),
      ),
    ),
  })
  .check(
    z.refine(
      (query: { from?: number | undefined; to?: number | undefined }) =>
        query.from === undefined || query.to === undefined || query.from <= query.to,
      { path: ['from'], error: 'must not be after to' },
    ),
  );

export const LIST_PARAMETERS = [
  'from',
  'to',
  'order',
  'limit',
  'cursor',
  'bounce',
  'campaignSource',
] as const;

export const sessionQuerySchema = z.object({
  limit: limitParam(MAX_EVENT_LIMIT, MAX_EVENT_LIMIT, 4),
  cursor: cursorParam,
});

export const SESSION_PARAMETERS = ['limit', 'cursor'] as const;

/** A user's summary takes no query parameters. */
export const userQuerySchema = z.object({});

export const USER_PARAMETERS = [] as const;

/** What each route's query parses to. */
export interface RouteQueries {
  readonly getUser: z.infer<typeof userQuerySchema>;
  readonly listSessions: z.infer<typeof listQuerySchema>;
  readonly getSession: z.infer<typeof sessionQuerySchema>;
}

/** Each route's query: the parameters it takes and their schema, paired here once for every reader of it. */
const ROUTE_QUERIES: {
  readonly [N in keyof RouteQueries]: {
    readonly names: readonly string[];
    readonly schema: z.ZodMiniType<RouteQueries[N]>;
  };
} = {
  getUser: { names: USER_PARAMETERS, schema: userQuerySchema },
  listSessions: { names: LIST_PARAMETERS, schema: listQuerySchema },
  getSession: { names: SESSION_PARAMETERS, schema: sessionQuerySchema },
};

/** The query of the route `name` ({@link knownQuery}), for a known user's id and for a path naming none. */
export function routeQuery<N extends keyof RouteQueries>(
  name: N,
  rawQueryString: string,
): ParseResult<RouteQueries[N]> {
  const { names, schema } = ROUTE_QUERIES[name];
  return knownQuery(rawQueryString, names, schema);
}

/** The 400 of a cursor a session's route cannot resume from. */
export const SESSION_CURSOR_REFUSED = badRequest(
  'cursor',
  'is not a valid cursor for this user and session: pass the nextCursor of its page before, or leave cursor out to start from its first events (a replaced signing key also ends every cursor)',
);

/** The 400 of a cursor a list cannot resume from. */
export const LIST_CURSOR_REFUSED = badRequest(
  'cursor',
  'is not a valid cursor for this user, order and filter: pass the nextCursor of the page before, asked with the same parameters, or leave cursor out to start from the first page (a replaced signing key also ends every cursor)',
);
