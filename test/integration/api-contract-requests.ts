// Requests for the lookup API's contract test, each with what the document says of it: which user its path
// names (as the function decodes it), and which of its parameters are at fault, so that a 400 must name one of
// them and a request with none must not be refused.
import fc from 'fast-check';
import { base64Id } from '../../contract/index.js';
import type { Json } from '../unit/api/openapi-validator.js';
import {
  bad,
  encoded,
  ok,
  overEncoded,
  type Pair,
  type PathId,
  parameterValues,
  pathIds,
  strangers,
  type Value,
} from './api-contract-values.js';

export type RouteName = 'getUser' | 'listSessions' | 'getSession';

/** A cursor the API minted, with what it was minted for: the request's binding must equal it to be valid. */
export interface MintedCursor {
  readonly cursor: string;
  readonly binding: string;
  /** The request that minted it: route, user, session and parameters (cursor and limit aside). */
  readonly route: RouteName;
  readonly userId: string;
  readonly sessionId?: string;
  readonly params: Readonly<Record<string, string>>;
}

export interface ContractRequest {
  readonly route: RouteName;
  readonly decoded: boolean;
  readonly rawPath: string;
  /** What follows the user id in the path: nothing, `/sessions` or `/sessions/{sessionId}`. */
  readonly tail: string;
  readonly rawQuery: string;
  /** The id the path names, as the function decodes it; undefined when the path holds no valid id. */
  readonly userId: string | undefined;
  readonly sessionId?: string;
  /** Parameters at fault: a 400 names one of them; none at fault, a known user is not refused. */
  readonly faults: ReadonlySet<string>;
  /** The path's shape is one the model does not predict (a trailing slash): only the contract is checked. */
  readonly unpredicted: boolean;
  /**
   * A misshapen session id makes the path a user id of its own: a 400 naming a fault when the user before
   * `/sessions/` exists or a query parameter is given (a user's route takes none), else a 404 for the unknown
   * user (or a 400 for an id that is none).
   */
  readonly ownerDecides: boolean;
  /** The binding a cursor must have been minted for, when every parameter it covers is valid. */
  readonly binding: string | undefined;
}

/** What a valid cursor of the list is bound to: the user, order, bounds and filters (cursor.ts). */
export const listBinding = (
  userId: string,
  order: string,
  from: number | null,
  to: number | null,
  bounce: boolean | null,
  source: string | null,
) => JSON.stringify(['list', userId, order, from, to, bounce, source]);

export const sessionBinding = (userId: string, sessionId: string) =>
  JSON.stringify(['session', userId, sessionId]);

/** What the test knows of the store and of the cursors the API minted. */
export interface World {
  readonly users: readonly string[];
  /** Each user's session ids; a stitched anonymousId has none. */
  readonly sessions: ReadonlyMap<string, readonly string[]>;
  readonly minted: readonly MintedCursor[];
  /** The parameters each route documents, from openapi.json. */
  readonly documented: Readonly<Record<RouteName, readonly { name: string; schema: Json }[]>>;
}

const MALFORMED_SESSION_IDS = ['latest', '20241301T090000000Z', '20240101t090000000z', '2024'];

function sessionIds(world: World): fc.Arbitrary<string> {
  const all = [...world.sessions.values()].flat();
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...all) },
    { weight: 1, arbitrary: fc.constantFrom('20300101T000000000Z', ...MALFORMED_SESSION_IDS) },
  );
}

/** A cursor: one the API minted (for some binding), or one tampered, truncated, empty, overlong or made up. */
function cursors(world: World): fc.Arbitrary<Value> {
  const minted = fc.constantFrom(...world.minted.map((entry) => entry.cursor));
  return fc.oneof(
    { weight: 4, arbitrary: minted.map((cursor) => ({ raw: encoded(cursor), fault: false, read: cursor })) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(minted, fc.nat(), fc.constantFrom('A', '-', '_', '.', '', '%'))
        .map(([cursor, at, text]) => {
          const index = at % cursor.length;
          const changed = `${cursor.slice(0, index)}${text}${cursor.slice(index + 1)}`;
          return changed === cursor ? ok(cursor) : bad(encoded(changed));
        }),
    },
    { weight: 1, arbitrary: minted.map((cursor) => bad(encoded(cursor.slice(0, -1)))) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('', 'a'.repeat(257), 'e30.e30', '😀').map((t) => bad(encoded(t))),
    },
  );
}

/** The request's query pairs: some documented parameters (maybe twice), maybe a stranger. */
function pairs(route: RouteName, world: World): fc.Arbitrary<Pair[]> {
  const params = world.documented[route].map(({ name, schema }) =>
    fc.oneof(
      { weight: 6, arbitrary: fc.constant<Pair[]>([]) },
      {
        weight: 3,
        arbitrary: (name === 'cursor' ? cursors(world) : parameterValues(name, schema)).map((value) => [
          { name, rawName: name, value },
        ]),
      },
      {
        weight: 1,
        arbitrary: fc
          .tuple(name === 'cursor' ? cursors(world) : parameterValues(name, schema), fc.boolean())
          .map(([value, oddName]) => [
            { name, rawName: oddName ? overEncoded(name, true) : name, value },
            { name, rawName: name, value },
          ]),
      },
    ),
  );
  const stranger = fc.oneof(
    { weight: 6, arbitrary: fc.constant<Pair[]>([]) },
    { weight: 1, arbitrary: strangers.map((s) => [{ ...s, value: ok('1') }]) },
  );
  return fc
    .tuple(fc.tuple(...params), stranger)
    .chain(([chosen, extra]) =>
      fc.shuffledSubarray([...chosen.flat(), ...extra], { minLength: chosen.flat().length + extra.length }),
    );
}

function freeRequests(world: World, decoded: boolean): fc.Arbitrary<ContractRequest> {
  return fc
    .tuple(
      fc.constantFrom<RouteName>('getUser', 'listSessions', 'getSession'),
      pathIds(world.users, decoded),
      sessionIds(world),
    )
    .chain(([route, id, sessionId]) =>
      pairs(route, world).map((query) => contractRequest(world, route, decoded, id, sessionId, query)),
    );
}

/** How a minted cursor is passed on: as it came, or under another user, order, filter, session or route. */
type Slip = 'none' | 'user' | 'order' | 'filter' | 'session' | 'route' | 'encoding';

/** The request after one that minted a cursor, the cursor passed on as it came or with one slip. */
function followingRequests(world: World, decoded: boolean): fc.Arbitrary<ContractRequest> {
  const slips = fc.constantFrom<Slip>(
    'none',
    'none',
    'user',
    'order',
    'filter',
    'session',
    'route',
    'encoding',
  );
  return fc
    .tuple(fc.constantFrom(...world.minted), slips, fc.constantFrom(...world.users), fc.nat())
    .map(([minted, slip, otherUser, pick]) => {
      let route = minted.route;
      let userId = minted.userId;
      let sessionId = minted.sessionId ?? world.sessions.get(userId)?.[0] ?? '20240101T090000000Z';
      const params: Record<string, string> = { ...minted.params };
      const own = world.sessions.get(userId) ?? [];
      if (slip === 'user') userId = otherUser;
      if (slip === 'order') params.order = params.order === 'asc' ? 'desc' : 'asc';
      if (slip === 'filter') {
        if (params.bounce !== undefined) params.bounce = params.bounce === 'true' ? 'false' : 'true';
        else if (params.campaignSource !== undefined) delete params.campaignSource;
        else if (route === 'listSessions') params.to = '2024-01-05T00:00:00.000Z';
      }
      if (slip === 'session') sessionId = own[pick % own.length] ?? sessionId;
      if (slip === 'route') {
        route = route === 'getSession' ? 'listSessions' : 'getSession';
        if (route === 'getSession') for (const name of Object.keys(params)) delete params[name];
        else params.order = 'asc';
      }
      const id: PathId =
        slip === 'encoding' && !decoded
          ? { segment: overEncoded(userId, pick % 2 === 0), userId }
          : decoded
            ? { segment: base64Id(userId), userId }
            : { segment: encoded(userId), userId };
      const query: Pair[] = Object.entries(params).map(([name, text]) => ({
        name,
        rawName: name,
        value: ok(text),
      }));
      query.push({ name: 'cursor', rawName: 'cursor', value: ok(minted.cursor) });
      if (pick % 3 === 0) query.push({ name: 'limit', rawName: 'limit', value: ok(String((pick % 5) + 1)) });
      return contractRequest(world, route, decoded, id, sessionId, query);
    });
}

export function requests(world: World, decoded: boolean): fc.Arbitrary<ContractRequest> {
  return fc.oneof(
    { weight: 3, arbitrary: freeRequests(world, decoded) },
    { weight: 1, arbitrary: followingRequests(world, decoded) },
  );
}

/** The epoch ms a valid from/to names (only ISO texts that Date.parse reads exactly are generated valid). */
const epochOf = (text: string | undefined) => (text === undefined ? null : Date.parse(text));

export function contractRequest(
  world: World,
  route: RouteName,
  decoded: boolean,
  id: PathId,
  sessionId: string,
  query: readonly Pair[],
): ContractRequest {
  const tail = route === 'getUser' ? '' : route === 'listSessions' ? '/sessions' : `/sessions/${sessionId}`;
  const rawPath = `/users/${id.segment}${tail}`;
  const rawQuery = query
    .map(({ rawName, value }) => (value.raw === undefined ? rawName : `${rawName}=${value.raw}`))
    .join('&');
  const faults = new Set<string>();
  if (id.userId === undefined && !id.unpredicted) faults.add('userId');
  const documented = new Set(world.documented[route].map(({ name }) => name));
  const seen = new Map<string, number>();
  for (const { name } of query) seen.set(name, (seen.get(name) ?? 0) + 1);
  const read: Record<string, string> = {};
  for (const { name, value } of query) {
    if (!documented.has(name)) faults.add(name);
    else if ((seen.get(name) ?? 0) > 1 || value.fault) faults.add(name);
    else if (value.read !== undefined) read[name] = value.read;
  }
  const from = epochOf(read.from);
  const to = epochOf(read.to);
  if (from !== null && to !== null && from > to) faults.add('from');
  const malformedSessionId = route === 'getSession' && MALFORMED_SESSION_IDS.includes(sessionId);
  if (malformedSessionId) {
    faults.add('sessionId');
    // The path is then a user's, which takes no query parameter.
    for (const { name } of query) faults.add(name);
  }
  const covered = ['order', 'from', 'to', 'bounce', 'campaignSource'];
  let binding: string | undefined;
  if (id.userId !== undefined && ![...faults].some((name) => covered.includes(name) || name === 'userId')) {
    binding =
      route === 'listSessions'
        ? listBinding(
            id.userId,
            read.order ?? 'desc',
            from,
            to,
            read.bounce === undefined ? null : read.bounce === 'true',
            read.campaignSource ?? null,
          )
        : route === 'getSession'
          ? sessionBinding(id.userId, sessionId)
          : undefined;
  }
  if (read.cursor !== undefined) {
    const minted = world.minted.find((entry) => entry.cursor === read.cursor);
    if (minted === undefined || minted.binding !== binding) faults.add('cursor');
  }
  return {
    route,
    decoded,
    rawPath,
    tail,
    rawQuery,
    userId: id.userId,
    ...(route === 'getSession' && { sessionId }),
    faults,
    unpredicted: id.unpredicted === true,
    ownerDecides: malformedSessionId,
    binding,
  };
}
