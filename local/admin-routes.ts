// The local stack's admin route, served by the API stand-in to this machine only:
//   POST /_local/replay   {prefix?, since?: "YYYY-MM-DD", dryRun?, fromDeadLetterQueue?} (no query string)
// enqueues objects again, or redrives the dead-letter queue; a dry run lists what it would do (which is
// how `npm run dlq` lists the dead letters). `npm run replay` is its client (local/replay.ts).
import * as z from 'zod';
import { looseName } from '../functions/api/query-params.js';
import { ADMIN_PATH_PREFIX, type AdminHandler } from './admin-guard.js';
import { apiError } from './api-answers.js';
import type { IngestPipeline, ReplayResult } from './ingest-pipeline.js';

export const REPLAY_ROUTE = 'replay';

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Midnight UTC of a real calendar day. */
export function parseDay(text: string): Date | undefined {
  const match = DAY.exec(text);
  if (match === null) return undefined;
  const date = new Date(`${text}T00:00:00.000Z`);
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== text ? undefined : date;
}

const replayRequestSchema = z
  .object({
    prefix: z.string().optional(),
    since: z
      .string()
      .transform((text, context) => {
        const day = parseDay(text);
        if (day === undefined) {
          context.addIssue({
            code: 'custom',
            message: `must be a day as YYYY-MM-DD, not ${JSON.stringify(text)}`,
          });
          return z.NEVER;
        }
        return day;
      })
      .optional(),
    dryRun: z.boolean().default(false),
    fromDeadLetterQueue: z.boolean().default(false),
  })
  .strict()
  .refine((request) => !(request.fromDeadLetterQueue && request.since !== undefined), {
    message: 'since does not apply to the dead-letter queue (use prefix to pick dead letters)',
    path: ['since'],
  });

/** The request body, as a client sends it. */
export type ReplayRequestBody = z.input<typeof replayRequestSchema>;

export type ReplayResponse = ReplayResult & { dryRun: boolean; fromDeadLetterQueue: boolean };

const REPLAY_OPTIONS = Object.keys(replayRequestSchema.shape);
/** The options given as text; the others are flags (true or false). */
const TEXT_OPTIONS = new Set(['prefix', 'since']);

/**
 * The replay's options are the JSON body's members; the query string carries none. Ignored, `?prefix=x` or
 * `?dryRun=true` replayed every source object for real, so a query is refused, saying where the option goes.
 */
function queryProblem(query: URLSearchParams): string | undefined {
  for (const [given, value] of query) {
    const where =
      `POST ${ADMIN_PATH_PREFIX}${REPLAY_ROUTE} takes its options in the JSON body, not the query string ` +
      `(got ${JSON.stringify(given)})`;
    const meant = REPLAY_OPTIONS.find((option) => looseName(option) === looseName(given));
    if (meant === undefined) return `${where}; they are ${REPLAY_OPTIONS.join(', ')}`;
    return `${where}: send {"${meant}": ${TEXT_OPTIONS.has(meant) ? JSON.stringify(value) : 'true'}}`;
  }
  return undefined;
}

export function createAdminHandler(pipeline: IngestPipeline): AdminHandler {
  return async ({ method, route, query, body }) => {
    if (route === REPLAY_ROUTE && method === 'POST') {
      const problem = queryProblem(query);
      if (problem !== undefined) return apiError(400, problem);
      const parsed = replayRequestSchema.safeParse(body ?? {});
      if (!parsed.success) {
        return apiError(
          400,
          parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; '),
        );
      }
      const { prefix, since, dryRun, fromDeadLetterQueue } = parsed.data;
      try {
        const result = await pipeline.replay({
          dryRun,
          fromDeadLetterQueue,
          ...(prefix !== undefined && { prefix }),
          ...(since !== undefined && { since }),
        });
        return { status: 200, body: { ...result, dryRun, fromDeadLetterQueue } satisfies ReplayResponse };
      } catch (error) {
        return apiError(500, `replay failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return apiError(404, `no admin route ${method} ${route}; there is POST ${REPLAY_ROUTE}`);
  };
}
