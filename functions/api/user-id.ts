import { BASE64_ID_PREFIX, idOfBase64Id } from '../../contract/index.js';
import { isIdTooLong, MAX_ID_BYTES } from '../domain/rules/identity.js';
import { idSha256 } from '../shared/id-digest.js';
import * as z from '../shared/zod.js';
import { matchRoute, routePathWithIdAs } from './paths.js';
import { type ApiResponse, badRequest } from './responses.js';

/**
 * Why the text after the `~b64.` prefix is no text (an id, or a query value in that form): a character
 * base64url lacks, padding, or no UTF-8.
 */
export function base64IdProblem(encoded: string): string {
  const expected = `after ${BASE64_ID_PREFIX} must be base64url of UTF-8`;
  const stray = /[^A-Za-z0-9_-]/.exec(encoded)?.[0];
  if (stray === '=') return `${expected}, without "=" padding`;
  if (stray !== undefined) return `${expected}; ${JSON.stringify(stray)} is no base64url character`;
  return expected;
}

/**
 * A path segment as text: decoded once (unless the path arrived decoded), `+` kept literal (a space only in
 * queries); undefined when it is not valid percent-encoded UTF-8.
 */
export function decodedSegment(raw: string, pathsDecoded: boolean): string | undefined {
  if (pathsDecoded) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

function userIdParam(pathsDecoded: boolean) {
  const decode = z.transform((raw: string, payload) => {
    const problem = (message: string) => {
      payload.issues.push({ code: 'custom', message, input: raw });
      return z.NEVER;
    };
    let id = decodedSegment(raw, pathsDecoded);
    if (id === undefined) return problem('is not valid percent-encoded UTF-8');
    if (id.startsWith(BASE64_ID_PREFIX)) {
      const decoded = idOfBase64Id(id);
      if (decoded === undefined) return problem(base64IdProblem(id.slice(BASE64_ID_PREFIX.length)));
      id = decoded;
    }
    return id;
  });
  return z.pipe(
    z.pipe(z.string(), decode),
    z.string().check(
      z.minLength(1, 'must not be empty'),
      z.refine(
        (userId: string) => !isIdTooLong(userId),
        `is longer than ${MAX_ID_BYTES} bytes of UTF-8; no user can have such an id`,
      ),
    ),
  );
}

/**
 * The user id of a path as a route matched it (percent-encoded unless the path arrived decoded, or in the
 * `~b64.` form), or the 400 naming `userId` that every route answers for a malformed one.
 */
export function parseUserId(
  raw: string,
  pathsDecoded: boolean,
): { ok: true; userId: string } | { ok: false; problem: string; response: ApiResponse } {
  const parsed = userIdParam(pathsDecoded).safeParse(raw);
  if (parsed.success) return { ok: true, userId: parsed.data };
  const problem = parsed.error.issues[0]?.message ?? 'is invalid';
  return { ok: false, problem, response: badRequest('userId', problem) };
}

/**
 * A request's path as a log names it: a user id is personal data, so the route's path with `{userIdSha256}` in
 * its place, and the id's SHA-256 beside it (id-digest.ts), of the id the path names (decoded, or of its `~b64.`
 * form), else of the id as the path carried it. A path no route takes holds no id to hide.
 */
export function loggedPath(rawPath: string, pathsDecoded: boolean): { path: string; userIdSha256?: string } {
  const route = matchRoute(rawPath);
  if (route === undefined) return { path: rawPath };
  const user = parseUserId(route.userId, pathsDecoded);
  return {
    path: routePathWithIdAs(route, '{userIdSha256}'),
    userIdSha256: idSha256(user.ok ? user.userId : route.userId),
  };
}
