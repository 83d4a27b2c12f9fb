import type { Context } from 'aws-lambda';
import type { RebuildRequest, RebuildSegmentProgress } from '../../contract/index.js';
import { AlreadyAtRulesError, NothingIngestedError } from '../adapters/dynamodb/rebuild-record.js';
import type { RebuildStore } from '../domain/store/ports.js';
import { deadlineOf } from '../shared/deadline.js';
import * as z from '../shared/zod.js';
import {
  beginTableRebuild,
  finishTableRebuildIn,
  nextFinishRequest,
  rebuildSegmentIn,
} from './rebuild-table.js';
import { openCursor, openFinish, sealCursor, sealFinish } from './sealed-state.js';

/** What the handler logs through; Powertools' Logger fits it. */
export interface RebuildLogger {
  info(message: string, attributes: Record<string, unknown>): void;
}

const requestSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('begin'), totalSegments: z.int().check(z.minimum(1)) }),
  z
    .object({
      action: z.literal('segment'),
      segment: z.int().check(z.minimum(0)),
      totalSegments: z.int().check(z.minimum(1)),
      cursor: z.nullable(z.string().check(z.minLength(1))),
    })
    .check(
      z.refine(
        (request: { segment: number; totalSegments: number }) => request.segment < request.totalSegments,
        {
          message: 'segment must be below totalSegments',
          path: ['segment'],
        },
      ),
    ),
  z.object({
    action: z.literal('finish'),
    pass: z.optional(z.int().check(z.minimum(0))),
    users: z.optional(z.string().check(z.minLength(1))),
    count: z.optional(
      z.object({
        segments: z.array(
          z.object({ cursor: z.nullable(z.string().check(z.minLength(1))), done: z.boolean() }),
        ),
        found: z.int().check(z.minimum(0)),
        users: z.string().check(z.minLength(1)),
      }),
    ),
  }),
]) satisfies z.ZodMiniType<RebuildRequest>;

export type RebuildAnswer =
  /** `current`: nothing to rebuild (the table is already at the rules, or nothing was ingested into it). */
  | { readonly action: 'begin'; readonly totalSegments: number; readonly current: boolean }
  | RebuildSegmentProgress
  /** `counted`: false when an earlier call had finished already (a retried call). */
  | { readonly action: 'finish'; readonly counted: boolean }
  /** The call's time ended mid-count (`found`: users left so far): send `next`, which goes on with it. */
  | {
      readonly action: 'finish';
      readonly counting: true;
      readonly found: number;
      readonly pass: number;
      readonly next: NextFinish;
    }
  /** Too early to count: ingests of the old rules may still write; send `next` after this long. */
  | { readonly action: 'finish'; readonly waitSeconds: number; readonly next: NextFinish }
  /** `usersLeft` under the old rules (`recut`: users this call cut again): send `next`, which cuts them. */
  | {
      readonly action: 'finish';
      readonly usersLeft: number;
      readonly recut: number;
      readonly pass: number;
      readonly next: NextFinish;
    };

type NextFinish = Extract<RebuildRequest, { action: 'finish' }>;

/**
 * The rebuild state machine's one function: `begin`, then `segment` calls until each answers `done`, then
 * `finish` calls until one finishes (contract/ RebuildRequest). A request that is not one of those is refused,
 * naming the field. What names users in its requests and answers is sealed under the rebuild's key
 * (`sealed-state.ts`); once the rebuild finished there is no key, and no call needs one: it answers that.
 */
export function createRebuildHandler(deps: {
  store: RebuildStore;
  logger: RebuildLogger;
  /** How long after the begin the finish may count (`ingestDrainMs` of the ingest's timeout). */
  drainMs: number;
}) {
  const { store, logger, drainMs } = deps;
  return async (
    event: unknown,
    context: Pick<Context, 'getRemainingTimeInMillis'>,
  ): Promise<RebuildAnswer> => {
    const parsed = requestSchema.safeParse(event);
    if (!parsed.success) {
      const problems = parsed.error.issues.map(
        (issue) => `${issue.path.join('.') || 'request'}: ${issue.message}`,
      );
      throw new Error(`not a rebuild request: ${problems.join('; ')}`);
    }
    const request = parsed.data;
    switch (request.action) {
      case 'begin': {
        const { totalSegments } = request;
        try {
          await beginTableRebuild(store);
        } catch (error) {
          // Nothing to do is no failure: the state machine ends without a scan, and without raising the
          // failed-rebuild alarm, which says the table may be half rebuilt. A table no ingest has recorded
          // rules in (a new, empty one) is such a case too: its first ingest records the rules it runs.
          if (!(error instanceof AlreadyAtRulesError || error instanceof NothingIngestedError)) throw error;
          logger.info('nothing to rebuild', { reason: error.message });
          return { action: 'begin', totalSegments, current: true };
        }
        logger.info('rebuild begun', { totalSegments });
        return { action: 'begin', totalSegments, current: false };
      }
      case 'segment': {
        const scope = await store.inProgress();
        const opened = {
          ...request,
          cursor: scope === 'finished' ? null : openCursor(scope.sealKey, request),
        };
        const { progress, counts } = await rebuildSegmentIn(scope, store, opened, deadlineOf(context));
        // Not the cursor: it is the key of the last head scanned, which holds that user's id.
        const { cursor: _cursor, ...logged } = progress;
        logger.info(progress.done ? 'segment rebuilt' : 'segment continues', { ...logged, ...counts });
        return scope === 'finished' ? progress : { ...progress, cursor: sealCursor(scope.sealKey, progress) };
      }
      case 'finish': {
        const scope = await store.inProgress();
        if (scope === 'finished') {
          logger.info('rebuild finished', { counted: false });
          return { action: 'finish', counted: false };
        }
        const { action: _action, ...sealed } = request;
        const next = (outcome: Parameters<typeof nextFinishRequest>[0]): NextFinish => ({
          action: 'finish',
          ...sealFinish(scope.sealKey, nextFinishRequest(outcome)),
        });
        const opened = openFinish(scope.sealKey, sealed);
        const outcome = await finishTableRebuildIn(
          scope,
          store,
          deadlineOf(context),
          drainMs,
          Date.now,
          opened,
        );
        // The next request whole, so the state machine hands the list on as it is.
        if ('waitSeconds' in outcome) {
          logger.info('rebuild waits for old ingests', { waitSeconds: outcome.waitSeconds });
          return {
            action: 'finish',
            waitSeconds: outcome.waitSeconds,
            next: next(outcome),
          };
        }
        if ('count' in outcome) {
          const { count, pass, counts } = outcome;
          const segmentsDone = count.segments.filter(({ done }) => done).length;
          logger.info('rebuild count continues', { found: count.found, segmentsDone, pass, ...counts });
          return {
            action: 'finish',
            counting: true,
            found: count.found,
            pass,
            next: next(outcome),
          };
        }
        if ('usersLeft' in outcome) {
          const { usersLeft, users, pass, counts } = outcome;
          logger.info('rebuild found users left', { usersLeft, toCut: users.length, pass, ...counts });
          return {
            action: 'finish',
            usersLeft,
            recut: counts.users,
            pass,
            next: next(outcome),
          };
        }
        logger.info('rebuild finished', { counted: outcome.counted, ...outcome.counts });
        return { action: 'finish', counted: outcome.counted };
      }
    }
  };
}
