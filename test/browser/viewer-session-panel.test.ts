// The viewer's session panel: a session's events and attributes, long sessions, the keyboard, shared links
// and history, laptop and phone widths.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { screenshot } from './chromium.js';
import { ALICE, type ApiSession, BOT, HEAVY } from './fixtures.js';
import { SESSION_MARKS, settled, useViewer, viewWindow } from './viewer-harness.js';

const viewer = useViewer();
const { userUrl, open, expectCleanRun } = viewer;

async function focusedSessionId(page: Page): Promise<string | null> {
  return page.evaluate(() => document.activeElement?.getAttribute('data-session-id') ?? null);
}

describe('session viewer in Chromium', () => {
  it('keeps a right-to-left override in a value from reversing the words after it', async () => {
    const tracked = await open(userUrl('alice'));
    const { page } = tracked;
    const first = ALICE.sessions[0] as ApiSession;
    await page.locator(`[data-session-id="${first.sessionId}"]`).click();
    await page.locator(`.panel-body[data-open-session-id="${first.sessionId}"]`).waitFor();
    const campaign = page.locator('.attributes dd', { hasText: 'medium' });
    // The closer the value never opened is left out, and its override closed at its end.
    await expect(campaign.textContent()).resolves.toBe(
      'source: \u2068news\u202e\u202c\u2069 · medium: \u2068email\u2069 · name: \u2068spring-0\u2069',
    );
    const device = page.locator('.attributes dd', { hasText: 'Safari' });
    await expect(device.textContent()).resolves.toBe(
      '\u2068\u202eevil\u202c\u2069 · \u2068iOS\u2069 · \u2068Safari\u2069',
    );
    // Laid out left to right after each value: the first letter of a word left of its third, as without
    // the override.
    const readsLeftToRight = (element: Element, word: string) => {
      const node = element.firstChild as Text;
      const x = (offset: number) => {
        const range = document.createRange();
        range.setStart(node, offset);
        range.setEnd(node, offset + 1);
        return range.getBoundingClientRect().left;
      };
      const at = (node.textContent ?? '').indexOf(word);
      return x(at) < x(at + 2);
    };
    await expect(campaign.evaluate(readsLeftToRight, 'medium')).resolves.toBe(true);
    await expect(device.evaluate(readsLeftToRight, 'Safari')).resolves.toBe(true);
    const cell = page.locator('.session-table td.text').first();
    await expect(cell.evaluate((element) => getComputedStyle(element).unicodeBidi)).resolves.toBe('isolate');
    expectCleanRun(tracked);
    await page.close();
  });

  it('opens a session’s events and attributes, showing untrusted strings as text', async () => {
    const tracked = await open(userUrl('alice'));
    const { page } = tracked;
    const first = ALICE.sessions[0] as ApiSession;
    const second = ALICE.sessions[1] as ApiSession;

    await page.locator(`[data-session-id="${second.sessionId}"]`).click();
    await page.locator(`.panel-body[data-open-session-id="${second.sessionId}"]`).waitFor();
    const events = ALICE.events(second.sessionId);
    expect(await page.locator('.events .event').count()).toBe(events.length);
    expect(
      await page
        .locator('.events .event')
        .evaluateAll((items) => items.map((item) => item.getAttribute('data-event-id'))),
    ).toEqual(events.map((event) => event.id));
    expect(await page.locator('.event-strip .event-tick').count()).toBe(events.length);
    const attributes = (await page.locator('.attributes').textContent()) ?? '';
    for (const expected of [
      'Product 1',
      'https://shop.example/p/1',
      '\u2068mobile\u2069 · \u2068iOS\u2069 · \u2068Safari\u2069',
      'anon-7',
      'No',
    ]) {
      expect(attributes).toContain(expected);
    }
    expect(new URL(page.url()).searchParams.get('session')).toBe(second.sessionId);

    await page.locator(`[data-session-id="${first.sessionId}"]`).click();
    await page.locator(`.panel-body[data-open-session-id="${first.sessionId}"]`).waitFor();
    const named = page.locator('.events .event', { hasText: 'Product page 3' });
    await expect(named.locator('.label').textContent()).resolves.toBe('Product page 3');
    await expect(named.locator('.detail').textContent()).resolves.toContain('Product 3');
    const markup = '<img src=x onerror="window.__xss=1">';
    await expect(page.locator('.events .label', { hasText: markup }).count()).resolves.toBe(1);
    expect(await page.locator('.panel img').count()).toBe(0);
    expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.locator('.panel a[href^="javascript:"]').count()).toBe(0);
    await expect(
      page.locator('.events .url', { hasText: 'javascript:alert(1)' }).evaluate((el) => el.tagName),
    ).resolves.toBe('SPAN');
    const links = await page.locator('.panel a.url').evaluateAll((anchors) =>
      anchors.map((a) => ({
        href: a.getAttribute('href') ?? '',
        rel: a.getAttribute('rel'),
        target: a.getAttribute('target'),
      })),
    );
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) {
      expect(link.href).toMatch(/^https?:/);
      expect(link).toMatchObject({ rel: 'noopener noreferrer', target: '_blank' });
    }
    expectCleanRun(tracked);
    await page.close();
  });

  it('names each event’s anonymousId when the session has several, and its ids in the row’s tooltip', async () => {
    const tracked = await open(userUrl('alice'));
    const { page } = tracked;
    const twoDevices = ALICE.sessions[3] as ApiSession;
    const oneDevice = ALICE.sessions[1] as ApiSession;
    await page.locator(`[data-session-id="${twoDevices.sessionId}"]`).click();
    await page.locator(`.panel-body[data-open-session-id="${twoDevices.sessionId}"]`).waitFor();
    const events = ALICE.events(twoDevices.sessionId);
    expect(new Set(events.map((event) => event.anonymousId))).toEqual(new Set(['anon-7', 'anon-8']));
    await expect(
      page
        .locator('.events .event')
        .evaluateAll((items) =>
          items.map((item) => item.querySelector('.event-anonymous-id')?.textContent ?? null),
        ),
    ).resolves.toEqual(events.map((event) => event.anonymousId));
    await expect(page.locator('.events .event').first().getAttribute('title')).resolves.toBe(
      `messageId \u2068${events[0]?.messageId}\u2069\nanonymousId \u2068anon-7\u2069`,
    );

    await page.locator(`[data-session-id="${oneDevice.sessionId}"]`).click();
    await page.locator(`.panel-body[data-open-session-id="${oneDevice.sessionId}"]`).waitFor();
    await expect(page.locator('.events .event-anonymous-id').count()).resolves.toBe(0);
    expectCleanRun(tracked);
    await page.close();
  });

  it("loads a long session's events page by page, the first 5,000, and says how many it has", async () => {
    const session = BOT.sessions[0] as ApiSession;
    const tracked = await open(userUrl('bot', session.sessionId));
    const { page } = tracked;

    await page.locator(`.panel-body[data-open-session-id="${session.sessionId}"]`).waitFor();
    await expect(page.locator('.event-timeline h3').textContent()).resolves.toBe(
      'Events (the first 5,000 of 6,500)',
    );
    expect(await page.locator('.events .event').count()).toBe(5_000);
    // A screen reader hears the same of the strip, not a session of 5,000 events.
    await expect(page.locator('.event-strip').getAttribute('aria-label')).resolves.toMatch(
      /^The first 5,000 of 6,500 events over /,
    );
    const sessionRequests = viewer.api.requests.filter((request) =>
      request.startsWith(`GET /users/bot/sessions/${session.sessionId}`),
    );
    expect(sessionRequests).toHaveLength(5);
    expectCleanRun(tracked);
    await page.close();
  });

  it('dates the events of a session that runs past midnight UTC from its second day on', async () => {
    const session = BOT.sessions[0] as ApiSession;
    const events = BOT.events(session.sessionId);
    const nextDay = events.findIndex((event) => event.timestamp.startsWith('2024-03-05'));
    const tracked = await open(userUrl('bot', session.sessionId));
    const { page } = tracked;
    await page.locator(`.panel-body[data-open-session-id="${session.sessionId}"]`).waitFor();
    const time = (index: number) => page.locator('.events .event time').nth(index).textContent();
    await expect(time(0)).resolves.toBe('09:00:00.000');
    // The last event of the first day, then the first of the next: 2024-03-04 23:59:08.300, 2024-03-05 00:00:08.309.
    await expect(time(nextDay - 1)).resolves.toBe('23:59:08.300');
    await expect(time(nextDay)).resolves.toBe('2024-03-05 00:00:08.309');
    expectCleanRun(tracked);
    await page.close();
  });

  it('works by keyboard: focus order, visible focus, arrows, Enter, zoom keys and Escape', async () => {
    const tracked = await open(userUrl('alice'));
    const { page } = tracked;
    await page.locator(SESSION_MARKS).first().waitFor();
    const latest = ALICE.sessions.at(-1) as ApiSession;
    const previous = ALICE.sessions.at(-2) as ApiSession;

    const order: string[] = [];
    for (let i = 0; i < 12 && (await focusedSessionId(page)) === null; i++) {
      await page.keyboard.press('Tab');
      order.push(
        await page.evaluate(() => {
          const el = document.activeElement;
          return el?.getAttribute('aria-label') ?? el?.getAttribute('id') ?? el?.textContent?.trim() ?? '';
        }),
      );
    }
    expect(order.indexOf('user-input')).toBeLessThan(order.indexOf('Show sessions'));
    expect(order.indexOf('Show sessions')).toBeLessThan(order.indexOf('Zoom in'));
    expect(order.indexOf('Zoom in')).toBeLessThan(order.length - 1);
    expect(await focusedSessionId(page)).toBe(latest.sessionId);
    const focusStyle = await page.evaluate(() => {
      const style = getComputedStyle(document.activeElement as Element);
      return { stroke: style.stroke, width: style.strokeWidth };
    });
    expect(focusStyle).toEqual({ stroke: 'rgb(194, 65, 12)', width: '3px' });

    await page.keyboard.press('ArrowLeft');
    expect(await focusedSessionId(page)).toBe(previous.sessionId);
    await page.keyboard.press('Enter');
    await page.locator(`.panel-body[data-open-session-id="${previous.sessionId}"]`).waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('session-panel');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(
      'Close session (Escape)',
    );

    await page.keyboard.press('Escape');
    await page.locator('#session-panel').waitFor({ state: 'hidden' });
    expect(await focusedSessionId(page)).toBe(previous.sessionId);
    expect(new URL(page.url()).search).toBe('?user=alice');

    const whole = await viewWindow(page);
    await page.keyboard.press('+');
    const zoomed = await viewWindow(page);
    expect(zoomed.end - zoomed.start).toBeCloseTo((whole.end - whole.start) / 2, -3);
    await page.keyboard.press('0');
    expect(await viewWindow(page)).toEqual(whole);
    expectCleanRun(tracked);
    await page.close();
  });

  it('opens shared links to a session and follows the browser history', async () => {
    const shared = ALICE.sessions[4] as ApiSession;
    const other = ALICE.sessions[7] as ApiSession;
    const tracked = await open(userUrl('alice', shared.sessionId));
    const { page } = tracked;
    await page.locator(`.panel-body[data-open-session-id="${shared.sessionId}"]`).waitFor();
    await expect(page.locator('#session-heading').textContent()).resolves.toBe('Session 5');
    await expect(
      page.locator(`[data-session-id="${shared.sessionId}"]`).getAttribute('aria-current'),
    ).resolves.toBe('true');

    await page.locator(`[data-session-id="${other.sessionId}"]`).click();
    await page.locator(`.panel-body[data-open-session-id="${other.sessionId}"]`).waitFor();
    await page.goBack();
    await page.locator(`.panel-body[data-open-session-id="${shared.sessionId}"]`).waitFor();
    expect(new URL(page.url()).searchParams.get('session')).toBe(shared.sessionId);

    await page.getByLabel('User ID or anonymousId').fill(HEAVY.summary.userId);
    await page.keyboard.press('Enter');
    await page.locator('#user-heading', { hasText: HEAVY.summary.userId }).waitFor();
    await page.goBack();
    await page.locator('#user-heading', { hasText: 'alice' }).waitFor();
    await page.locator(`.panel-body[data-open-session-id="${shared.sessionId}"]`).waitFor();
    await page.goForward();
    await page.locator('#user-heading', { hasText: HEAVY.summary.userId }).waitFor();
    expectCleanRun(tracked);
    await page.close();
  });

  it('reads well on a laptop and at phone width', async () => {
    const session = ALICE.sessions[3] as ApiSession;
    for (const viewport of [
      { width: 1280, height: 800 },
      { width: 375, height: 740 },
    ]) {
      const tracked = await open(userUrl('alice', session.sessionId), viewport);
      const { page } = tracked;
      await page.locator(`.panel-body[data-open-session-id="${session.sessionId}"]`).waitFor();
      await settled(page);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        viewport.width,
      );
      expect(await page.locator(SESSION_MARKS).count()).toBe(ALICE.sessions.length);
      const chartWidth = await page
        .locator('svg.chart')
        .evaluate((chart) => chart.getBoundingClientRect().width);
      expect(chartWidth).toBeGreaterThan(viewport.width * 0.8);
      await screenshot(page, `viewer-session-${viewport.width}x${viewport.height}`);
      expectCleanRun(tracked);
      await page.close();
    }
  });
});
