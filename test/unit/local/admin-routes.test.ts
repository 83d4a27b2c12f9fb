// The local stack's admin route: what POST /_local/replay takes, and what it refuses without replaying.
import { describe, expect, it } from 'vitest';
import { createAdminHandler } from '../../../local/admin-routes.js';
import type { IngestPipeline, ReplayRequest } from '../../../local/ingest-pipeline.js';

/** A pipeline that records the replays asked of it and lists nothing. */
function recordingPipeline() {
  const replays: ReplayRequest[] = [];
  const pipeline = {
    replay: async (request: ReplayRequest) => {
      replays.push(request);
      return { objects: [], skipped: [], older: 0 };
    },
  } as unknown as IngestPipeline;
  return { replays, admin: createAdminHandler(pipeline) };
}

const replay = (search: string, body: unknown = {}) => {
  const { replays, admin } = recordingPipeline();
  return admin({ method: 'POST', route: 'replay', query: new URLSearchParams(search), body }).then(
    (response) => ({ response, replays }),
  );
};

const messageOf = (body: unknown) => (body as { error: { message: string } }).error.message;

describe('POST /_local/replay', () => {
  it('takes its options in the JSON body', async () => {
    const { response, replays } = await replay('', { prefix: 'incoming/', dryRun: true });
    expect(response.status).toBe(200);
    expect(replays).toEqual([{ prefix: 'incoming/', dryRun: true, fromDeadLetterQueue: false }]);
  });

  it.each([
    // Ignored, each of these replayed every source object for real.
    ['prefix=incoming/', 'send {"prefix": "incoming/"}'],
    ['dry-run=1', 'send {"dryRun": true}'],
    ['from_dead_letter_queue', 'send {"fromDeadLetterQueue": true}'],
    ['since=2024-03-01&dryRun=true', 'send {"since": "2024-03-01"}'],
    ['x=1', 'they are prefix, since, dryRun, fromDeadLetterQueue'],
  ])(
    'refuses the query ?%s with a 400 saying where the option goes, replaying nothing',
    async (search, said) => {
      const { response, replays } = await replay(search);
      expect(response.status).toBe(400);
      expect(messageOf(response.body)).toMatch(
        /^POST \/_local\/replay takes its options in the JSON body, not the query string \(got "/,
      );
      expect(messageOf(response.body)).toContain(said);
      expect(replays).toEqual([]);
    },
  );

  it.each([
    [
      { dryrun: true },
      '"dryrun" is not an option of POST /_local/replay; did you mean dryRun? They are prefix, since, dryRun, fromDeadLetterQueue',
    ],
    [
      { from_dlq: true },
      '"from_dlq" is not an option of POST /_local/replay; they are prefix, since, dryRun, fromDeadLetterQueue',
    ],
    [
      [],
      'the request body must be a JSON object of options (prefix, since, dryRun, fromDeadLetterQueue), not an array',
    ],
    [
      null,
      'the request body must be a JSON object of options (prefix, since, dryRun, fromDeadLetterQueue), not null',
    ],
    [
      'incoming/',
      'the request body must be a JSON object of options (prefix, since, dryRun, fromDeadLetterQueue), not a string',
    ],
    [{ prefix: 5 }, 'prefix Invalid input: expected string, received number'],
  ])('refuses the body %j with a 400 naming the options it takes, replaying nothing', async (body, said) => {
    const { response, replays } = await replay('', body);
    expect(response.status).toBe(400);
    expect(messageOf(response.body)).toBe(said);
    expect(replays).toEqual([]);
  });

  it('replays since midnight UTC of the day given', async () => {
    const { response, replays } = await replay('', { since: '2024-02-29' });
    expect(response.status).toBe(200);
    expect(replays).toEqual([
      { since: new Date(Date.UTC(2024, 1, 29)), dryRun: false, fromDeadLetterQueue: false },
    ]);
  });

  it.each([
    ['2024-02-30', 'since must be a day as YYYY-MM-DD, not "2024-02-30" (2024-02 has no day 30)'],
    ['2023-02-29', 'since must be a day as YYYY-MM-DD, not "2023-02-29" (2023-02 has no day 29)'],
    ['2024-13-01', 'since must be a day as YYYY-MM-DD, not "2024-13-01" (there is no month 13)'],
    ['2024-03-01T00:00:00Z', 'since must be a day as YYYY-MM-DD, not "2024-03-01T00:00:00Z"'],
    ['yesterday', 'since must be a day as YYYY-MM-DD, not "yesterday"'],
  ])('refuses since %j with a 400 saying what is wrong with it, replaying nothing', async (since, said) => {
    const { response, replays } = await replay('', { since });
    expect(response.status).toBe(400);
    expect(messageOf(response.body)).toBe(said);
    expect(replays).toEqual([]);
  });
});
