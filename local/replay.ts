// The local half of `npm run replay` (scripts/replay.ts): asks the running local stack to enqueue objects
// for the ingest again, or to redrive its dead-letter queue, through its admin route on the API
// (127.0.0.1 only). See docs/local.md.

import { escapeControl } from '../contract/visible-text.js';
import { ADMIN_PATH_PREFIX } from './admin-guard.js';
import { REPLAY_ROUTE, type ReplayRequestBody, type ReplayResponse } from './admin-routes.js';
import { requestStack, runningStack } from './running-stack.js';

export async function replayOnLocalStack(
  request: ReplayRequestBody,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ReplayResponse> {
  const stack = runningStack(env);
  const response = await requestStack(stack, `${ADMIN_PATH_PREFIX}${REPLAY_ROUTE}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(request),
  });
  const body = (await response.json().catch(() => undefined)) as
    | ReplayResponse
    | { error?: { message?: string } }
    | undefined;
  if (!response.ok) {
    // The stack's words may quote a key, which may hold any character: escaped, not raw to the terminal.
    const said = escapeControl(
      (body as { error?: { message?: string } } | undefined)?.error?.message ??
        `the stack answered ${response.status}`,
    );
    // Not a usage error: the options were checked here before they were sent (--since, --from-dlq), so a 400
    // is a stack that takes other requests than this checkout sends (started from another one).
    throw new Error(
      response.status === 400
        ? `the local stack (pid ${stack.pid}) refused the request as malformed (400: ${said}); ` +
            'it may run the code of another checkout: restart `npm start` from this one'
        : said,
    );
  }
  return body as ReplayResponse;
}
