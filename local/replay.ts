// The local half of `npm run replay` (scripts/replay.ts): asks the running local stack to enqueue objects
// for the ingest again, or to redrive its dead-letter queue, through its admin route on the API
// (127.0.0.1 only). See docs/local.md.

import { ADMIN_PATH_PREFIX } from './admin-guard.js';
import { REPLAY_ROUTE, type ReplayRequestBody, type ReplayResponse } from './admin-routes.js';
import { requestStack, runningStack } from './running-stack.js';

/** The stack refused the request as malformed (400): the caller's arguments are at fault. */
export class ReplayRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReplayRefusedError';
  }
}

export async function replayOnLocalStack(
  request: ReplayRequestBody,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ReplayResponse> {
  const response = await requestStack(runningStack(env), `${ADMIN_PATH_PREFIX}${REPLAY_ROUTE}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(request),
  });
  const body = (await response.json().catch(() => undefined)) as
    | ReplayResponse
    | { error?: { message?: string } }
    | undefined;
  if (!response.ok) {
    const message =
      (body as { error?: { message?: string } } | undefined)?.error?.message ??
      `the stack answered ${response.status}`;
    throw response.status === 400 ? new ReplayRefusedError(message) : new Error(message);
  }
  return body as ReplayResponse;
}
