import { BASE64_ID_PREFIX, base64Id } from '../../contract/index.js';
import { MAX_ID_BYTES } from '../domain/rules/identity.js';
import * as z from '../shared/zod.js';
import { type ApiResponse, badRequest } from './responses.js';

/**
 * UTF-8 that may hold lone surrogates as the three bytes of their code points (WTF-8, what base64Id writes
 * for an id sent as `"\ud800"`); undefined for bytes that are not such text.
 */
function decodeWtf8(bytes: Uint8Array): string | undefined {
  let text = '';
  for (let at = 0; at < bytes.length; ) {
    const lead = bytes[at] as number;
    const length =
      lead < 0x80
        ? 1
        : lead >= 0xc2 && lead < 0xe0
          ? 2
          : lead >= 0xe0 && lead < 0xf0
            ? 3
            : lead >= 0xf0 && lead < 0xf5
              ? 4
              : 0;
    if (length === 0 || at + length > bytes.length) return undefined;
    let code = length === 1 ? lead : lead & (0x7f >> length);
    for (let next = at + 1; next < at + length; next++) {
      const byte = bytes[next] as number;
      if ((byte & 0xc0) !== 0x80) return undefined;
      code = (code << 6) | (byte & 0x3f);
    }
    // Overlong forms and code points past U+10FFFF are refused by the round trip through base64Id.
    if (code > 0x10ffff) return undefined;
    text += String.fromCodePoint(code);
    at += length;
  }
  return text;
}

/** Path segments are decoded once (unless the path arrived decoded), `+` kept literal (a space only in queries). */
function userIdParam(pathsDecoded: boolean) {
  const decode = z.transform((raw: string, payload) => {
    const problem = (message: string) => {
      payload.issues.push({ code: 'custom', message, input: raw });
      return z.NEVER;
    };
    let id = raw;
    if (!pathsDecoded) {
      try {
        id = decodeURIComponent(raw);
      } catch {
        return problem('is not valid percent-encoded UTF-8');
      }
    }
    if (id.startsWith(BASE64_ID_PREFIX)) {
      const decoded = decodeWtf8(Buffer.from(id.slice(BASE64_ID_PREFIX.length), 'base64url'));
      // Only the one form base64Id writes: no padding, no overlong or split sequences.
      if (decoded === undefined || base64Id(decoded) !== id) {
        return problem(`after ${BASE64_ID_PREFIX} must be base64url of UTF-8`);
      }
      id = decoded;
    }
    return id;
  });
  return z.pipe(
    z.pipe(z.string(), decode),
    z.string().check(
      z.minLength(1, 'must not be empty'),
      z.refine(
        (userId: string) => Buffer.byteLength(userId, 'utf8') <= MAX_ID_BYTES,
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
): { ok: true; userId: string } | { ok: false; response: ApiResponse } {
  const parsed = userIdParam(pathsDecoded).safeParse(raw);
  if (parsed.success) return { ok: true, userId: parsed.data };
  return { ok: false, response: badRequest('userId', parsed.error.issues[0]?.message ?? 'is invalid') };
}
