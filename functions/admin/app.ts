import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { BASE64_ID_PREFIX, ERASURE_FAILED_MESSAGE } from '../../contract/index.js';
import { CACHE_CONTROL, JSON_CONTENT_TYPE } from '../api/app.js';
import { matchAdminRoute } from '../api/paths.js';
import { USER_PARAMETERS, userQuerySchema } from '../api/query-params.js';
import { knownQuery } from '../api/query-string.js';
import { type ApiResponse, answerOr500, badRequest, errorResponse, notFound } from '../api/responses.js';
import { parseUserId } from '../api/user-id.js';
import type { UserEraser } from '../domain/store/ports.js';
import { idSha256 } from '../shared/id-digest.js';
import type { AdminConfig } from './config.js';

/** The one method the admin route serves. */
export const ADMIN_ALLOWED_METHODS = 'DELETE';

export type AdminHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

/** What the handler logs through; Powertools' Logger fits it. */
export interface AdminLogger {
  info(message: string, attributes: Record<string, unknown>): void;
  error(message: string, attributes: Record<string, unknown>): void;
}

export interface AdminHandlerDeps {
  readonly eraser: UserEraser;
  readonly config: Pick<AdminConfig, 'pathsDecoded'>;
  readonly logger: AdminLogger;
}

/**
 * The most anonymousIds an erasure's answer lists. All of them could pass Lambda's 6 MB (150,000 UUIDs take
 * 5.9 MB), and that answer would fail after the erasure completed, which a repeat cannot answer again (nothing
 * is left to find). 1,000 ids of 512 bytes of control characters, the longest, take 3.6 MB as Lambda returns
 * them (each `\u0001` 7 bytes).
 */
export const MAX_LISTED_ANONYMOUS_IDS = 1000;

/** The body of a completed erasure (openapi.json, `Erasure`). */
export interface ErasureView {
  readonly userId: string;
  readonly erased: true;
  readonly itemsDeleted: number;
  /** How many anonymousIds this request erased; an API deployed before the field answers without it. */
  readonly anonymousIdCount?: number;
  /** The first {@link MAX_LISTED_ANONYMOUS_IDS} of them, sorted. */
  readonly anonymousIds: readonly string[];
  /** SHA-256 of all of them, sorted, as a JSON array: a list held elsewhere can be checked against it. */
  readonly anonymousIdsSha256?: string;
  readonly stitchedTo: string | null;
}

/** The IAM principal API Gateway authorized, when it did (payload 2.0 with the IAM authorizer). */
function callerOf(event: APIGatewayProxyEventV2): string | undefined {
  const context = event.requestContext as { authorizer?: { iam?: { userArn?: string } } } | undefined;
  return context?.authorizer?.iam?.userArn;
}

/** The logs must not hold the ids erased; a JSON array, not the ids joined: an id may hold any separator. */
const listDigest = (ids: readonly string[]) => idSha256(JSON.stringify(ids));

/**
 * Why an id with spaces around it names no user: rule 1 trims ids as events are read. Erasing one would
 * record a suppression nobody needs and leave the user meant (a stray space pasted with the id) untouched.
 */
function blankEndsProblem(userId: string): string | undefined {
  const trimmed = userId.trim();
  if (trimmed === userId) return undefined;
  const why = '(ids are trimmed when events are read)';
  if (trimmed === '') return `is blank, which no user id is ${why}`;
  return `has spaces around it, which no user id has ${why}; ${JSON.stringify(trimmed)} is the id it would be`;
}

/**
 * Why a path's id may not hold a `/` as the path carries it: the route takes one segment, and a slip (a
 * lookup's path under the admin prefix, `DELETE /admin/users/alice/sessions`, or a slash too many,
 * `/admin/users/alice/`) would erase `alice/sessions` or `alice/` for good and leave alice untouched. Where
 * paths stay encoded an id's own `/` comes as `%2F`; behind API Gateway, which decodes `%2F`, only the
 * `~b64.` form tells it from a slip.
 */
function slashProblem(rawUserId: string, pathsDecoded: boolean): string | undefined {
  if (!rawUserId.includes('/')) return undefined;
  const encoded = pathsDecoded ? '' : ', or its "/" as %2F';
  return `holds a "/" of the path's own: DELETE /admin/users/{userId} takes one path segment, and a path with more (/admin/users/alice/sessions, /admin/users/alice/) would erase another id than the user meant; send an id that holds "/" in the ${BASE64_ID_PREFIX} form (npm run erase does)${encoded}`;
}

/**
 * The user whose erasure failed, as every log names one (its SHA-256): the alarm's log line then says which
 * erasure to send again, and keeps no id that erasure is to remove.
 */
function failedUser(event: APIGatewayProxyEventV2, pathsDecoded: boolean): { userIdSha256?: string } {
  const route = matchAdminRoute(event.rawPath ?? '');
  const user = route === undefined ? undefined : parseUserId(route.userId, pathsDecoded);
  return user?.ok ? { userIdSha256: idSha256(user.userId) } : {};
}

/**
 * The admin function's HTTP edge for `DELETE /admin/users/{userId}`: parses the id as the lookup routes do,
 * erases, answers what was erased. Errors carry the lookup API's shape; a failure is a generic 500.
 */
export function createAdminHandler({ eraser, config, logger }: AdminHandlerDeps): AdminHandler {
  async function respond(event: APIGatewayProxyEventV2, method: string): Promise<ApiResponse> {
    const route = matchAdminRoute(event.rawPath ?? '');
    if (route === undefined) return notFound('Route not found');
    if (method !== 'DELETE') {
      return {
        ...errorResponse(405, 'method_not_allowed', `Method not allowed; allowed: ${ADMIN_ALLOWED_METHODS}`),
        headers: { allow: ADMIN_ALLOWED_METHODS },
      };
    }
    const slash = slashProblem(route.userId, config.pathsDecoded);
    if (slash !== undefined) return badRequest('userId', slash);
    const user = parseUserId(route.userId, config.pathsDecoded);
    if (!user.ok) return user.response;
    const blankEnds = blankEndsProblem(user.userId);
    if (blankEnds !== undefined) return badRequest('userId', blankEnds);
    // Like the lookups', the route takes no parameter: ignored, `?dryRun=true` would erase for real.
    const query = knownQuery(event.rawQueryString ?? '', USER_PARAMETERS, userQuerySchema);
    if (!query.ok) return query.response;
    // API Gateway passes a DELETE's body on: ignored, `{"dryRun": true}` would erase for real, as the query would.
    if ((event.body ?? '') !== '') {
      return badRequest(
        'body',
        `must be empty: DELETE /admin/users/{userId} takes no options (it has no dry run) and erases the user its path names`,
      );
    }
    const result = await eraser.eraseUser(user.userId);
    const anonymousIdsSha256 = listDigest(result.anonymousIds);
    logger.info('user erased', {
      userIdSha256: idSha256(user.userId),
      itemsDeleted: result.itemsDeleted,
      anonymousIdsErased: result.anonymousIds.length,
      anonymousIdsSha256,
      caller: callerOf(event),
    });
    const body: ErasureView = {
      userId: result.userId,
      erased: true,
      itemsDeleted: result.itemsDeleted,
      anonymousIdCount: result.anonymousIds.length,
      anonymousIds: result.anonymousIds.slice(0, MAX_LISTED_ANONYMOUS_IDS),
      anonymousIdsSha256,
      stitchedTo: result.stitchedTo ?? null,
    };
    return { status: 200, body };
  }

  return async (event) => {
    const method = (event.requestContext?.http?.method ?? '').toUpperCase();
    // Running the erasure again finishes what this one started.
    const response = await answerOr500(
      () => respond(event, method),
      (error) =>
        logger.error(ERASURE_FAILED_MESSAGE, {
          error,
          method,
          caller: callerOf(event),
          ...failedUser(event, config.pathsDecoded),
        }),
    );
    return {
      statusCode: response.status,
      headers: { 'content-type': JSON_CONTENT_TYPE, ...response.headers, 'cache-control': CACHE_CONTROL },
      body: JSON.stringify(response.body),
    };
  };
}
