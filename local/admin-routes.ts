// The local stack's admin route, served by the API stand-in to this machine only:
//   POST /_local/replay   {prefix?, since?: "YYYY-MM-DD", dryRun?, fromDeadLetterQueue?} (no query string)
// enqueues objects again, or redrives the dead-letter queue; a dry run lists what it would do (which is
// how `npm run dlq` lists the dead letters). `npm run replay` is its client (local/replay.ts).
import * as z from 'zod';
import { looseName } from '../functions/api/query-string.js';
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

/**
 * The day `text` names, or why it is none: `must be a day as YYYY-MM-DD, not "2024-02-30" (2024-02 has no day
 * 30)`. A text written as asked says what is wrong with it, since repeating the form would not.
 */
function readDay(text: string): { day: Date } | { problem: string } {
  const day = parseDay(text);
  if (day !== undefined) return { day };
  const problem = `must be a day as YYYY-MM-DD, not ${JSON.stringify(text)}`;
  const match = DAY.exec(text);
  if (match === null) return { problem };
  const [, year, month, dayOfMonth] = match;
  if (Number(month) < 1 || Number(month) > 12) return { problem: `${problem} (there is no month ${month})` };
  return { problem: `${problem} (${year}-${month} has no day ${dayOfMonth})` };
}

/** Why `text` is no day (see readDay), or undefined when it is one. */
export function dayProblem(text: string): string | undefined {
  const read = readDay(text);
  return 'problem' in read ? read.problem : undefined;
}

const replayRequestSchema = z
  .object({
    prefix: z.string().optional(),
    since: z
      .string()
      .transform((text, context) => {
        const read = readDay(text);
        if ('day' in read) return read.day;
        context.addIssue({ code: 'custom', message: read.problem });
        return z.NEVER;
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
const ROUTE_NAME = `POST ${ADMIN_PATH_PREFIX}${REPLAY_ROUTE}`;
/** The options given as text; the others are flags (true or false). */
const TEXT_OPTIONS = new Set(['prefix', 'since']);

/**
 * The replay's options are the JSON body's members; the query string carries none. Ignored, `?prefix=x` or
 * `?dryRun=true` replayed every source object for real, so a query is refused, saying where the option goes.
 */
function queryProblem(query: URLSearchParams): string | undefined {
  for (const [given, value] of query) {
    const where =
      `${ROUTE_NAME} takes its options in the JSON body, not the query string ` +
      `(got ${JSON.stringify(given)})`;
    const meant = REPLAY_OPTIONS.find((option) => looseName(option) === looseName(given));
    if (meant === undefined) return `${where}; they are ${REPLAY_OPTIONS.join(', ')}`;
    return `${where}: send {"${meant}": ${TEXT_OPTIONS.has(meant) ? JSON.stringify(value) : 'true'}}`;
  }
  return undefined;
}

function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/** What is wrong with a body, in the words of the route: zod's own say neither where nor what it takes. */
function bodyProblem(body: unknown, issues: readonly z.core.$ZodIssue[]): string {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return `the request body must be a JSON object of options (${REPLAY_OPTIONS.join(', ')}), not ${jsonKind(body)}`;
  }
  return issues
    .flatMap((issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => {
            const meant = REPLAY_OPTIONS.find((option) => looseName(option) === looseName(key));
            const list = REPLAY_OPTIONS.join(', ');
            return meant === undefined
              ? `${JSON.stringify(key)} is not an option of ${ROUTE_NAME}; they are ${list}`
              : `${JSON.stringify(key)} is not an option of ${ROUTE_NAME}; did you mean ${meant}? They are ${list}`;
          })
        : [`${issue.path.join('.')} ${issue.message}`],
    )
    .join('; ');
}

export function createAdminHandler(pipeline: IngestPipeline): AdminHandler {
  return async ({ method, route, query, body }) => {
    if (route === REPLAY_ROUTE && method === 'POST') {
      const problem = queryProblem(query);
      if (problem !== undefined) return apiError(400, problem);
      // Only a request without a body means no options: a JSON null is refused with the other non-objects.
      const parsed = replayRequestSchema.safeParse(body === undefined ? {} : body);
      if (!parsed.success) return apiError(400, bodyProblem(body, parsed.error.issues));
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
