// The fake API's server: the viewer's assets, the answers of fake-api-routes.ts, and the faults a test brings on
// (a held, dropped or gone request, invalidated cursors, a session that grew, a user stitched to another).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ViewerAsset } from '../../viewer/assets.js';
import { closeServer } from '../helpers/close-server.js';
import { type Answer, answer, type FakeApiData, invalidateCursors } from './fake-api-routes.js';

export interface FakeApiOptions extends FakeApiData {
  /** Served at their paths with `headers`; none for an API-only server. */
  readonly assets?: Map<string, ViewerAsset>;
  readonly assetHeaders?: Record<string, string>;
  /** Origin allowed to call this API from a browser (CORS), for a viewer served elsewhere. */
  readonly corsOrigin?: string;
}

export interface FakeApi {
  readonly origin: string;
  /** Every request's method and raw URL, in arrival order. */
  readonly requests: string[];
  /**
   * Holds requests whose raw URL (path and query) starts with `prefix` until the returned function is called:
   * `/users/u/sessions?` holds the user's list pages and not their sessions.
   */
  hold(prefix: string): () => void;
  /**
   * Requests whose raw path starts with `prefix` get no answer, their connection dropped (a network failure;
   * Chromium retries a GET once on a fresh connection), until the returned function is called.
   */
  drop(prefix: string): () => void;
  /** Every cursor handed out so far becomes a `400`, as when the API's signing key is replaced. */
  invalidateCursors(): void;
  /**
   * The session at `path` (`/users/<user>/sessions/<id>`, as the viewer sends it) is gone, as once a late event
   * merged it into another or moved its start, until the returned function is called: its route answers
   * `404 Session not found`, and the user's list pages and session count leave it out.
   */
  gone(path: string): () => void;
  /**
   * Answers under `prefix` say the session has these attributes (its event count, end and duration), as when
   * it grew after it was opened, until the returned function is called.
   */
  reportSession(prefix: string, attributes: Readonly<Record<string, unknown>>): () => void;
  /**
   * Every route of `userId` answers a 307 to the same route of `to`, as when a user on show turns out to be
   * an anonymousId and is stitched to `to`, until the returned function is called.
   */
  stitch(userId: string, to: string): () => void;
  /**
   * List pages under `prefix` hand back the cursor `loop` in place of their own, and a page asked with it is
   * empty and hands it back again, as an API whose cursors go round, until the returned function is called.
   */
  loopCursors(prefix: string): () => void;
  /**
   * Requests whose raw path starts with `prefix` get the API's error shape with this status and message (one
   * quoting what was asked for, as the API's may), until the returned function is called.
   */
  refuse(prefix: string, status: number, message: string): () => void;
  close(): Promise<void>;
}

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * A stand-in for the local stack: the viewer's assets and a lookup API with canned users, speaking the
 * API's JSON shapes, status codes, cursors and its 307 for stitched anonymousIds.
 */
export async function startFakeApi(options: FakeApiOptions): Promise<FakeApi> {
  const requests: string[] = [];
  const holds = new Map<string, Promise<void>>();
  const drops = new Set<string>();
  const gone = new Set<string>();
  const reported = new Map<string, Readonly<Record<string, unknown>>>();
  const looping = new Set<string>();
  const refusals = new Map<string, { status: number; message: string }>();
  const stitched: Record<string, string> = { ...options.stitched };
  const under = (prefixes: Iterable<string>, rawPath: string) =>
    [...prefixes].find((prefix) => rawPath.startsWith(prefix));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = req.url ?? '/';
    requests.push(`${req.method} ${target}`);
    const queryAt = target.indexOf('?');
    const rawPath = queryAt === -1 ? target : target.slice(0, queryAt);
    const query = new URLSearchParams(queryAt === -1 ? '' : target.slice(queryAt + 1));
    const cors: Record<string, string> =
      options.corsOrigin === undefined
        ? {}
        : { 'access-control-allow-origin': options.corsOrigin, vary: 'origin' };
    const asset = options.assets?.get(rawPath);
    if (asset !== undefined && req.method === 'GET') {
      res.writeHead(200, {
        'content-type': asset.contentType,
        'cache-control': 'no-store',
        ...options.assetHeaders,
      });
      res.end(asset.body);
      return;
    }
    for (const [prefix, gate] of holds) if (target.startsWith(prefix)) await gate;
    if ([...drops].some((prefix) => rawPath.startsWith(prefix))) {
      req.socket.destroy();
      return;
    }
    const loops = under(looping, target) !== undefined;
    const refused = refusals.get(under(refusals.keys(), rawPath) ?? '');
    const found: Answer =
      refused !== undefined
        ? { status: refused.status, body: { error: { code: 'bad_request', message: refused.message } } }
        : loops && query.get('cursor') === 'loop'
          ? { status: 200, body: { userId: 'looping', sessions: [], nextCursor: 'loop' } }
          : await answer(
              { ...options, stitched, gone },
              rawPath,
              queryAt === -1 ? '' : target.slice(queryAt + 1),
            );
    if (loops && (found.body as { nextCursor?: unknown }).nextCursor) {
      found.body = { ...(found.body as object), nextCursor: 'loop' };
    }
    const grown = under(reported.keys(), rawPath);
    const body =
      grown !== undefined && found.status === 200
        ? { ...(found.body as object), ...reported.get(grown) }
        : found.body;
    res.writeHead(found.status, {
      'content-type': JSON_TYPE,
      'cache-control': 'no-store',
      ...cors,
      ...found.headers,
    });
    res.end(JSON.stringify(body));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((failure: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(failure));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    hold(prefix) {
      let release = () => {};
      holds.set(
        prefix,
        new Promise<void>((resolve) => {
          release = resolve;
        }),
      );
      return () => {
        holds.delete(prefix);
        release();
      };
    },
    drop(prefix) {
      drops.add(prefix);
      return () => drops.delete(prefix);
    },
    invalidateCursors,
    gone(path) {
      gone.add(path);
      return () => gone.delete(path);
    },
    reportSession(prefix, attributes) {
      reported.set(prefix, attributes);
      return () => reported.delete(prefix);
    },
    stitch(userId, to) {
      stitched[userId] = to;
      return () => {
        if (options.stitched?.[userId] === undefined) delete stitched[userId];
        else stitched[userId] = options.stitched[userId];
      };
    },
    loopCursors(prefix) {
      looping.add(prefix);
      return () => looping.delete(prefix);
    },
    refuse(prefix, status, message) {
      refusals.set(prefix, { status, message });
      return () => refusals.delete(prefix);
    },
    close: () => closeServer(server),
  };
}
