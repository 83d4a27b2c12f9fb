import { startedAtFromSessionId } from '../../domain/sessions/session.js';
import type { SessionSummary } from '../../domain/sessions/summary.js';
import { dayOf } from '../../domain/store/calendar.js';
import type {
  EventsWanted,
  SessionEvents,
  SessionListPage,
  SessionListQuery,
  SessionReader,
  UserSummary,
} from '../../domain/store/ports.js';
import { StaleReadError } from './day-loader.js';
import type { Head } from './head.js';
import { decodeHead, headKey } from './head-codec.js';
import { readSessionEvents } from './session-events.js';
import { listSessions } from './session-list.js';
import { numberedRows } from './session-numbers.js';
import { pagesOfSession } from './session-page.js';
import type { Transport } from './transport.js';
import { MAX_READ_ATTEMPTS } from './visibility.js';

/**
 * The read side of the DynamoDB session store. Every read starts at the user's head: it says which version is
 * committed, so items of a merge still being written stay invisible, and carries the counts that number
 * sessions and answer a summary without scanning the user's history.
 */
export class DynamoDbSessionReader implements SessionReader {
  constructor(private readonly transport: Transport) {}

  private async head(user: string): Promise<Head> {
    return decodeHead(await this.transport.get(headKey(user)));
  }

  async getUserSummary(userId: string): Promise<UserSummary | undefined> {
    const head = await this.head(userId);
    // A head that only holds a staged write's intent, or an erased user's marker, is no user.
    if (!head.exists || head.erased) return undefined;
    // An anonymousId erased with the user it was stitched to no longer names that user.
    const link = head.anonymousErased ? undefined : head.link;
    if (head.totals.sessionCount === 0 && link === undefined && head.stitchedCount === 0) return undefined;
    return {
      userId,
      sessionCount: head.totals.sessionCount,
      eventCount: head.totals.eventCount,
      firstSeenAt: head.totals.firstSeenAt,
      lastSeenAt: head.totals.lastSeenAt,
      stitchedCount: head.stitchedCount,
      stitchedSample: head.stitchedSample,
      // An event whose anonymousId is its own userId links the id to itself: stitched to no other user.
      stitchedTo: link?.userId === userId ? undefined : link?.userId,
    };
  }

  listSessions(query: SessionListQuery): Promise<SessionListPage> {
    return listSessions(this.transport, () => this.head(query.userId), query);
  }

  async getSession(
    userId: string,
    sessionId: string,
    wanted?: EventsWanted,
  ): Promise<SessionEvents | undefined> {
    const startedAt = startedAtFromSessionId(sessionId);
    if (startedAt === undefined) return undefined;
    const day = dayOf(startedAt);
    for (let attempt = 1; ; attempt++) {
      const head = await this.head(userId);
      if (head.erased || head.totals.sessionCount === 0) return undefined;
      try {
        const { group, pendingSeen } = await pagesOfSession(this.transport, head, userId, day, startedAt);
        const rows = group === undefined ? [] : numberedRows(userId, head, group);
        const index = rows.findIndex((row) => row.startedAt === startedAt);
        if (index === -1 || group === undefined) {
          if (pendingSeen && attempt < MAX_READ_ATTEMPTS) continue;
          return undefined;
        }
        const run = await readSessionEvents(this.transport, userId, group, index, wanted);
        return run === undefined ? undefined : { session: rows[index] as SessionSummary, ...run };
      } catch (error) {
        // A newer commit collected a page or the chunks this version named: read again under the new head.
        // Anything else (a corrupt item) would only fail again.
        if (!(error instanceof StaleReadError) || attempt >= MAX_READ_ATTEMPTS) throw error;
      }
    }
  }
}
