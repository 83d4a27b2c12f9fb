// An API error message may quote what was asked for (a user id holding a right-to-left override, a newline, a
// zero-width space): the viewer shows it with those characters as escapes, as it shows ids (idText), not raw,
// where an override would show the quoted text reversed and a zero-width space hide.
import { afterEach, describe, expect, it } from 'vitest';
import { type AxNode, accessibilityTree, findNodes } from './ax-tree.js';
import { ALICE, type ApiSession } from './fixtures.js';
import { useViewer } from './viewer-harness.js';

const viewer = useViewer();
const MESSAGE = 'userId "e\u202evil\nx\u200b" is refused';
const SHOWN = 'The API answered 400: \u2068userId "e\\u202evil\\nx\\u200b" is refused\u2069';
const RAW = /[\u202e\n\u200b]/;

let allow = () => {};
afterEach(() => allow());

describe('an API error message quoting what was asked for', () => {
  it("shows its controls as escapes in a user's failed load", async () => {
    allow = viewer.api.refuse('/users/alice', 400, MESSAGE);
    const tracked = await viewer.open(viewer.userUrl('alice'));
    const { page } = tracked;
    const text = await page.locator('[data-state="error"]').textContent();
    expect(text).toContain(SHOWN);
    expect(text).not.toMatch(RAW);
    viewer.expectCleanRun(tracked, 1);
    await page.close();
  });

  it("shows its controls as escapes in a session's failed load", async () => {
    const session = ALICE.sessions[0] as ApiSession;
    allow = viewer.api.refuse(`/users/alice/sessions/${session.sessionId}`, 400, MESSAGE);
    const tracked = await viewer.open(viewer.userUrl('alice', session.sessionId));
    const { page } = tracked;
    const text = await page.locator('#session-panel [data-state="error"]').textContent();
    expect(text).toContain(SHOWN);
    expect(text).not.toMatch(RAW);
    viewer.expectCleanRun(tracked, 1);
    await page.close();
  });

  // A message may quote a backslash that was typed (a gateway's, the signing proxy's, a Windows path): the
  // six characters `\u202e` then read as they are, and only the escape the viewer wrote for U+202E is boxed.
  it('shows a typed \\u202e apart from the escape of U+202E', async () => {
    allow = viewer.api.refuse('/users/alice', 400, 'typed "\\u202e" and sent "\u202e"');
    const tracked = await viewer.open(viewer.userUrl('alice'));
    const { page } = tracked;
    const error = page.locator('[data-state="error"]');
    await expect(error.textContent()).resolves.toContain('typed "\\u202e" and sent "\\u202e"');
    const escapes = error.locator('.escape');
    await expect(escapes.evaluateAll((items) => items.map((item) => item.textContent))).resolves.toEqual([
      '\\u202e',
    ]);
    // Drawn unlike the text around it: boxed, in another font.
    const looks = await escapes.evaluate((mark) => {
      const style = getComputedStyle(mark);
      const around = getComputedStyle(mark.parentElement as Element);
      return [style.borderTopStyle, style.fontFamily === around.fontFamily];
    });
    expect(looks).toEqual(['solid', false]);
    viewer.expectCleanRun(tracked, 1);
    await page.close();
  });

  // The box is seen only: a screen reader reads `\u202e` typed and the escape of U+202E alike unless the
  // escape is named for the character it stands for.
  it('names the character each escape stands for to a screen reader, and leaves a typed \\u202e text', async () => {
    allow = viewer.api.refuse('/users/alice', 400, 'typed "\\u202e" and sent "\u202e\u0000"');
    const tracked = await viewer.open(viewer.userUrl('alice'));
    const { page } = tracked;
    const error = page.locator('[data-state="error"]');
    await error.waitFor();
    // What the page shows is unchanged: the escapes' text, as escapeControlOfEscaped writes it.
    await expect(error.textContent()).resolves.toContain('typed "\\u202e" and sent "\\u202e\\x00"');
    const [alert] = findNodes(await accessibilityTree(page), (node) => node.role === 'alert');
    // Each text and image as Chromium gives them to a screen reader, in order.
    const spoken = (node: AxNode): string[] =>
      node.role === 'StaticText' || node.role === 'image'
        ? [`${node.role}: ${node.name}`]
        : node.children.flatMap(spoken);
    expect(spoken(alert as AxNode)).toEqual([
      'StaticText: Could not load \u2068alice\u2069. ',
      'StaticText: The API answered 400: ',
      'StaticText: \u2068',
      'StaticText: typed "\\u202e" and sent "',
      'image: escape of U+202E, right-to-left override',
      'image: escape of U+0000, null',
      'StaticText: "',
      'StaticText: \u2069',
    ]);
    viewer.expectCleanRun(tracked, 1);
    await page.close();
  });
});
