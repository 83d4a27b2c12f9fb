// A user id holding an emoji sequence (a zero-width joiner between two emoji) shows as the CLI's HTML report
// shows it: the joiner drawn as sent, one emoji, where a joiner that only hides (between Latin letters) shows as
// its escape. Chromium 150's V8 finds no match for a character class of property escapes followed by `$`
// (`/[\p{Extended_Pictographic}]$/u`) on a character beyond the BMP, which Node's V8 matches: the viewer showed
// `👩\u200d💻` for `👩‍💻`, in the heading, the page title and the status.
import { describe, expect, it } from 'vitest';
import { makeUser } from './fixtures.js';
import { SESSION_MARKS, useViewer } from './viewer-harness.js';

const DEV = makeUser('\u{1f469}\u200d\u{1f4bb} dev', [Date.UTC(2024, 6, 1, 9)]);
const HIDDEN = makeUser('ad\u200dmin', [Date.UTC(2024, 6, 1, 9)]);
const viewer = useViewer([DEV, HIDDEN]);

async function shown(userId: string) {
  const tracked = await viewer.open(viewer.userUrl(userId));
  const { page } = tracked;
  await page.locator(SESSION_MARKS).first().waitFor();
  const heading = await page.locator('#user-heading code').textContent();
  const title = await page.title();
  const status = await page.locator('#status').textContent();
  viewer.expectCleanRun(tracked);
  await page.close();
  return { heading, title, status };
}

describe('a user id holding an emoji sequence', () => {
  it('draws the joiner inside the emoji sequence as sent, in the heading, the title and the status', async () => {
    const id = DEV.summary.userId;
    await expect(shown(id)).resolves.toEqual({
      heading: id,
      title: `\u2068${id}\u2069 · Sessionizer`,
      status: `Showing \u2068${id}\u2069: 1 session.`,
    });
  });

  it('still shows a joiner between Latin letters as its escape', async () => {
    await expect(shown(HIDDEN.summary.userId)).resolves.toMatchObject({ heading: 'ad\\u200dmin' });
  });
});
