import { hasUnshowable } from '../../contract/visible-text.js';

/** What a route produces before it becomes a Lambda result (headers, CORS and JSON encoding come later). */
export interface ApiResponse {
  readonly status: number;
  /** Serialized as JSON; absent for bodiless responses (204). */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * `forbidden` is never the lookup API's own (on AWS, IAM refuses before it runs): the local stand-in and the
 * viewer server send it when they refuse a request from elsewhere, so one shape carries every refusal.
 */
export type ErrorCode = 'bad_request' | 'forbidden' | 'not_found' | 'method_not_allowed' | 'internal_error';

/**
 * The one error shape: `{"error":{"code","message","parameter"?}}`, whoever answers (the viewer's signing
 * proxy adds codes of its own).
 */
export function errorShape(code: string, message: string, parameter?: string) {
  return { error: { code, message, ...(parameter !== undefined && { parameter }) } };
}

export function errorResponse(
  status: number,
  code: ErrorCode,
  message: string,
  parameter?: string,
): ApiResponse {
  return { status, body: errorShape(code, message, parameter) };
}

/** What a name shows as blank, or not at all: white space, control and format characters. */
const UNSEEN = /[\p{White_Space}\p{Cc}\p{Cf}]/u;

/** One UTF-16 unit as JSON escapes it: a character outside the BMP takes two. */
const escapedUnit = (unit: string) => `\\u${unit.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;

/** One character of a quoted name: `"` and `\` escaped as JSON does, what shows blank or as nothing as `\u`. */
function quotedCharacter(character: string): string {
  if (character === '"' || character === '\\') return `\\${character}`;
  if (character === ' ' || !(UNSEEN.test(character) || hasUnshowable(character))) return character;
  return character.split('').map(escapedUnit).join('');
}

/**
 * A parameter's name as a message starts with it: as is, or in double quotes as JSON quotes a value (the
 * convention of values quoted in messages, JSON.stringify), `"` and `\` escaped, when it holds something that
 * shows as blank or as nothing (`?%20=1` would start a message with a blank), each such character but a plain
 * space written as its JSON escape (`\u00A0`, `\u200B`, a Hangul filler `\u3164`), or a `"` or `\`, which
 * unquoted would leave a name typed as `"\u00A0"` reading as the quoted U+00A0.
 */
export function readableParameter(name: string): string {
  if (!UNSEEN.test(name) && !hasUnshowable(name) && !name.includes('"')) return name;
  return `"${Array.from(name, quotedCharacter).join('')}"`;
}

/** 400 naming the parameter; the message starts with its name (readableParameter) so it reads on its own. */
export function badRequest(parameter: string, problem: string): ApiResponse {
  return errorResponse(400, 'bad_request', `${readableParameter(parameter)} ${problem}`, parameter);
}

export function notFound(message: string): ApiResponse {
  return errorResponse(404, 'not_found', message);
}

/** `respond`'s answer, or the generic 500 once `logFailure` has what it threw: details go to the logs only. */
export async function answerOr500(
  respond: () => Promise<ApiResponse>,
  logFailure: (error: unknown) => void,
): Promise<ApiResponse> {
  try {
    return await respond();
  } catch (error) {
    logFailure(error);
    return errorResponse(500, 'internal_error', 'Internal error');
  }
}
