// Pictures a screen reader is given whole: an open session's event strip is one image, named by what it
// shows, its ticks left to the event rows below it (each a named list item). Chromium exposed every tick as a
// graphics-symbol named by its tooltip inside the image, 5,000 of them for a bot's first batch. The timeline's
// session marks, which the keyboard reaches, stay named buttons.
import { describe, expect, it } from 'vitest';
import { accessibilityTree, findNodes } from './ax-tree.js';
import { ALICE, type ApiSession } from './fixtures.js';
import { settled, useViewer } from './viewer-harness.js';

const viewer = useViewer();

describe('the accessibility tree of an open session', () => {
  it('has the event strip as one image and every session mark as a named button', async () => {
    const session = ALICE.sessions[3] as ApiSession;
    const tracked = await viewer.open(viewer.userUrl('alice', session.sessionId));
    const { page } = tracked;
    await page
      .locator(`.panel-body[data-open-session-id="${session.sessionId}"] .events .event`)
      .first()
      .waitFor();
    await settled(page);
    const tree = await accessibilityTree(page);

    // The timeline legend's two pictures come first (named in viewer-accessibility.test.ts), then the strip.
    const images = findNodes(tree, (node) => node.role === 'image');
    expect(images.map((image) => image.name)).toEqual([
      'lightest for none to darkest for the most',
      'a triangle above',
      `${session.eventCount} events over 23 min`,
    ]);
    for (const image of images) expect(image.children).toEqual([]);
    expect(findNodes(tree, (node) => node.role === 'graphics-symbol')).toEqual([]);
    expect(
      findNodes(tree, (node) => node.role === 'listitem' && /, \+\d+:\d\d$/.test(node.name)),
    ).toHaveLength(session.eventCount);

    const [chart] = findNodes(tree, (node) => node.role === 'group' && node.name === 'Sessions timeline');
    expect(chart?.children.map((mark) => [mark.role, mark.name.replace(/:.*/, '')])).toEqual(
      ALICE.sessions.map((_, index) => ['button', `Session ${index + 1}`]),
    );
    viewer.expectCleanRun(tracked);
    await page.close();
  });
});
