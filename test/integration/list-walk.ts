import { expect } from 'vitest';
import type { Transport } from '../../functions/adapters/dynamodb/transport.js';
import type { ApiHandler } from '../../functions/api/app.js';
import { decodedUserPath, gatewayEvent, query, send } from '../unit/api/api-event.js';

export interface ListedSession {
  sessionId: string;
  sessionNumber: number;
  bounce: boolean;
  campaign: { source: unknown } | null;
}

interface PageJson {
  sessions: ListedSession[];
  nextCursor: string | null;
}

/** Every page of a user's list with these parameters, by cursor: the sessions shown and each page's read units. */
export async function walkList(
  handler: ApiHandler,
  transport: Transport,
  userId: string,
  parameters: Record<string, string | number>,
): Promise<{ units: number[]; sessions: ListedSession[] }> {
  const units: number[] = [];
  const sessions: ListedSession[] = [];
  let cursor: string | undefined;
  const seen = new Set<string>();
  do {
    // A cursor given back twice would send a client following cursors round forever.
    if (cursor !== undefined) {
      expect(seen.has(cursor), `page ${units.length + 1} repeats a cursor`).toBe(false);
      seen.add(cursor);
    }
    const before = transport.usage.readUnits;
    const result = await send(
      handler,
      gatewayEvent('GET', `${decodedUserPath(userId)}/sessions`, { query: query({ ...parameters, cursor }) }),
    );
    units.push(transport.usage.readUnits - before);
    expect(result.status).toBe(200);
    const page = result.body as PageJson;
    sessions.push(...page.sessions);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return { units, sessions };
}

/** The pages of a walk that read more than `most` units, with their units. */
export const pagesOver = (units: readonly number[], most: number) =>
  units.flatMap((value, page) => (value > most ? [{ page, value }] : []));
