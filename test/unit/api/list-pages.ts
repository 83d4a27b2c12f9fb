import { expect } from 'vitest';
import type { ApiHandler } from '../../../functions/api/app.js';
import { type CallResult, call, query, userPath } from './api-event.js';
import { SESSION_SPACING_MS, T0 } from './lookup-fixture.js';

export interface SessionJson {
  sessionId: string;
  sessionNumber: number;
  bounce: boolean;
  campaign: { source: unknown } | null;
}

export interface PageJson {
  userId: string;
  sessions: SessionJson[];
  nextCursor: string | null;
}

export const pageOf = (result: CallResult) => result.body as PageJson;
export const sessionIds = (result: CallResult) => pageOf(result).sessions.map((session) => session.sessionId);
/** The session id of session k (0-based) of a history from T0. */
export const idOfSession = (k: number) =>
  new Date(T0 + k * SESSION_SPACING_MS).toISOString().replace(/[-:.]/g, '');

/** Every page of a walk, following nextCursor with the same parameters. */
export async function walk(
  handler: ApiHandler,
  userId: string,
  params: Record<string, string | number | boolean | undefined>,
): Promise<PageJson[]> {
  const pages: PageJson[] = [];
  let cursor: string | undefined;
  do {
    const result = await call(handler, 'GET', userPath(userId, 'sessions'), {
      query: query({ ...params, cursor }),
    });
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    pages.push(pageOf(result));
    cursor = pageOf(result).nextCursor ?? undefined;
  } while (cursor !== undefined && pages.length < 1000);
  return pages;
}
