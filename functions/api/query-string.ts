/**
 * Reading a raw query string against a route's parameters: form decoding, names the route does not take
 * (refused, with the one meant), repeats, escapes that are no UTF-8, then the route's schema. The schemas
 * themselves are query-params.ts's.
 */
import type * as z from '../shared/zod.js';
import { type ApiResponse, badRequest, errorResponse } from './responses.js';

export type ParseResult<T> = { ok: true; data: T } | { ok: false; response: ApiResponse };

export function parse<T>(schema: z.ZodMiniType<T>, input: unknown, name?: string): ParseResult<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, data: parsed.data };
  const issue = parsed.error.issues[0];
  return {
    ok: false,
    response: badRequest(name ?? String(issue?.path[0] ?? 'request'), issue?.message ?? 'is invalid'),
  };
}

/**
 * The route's parameters from the raw query string. A parameter the route does not take is refused, not
 * ignored: ignored, a misspelt filter (`campaign_source`, `Bounce`) answered the unfiltered list as if applied.
 * A repeated parameter is refused too.
 */
export function knownQuery<T>(
  rawQueryString: string,
  names: readonly string[],
  schema: z.ZodMiniType<T>,
): ParseResult<T> {
  // URLSearchParams is the form decoding browsers use: `+` is a space here, unlike in the path.
  const search = new URLSearchParams(rawQueryString);
  const unknown = undecodableName(rawQueryString, names) ?? unknownParameter(search, names);
  if (unknown !== undefined) return { ok: false, response: unknown };
  const given: Record<string, string> = {};
  for (const name of names) {
    const values = search.getAll(name);
    if (values.length > 1) return { ok: false, response: badRequest(name, 'must be given at most once') };
    const value = values[0];
    if (value === undefined) continue;
    if (value.includes(REPLACEMENT) && !sentAsUtf8(rawQueryString, name)) {
      return { ok: false, response: badRequest(name, 'is not valid percent-encoded UTF-8') };
    }
    given[name] = value;
  }
  return parse(schema, given);
}

/** Case, `_` and `-` aside: `campaign_source`, `CampaignSource` and `campaign-source` all mean campaignSource. */
export function looseName(name: string): string {
  return name.toLowerCase().replace(/[_-]/g, '');
}

const takenText = (names: readonly string[]) => (names.length === 0 ? 'none' : names.join(', '));

/**
 * A 400 for a parameter whose name's escapes are no UTF-8 (`%FF`), named as sent: URLSearchParams decodes
 * it to U+FFFD, which names no parameter the client sent, and two such names alike.
 */
function undecodableName(rawQueryString: string, names: readonly string[]): ApiResponse | undefined {
  for (const { name } of rawPairs(rawQueryString)) {
    if (formDecoded(name) !== undefined) continue;
    return badRequest(
      name,
      `is not valid percent-encoded UTF-8, nor a parameter of this route, which takes ${takenText(names)}`,
    );
  }
  return undefined;
}

/** A 400 for the first parameter the route does not take, naming the one meant if close, and those it takes. */
function unknownParameter(search: URLSearchParams, names: readonly string[]): ApiResponse | undefined {
  for (const given of search.keys()) {
    if (names.includes(given)) continue;
    const takes = takenText(names);
    // No message can start with an empty name, as a 400's does: this one says what is wrong instead.
    if (given === '') {
      const message = `The query has a parameter without a name (nothing before its "="); this route takes ${takes}`;
      return errorResponse(400, 'bad_request', message, given);
    }
    const meant = names.find((name) => looseName(name) === looseName(given));
    const problem =
      meant === undefined
        ? `is not a parameter of this route, which takes ${takes}`
        : `is not a parameter of this route; did you mean ${meant}? It takes ${takes}`;
    return badRequest(given, problem);
  }
  return undefined;
}

const REPLACEMENT = '\uFFFD';

/**
 * Form decoding as URLSearchParams does it (`+` a space, a `%` without two hex digits kept), except that
 * escapes of bytes which are no UTF-8 give undefined, not U+FFFD.
 */
export function formDecoded(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw.replaceAll('+', ' ').replace(/%(?![0-9A-Fa-f]{2})/g, '%25'));
  } catch {
    return undefined;
  }
}

/**
 * Whether the parameter's value was sent as UTF-8: URLSearchParams turns escapes of other bytes (`%F0%9F`)
 * into U+FFFD, which would then be searched for as if sent.
 */
function sentAsUtf8(rawQueryString: string, name: string): boolean {
  for (const pair of rawPairs(rawQueryString)) {
    if (formDecoded(pair.name) !== name) continue;
    return formDecoded(pair.value) !== undefined;
  }
  return true;
}

/** The query's name=value pairs as sent, still encoded. */
function rawPairs(rawQueryString: string): { name: string; value: string }[] {
  return rawQueryString.split('&').map((pair) => {
    const equals = pair.indexOf('=');
    return equals === -1
      ? { name: pair, value: '' }
      : { name: pair.slice(0, equals), value: pair.slice(equals + 1) };
  });
}
