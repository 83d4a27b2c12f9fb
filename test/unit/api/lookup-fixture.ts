import { vi } from 'vitest';
import { createApiHandler } from '../../../functions/api/app.js';
import type { CampaignFields, EventRecord } from '../../../functions/domain/events/event.js';
import type { SessionReader } from '../../../functions/domain/store/ports.js';
import { eventsForSessions, FakeSessionReader } from '../../helpers/fake-session-reader.js';
import { TEST_SIGNING_KEY } from './api-event.js';

export const T0 = Date.UTC(2024, 0, 1, 9, 0, 0);
/** The id of a session starting at {@link T0}, every user's first in these fixtures. */
export const FIRST_SESSION_ID = '20240101T090000000Z';
/** Sessions of {@link eventsForSessions} start this far apart. */
export const SESSION_SPACING_MS = 90 * 60_000;
/** Every character a path or a query treats specially, and some that need UTF-8. */
export const ODD_USER = 'a#b/c+d%e f ü😀?&=';

export interface HandlerOptions<Reader extends SessionReader> {
  readonly reader?: Reader;
  readonly corsAllowedOrigins?: string[];
  readonly pathsDecoded?: boolean;
  readonly signingKey?: string;
}

/** The lookup handler over a reader (a fake with the default data when none is given), with a spy logger. */
export function makeHandler<Reader extends SessionReader = FakeSessionReader>(
  options: HandlerOptions<Reader> = {},
) {
  const reader = options.reader ?? (FakeSessionReader.fromEvents(defaultEvents()) as SessionReader as Reader);
  const logger = { error: vi.fn() };
  const handler = createApiHandler({
    reader,
    config: {
      cursorSigningKey: options.signingKey ?? TEST_SIGNING_KEY,
      corsAllowedOrigins: options.corsAllowedOrigins ?? [],
      pathsDecoded: options.pathsDecoded ?? false,
    },
    logger,
  });
  return { handler, logger, reader };
}

/**
 * alice: 5 sessions from T0, 90 minutes apart (09:00, 10:30, 12:00, 13:30, 15:00 UTC) of 1, 2, 3, 1 and 2
 * events; ODD_USER and a few other ids that need care in a path: one session each.
 */
export function defaultEvents(): EventRecord[] {
  return [
    ...eventsForSessions('alice', 5, T0),
    ...eventsForSessions(ODD_USER, 1, T0),
    ...eventsForSessions('a+b', 1, T0),
    ...eventsForSessions('a b', 1, T0 + 1),
  ];
}

const CAMPAIGN_SOURCES = ['newsletter', 'ads', null, null] as const;

/** The campaign source session `k` of {@link campaignHistory} carries. */
export function campaignSourceOf(k: number): string | null {
  return CAMPAIGN_SOURCES[k % CAMPAIGN_SOURCES.length] ?? null;
}

function campaign(source: string): CampaignFields {
  return { source, medium: 'email', name: 'spring', term: null, content: null };
}

/**
 * {@link eventsForSessions} with attributes to filter on: session k's first event carries the campaign
 * {@link campaignSourceOf}(k) and comes from anonymousId `device-<k % 2>`; session k bounces when k % 3 = 0.
 */
export function campaignHistory(userId: string, count: number, startMs = T0): EventRecord[] {
  return eventsForSessions(userId, count, startMs).map((event) => {
    const [, k, j] = /-(\d+)-(\d+)$/.exec(event.id) ?? [];
    if (j !== '0') return event;
    const source = campaignSourceOf(Number(k));
    return {
      ...event,
      anonymousId: `device-${Number(k) % 2}`,
      campaign: source === null ? null : campaign(source),
    };
  });
}
