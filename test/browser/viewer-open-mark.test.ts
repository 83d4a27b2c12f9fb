// The open session's mark and the keyboard's are told apart by more than colour: the open one has a pointer
// above it, which the focused one lacks, and keeps it when the focus lands on it too.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { screenshot } from './chromium.js';
import { ALICE, type ApiSession } from './fixtures.js';
import { settled, useViewer } from './viewer-harness.js';

const viewer = useViewer();

interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** The drawn box of a session's mark, and of each visible pointer mark on the chart. */
function drawn(page: Page, sessionId: string): Promise<{ mark: Box; pointers: Box[] }> {
  return page.evaluate((id) => {
    const box = (element: Element) => {
      const { x, y, width, height } = element.getBoundingClientRect();
      return { x, y, width, height };
    };
    const mark = document.querySelector(`svg.chart rect[data-session-id="${id}"]`) as Element;
    const pointers = Array.from(document.querySelectorAll('svg.chart .open-pointer'))
      .filter((pointer) => getComputedStyle(pointer).display !== 'none' && box(pointer).width > 0)
      .map(box);
    return { mark: box(mark), pointers };
  }, sessionId);
}

/** Whether `pointer` sits right above `mark`, at its middle. */
function pointsAt(pointer: Box, mark: Box): boolean {
  const middle = mark.x + mark.width / 2;
  return (
    pointer.x <= middle && pointer.x + pointer.width >= middle && pointer.y + pointer.height <= mark.y + 1
  );
}

describe('the open session’s mark in Chromium', () => {
  it('has a pointer the focused mark lacks, kept when the focus reaches it', async () => {
    const open = ALICE.sessions[5] as ApiSession;
    const tracked = await viewer.open(viewer.userUrl('alice', open.sessionId));
    const { page } = tracked;
    await page.locator(`.panel-body[data-open-session-id="${open.sessionId}"]`).waitFor();
    await settled(page);
    const openMark = page.locator(`svg.chart rect[data-session-id="${open.sessionId}"]`);
    await openMark.focus();
    // By keyboard, so the focus shows (:focus-visible): one session to the left of the open one.
    await page.keyboard.press('ArrowLeft');
    const focusedId = await page.evaluate(() => document.activeElement?.getAttribute('data-session-id'));
    expect(focusedId).not.toBe(open.sessionId);
    const focused = await drawn(page, focusedId as string);
    const opened = await drawn(page, open.sessionId);
    expect(opened.pointers).toHaveLength(1);
    expect(pointsAt(opened.pointers[0] as Box, opened.mark)).toBe(true);
    expect(pointsAt(opened.pointers[0] as Box, focused.mark)).toBe(false);
    // The two strokes differ too, in colour and width.
    const stroke = (id: string) =>
      page
        .locator(`svg.chart rect[data-session-id="${id}"]`)
        .evaluate((mark) => `${getComputedStyle(mark).stroke} ${getComputedStyle(mark).strokeWidth}`);
    expect(await stroke(focusedId as string)).not.toBe(await stroke(open.sessionId));
    await screenshot(page, 'viewer-open-and-focused-marks');

    await page.keyboard.press('ArrowRight');
    await expect(page.evaluate(() => document.activeElement?.getAttribute('data-session-id'))).resolves.toBe(
      open.sessionId,
    );
    const both = await drawn(page, open.sessionId);
    expect(both.pointers).toHaveLength(1);
    expect(pointsAt(both.pointers[0] as Box, both.mark)).toBe(true);

    // Closing the session takes the pointer away.
    await page.getByRole('button', { name: /close/i }).first().click();
    await page.waitForFunction(() => !new URL(location.href).searchParams.has('session'));
    await expect(drawn(page, open.sessionId).then((now) => now.pointers)).resolves.toEqual([]);
    viewer.expectCleanRun(tracked);
    await page.close();
  });
});
