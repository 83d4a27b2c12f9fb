// A link naming the session `.` or `..` (or `%2E%2E`, which the query decodes to `..`): no path can carry such
// a segment, which fetch resolves away (`/users/alice/sessions/..` is `/users/alice/`), and no session has such
// an id. The viewer says the user has no such session, as of any other id, without asking another route. The
// user ids `.` and `..` travel in their `~b64.` form, to their own routes.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { type ApiSession, makeUser } from './fixtures.js';
import { useViewer } from './viewer-harness.js';

const DOTS = makeUser('..', [Date.UTC(2024, 2, 1, 9), Date.UTC(2024, 2, 2, 9)]);
const viewer = useViewer([DOTS]);

/** The API paths the page asked for since `from` (the fake API's requests, in order). */
function askedSince(from: number): string[] {
  return viewer.api.requests
    .slice(from)
    .map((request) => request.replace(/^GET /, ''))
    .filter((path) => path.startsWith('/users/'));
}

/** Opens `search` (raw, as a link gives it) and waits for the panel to say what it found. */
async function openPanel(search: string): Promise<Page> {
  const { page } = await viewer.open(`${viewer.api.origin}/${search}`);
  await page.locator('#session-panel [data-state="error"], #session-panel .panel-body').first().waitFor();
  return page;
}

describe('a session id that is a dot segment', () => {
  for (const [given, id] of [
    ['..', '..'],
    ['.', '.'],
    ['%2E%2E', '..'],
    ['.%2e', '..'],
  ] as const) {
    it(`?session=${given} is no session of the user, and asks no other route`, async () => {
      const from = viewer.api.requests.length;
      const page = await openPanel(`?user=alice&session=${given}`);
      await expect(page.locator('#session-panel [role="alert"]').textContent()).resolves.toMatch(
        new RegExp(`^This user has no session \u2068${id.replaceAll('.', '\\.')}\u2069\\. `),
      );
      // The user's summary and pages of their sessions, nothing a dot segment resolved to.
      for (const path of askedSince(from)) expect(path).toMatch(/^\/users\/alice(\/sessions\?.*)?$/);
      // As for any session found gone, the URL names it no more.
      await page.waitForFunction(() => !new URL(location.href).searchParams.has('session'));
      await page.close();
    });
  }

  it('of the user `..` is no session of theirs either, while theirs open', async () => {
    const session = DOTS.sessions[0] as ApiSession;
    let from = viewer.api.requests.length;
    let page = await openPanel(`?user=..&session=${session.sessionId}`);
    await page.locator(`.panel-body[data-open-session-id="${session.sessionId}"]`).waitFor();
    for (const path of askedSince(from)) expect(path).toMatch(/^\/users\/~b64\.Li4(\/sessions(\?|\/))?/);
    await page.close();

    from = viewer.api.requests.length;
    page = await openPanel('?user=..&session=.');
    await expect(page.locator('#session-panel [role="alert"]').textContent()).resolves.toMatch(
      /^This user has no session \u2068\.\u2069\. /,
    );
    for (const path of askedSince(from)) expect(path).toMatch(/^\/users\/~b64\.Li4(\/sessions\?.*)?$/);
    await page.close();
  });

  it('as a user id (`.`) asks that user’s own route', async () => {
    const from = viewer.api.requests.length;
    const { page } = await viewer.open(`${viewer.api.origin}/?user=.&session=..`);
    await page.locator('[data-state="empty"]', { hasText: 'No user or anonymousId' }).waitFor();
    expect(askedSince(from)).toEqual(['/users/~b64.Lg']);
    await page.close();
  });
});
