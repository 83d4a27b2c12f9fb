import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReportAggregator, renderHtmlReport } from '../../cli/report/index.js';
import { syntheticSessions } from '../unit/report/sessions.js';
import { type Chromium, launchChromium, screenshot } from './chromium.js';

let chromium: Chromium;
let directory: string;
const reports: Record<string, string> = {};

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'sessionizer-report-text-'));
  // 120 days draws a bar per day; 2 days a bar per hour, the longest labels (`2024-01-01 05:00`).
  for (const [name, days] of [
    ['days', 120],
    ['hours', 2],
  ] as const) {
    const aggregator = createReportAggregator({ title: 'Synthetic export' });
    for (const session of syntheticSessions(200, days)) aggregator.add(session);
    const file = join(directory, `${name}.html`);
    await writeFile(file, renderHtmlReport(aggregator.finish()));
    reports[name] = pathToFileURL(file).href;
  }
  chromium = await launchChromium();
});

afterAll(async () => {
  await chromium?.close();
  if (directory !== undefined) await rm(directory, { recursive: true, force: true });
});

interface ChartText {
  readonly chart: string;
  readonly text: string;
  /** The size the text is drawn at, in CSS px: its font size times the chart's scale. */
  readonly px: number;
  readonly box: { left: number; right: number; top: number; bottom: number };
}

/** Every text in every chart, as drawn: only what is displayed (a hidden label cannot overlap). */
function chartTexts(page: Page): Promise<ChartText[]> {
  return page.locator('svg.chart text').evaluateAll((texts) =>
    texts
      .filter((text) => text.getClientRects().length > 0)
      .map((text) => {
        const svgText = text as SVGTextElement;
        const scale = svgText.getScreenCTM()?.a ?? 0;
        const { left, right, top, bottom } = svgText.getBoundingClientRect();
        const chart = svgText.closest('svg.chart');
        return {
          chart: `${chart?.getAttribute('data-chart')} ${chart?.getAttribute('data-user-id') ?? ''}`,
          text: svgText.textContent ?? '',
          // To the hundredth: 12 units at 880/960 of their size is 11 px, give or take a float's last bit.
          px: Math.round(Number.parseFloat(getComputedStyle(svgText).fontSize) * scale * 100) / 100,
          box: { left, right, top, bottom },
        };
      }),
  );
}

/** The class of each element Tab stops on, from the top of the page until the focus leaves it. */
async function tabStops(page: Page): Promise<string[]> {
  const stops: string[] = [];
  for (let step = 0; step < 50; step++) {
    await page.keyboard.press('Tab');
    const stop = await page.evaluate(() =>
      document.activeElement === document.body ? null : (document.activeElement?.className ?? ''),
    );
    if (stop === null) break;
    stops.push(stop);
  }
  // From the top again, for what comes next.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  return stops;
}

function overlaps(texts: readonly ChartText[]): string[] {
  const found: string[] = [];
  texts.forEach((a, i) => {
    for (const b of texts.slice(i + 1)) {
      if (a.chart !== b.chart) continue;
      const apart =
        a.box.right <= b.box.left ||
        b.box.right <= a.box.left ||
        a.box.bottom <= b.box.top ||
        b.box.bottom <= a.box.top;
      if (!apart) found.push(`${a.chart}: "${a.text}" over "${b.text}"`);
    }
  });
  return found;
}

describe('HTML report chart text', () => {
  for (const viewport of [
    { width: 375, height: 740 },
    { width: 1280, height: 800 },
  ]) {
    for (const report of ['days', 'hours']) {
      it(`is readable, apart and inside the page at ${viewport.width} px (a bar per ${report.slice(0, -1)})`, async () => {
        const { page, requests, errors } = await chromium.newPage(viewport);
        await page.goto(reports[report] ?? '');

        const texts = await chartTexts(page);
        expect(texts.length).toBeGreaterThan(20);
        // 11 px, as render.ts promises: the smallest text style iOS has (caption 2, 11 pt at the default size).
        expect(
          texts.filter((text) => text.px < 11).map((t) => `${t.chart}: "${t.text}" ${t.px.toFixed(1)} px`),
        ).toEqual([]);
        expect(overlaps(texts)).toEqual([]);
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
          viewport.width,
        );
        await screenshot(page, `report-chart-text-${report}-${viewport.width}`);
        expect(requests).toEqual([reports[report]]);
        expect(errors).toEqual([]);
        await page.close();
      });
    }
  }

  it('scrolls a chart wider than a phone inside its own named region, a Tab stop only when it scrolls', async () => {
    const { page } = await chromium.newPage({ width: 375, height: 740 });
    await page.goto(reports.days ?? '');

    const regions = page.locator('.chart-scroll');
    const charts = await page.locator('svg.chart').count();
    expect(await regions.count()).toBe(charts);
    const region = regions.first();
    expect(await region.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
    expect(await region.getAttribute('aria-label')).toMatch(/^Sessions per day \(UTC\).*scroll/);
    // Every chart scrolls on a phone, so each region is a Tab stop, in page order, the first the first chart's.
    const stops = await tabStops(page);
    expect(stops.filter((stop) => stop === 'chart-scroll')).toHaveLength(charts);
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => document.activeElement?.className)).resolves.toBe('chart-scroll');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => region.evaluate((el) => el.scrollLeft)).toBeGreaterThan(0);
    await expect(page.locator('#sessions-over-time .scroll-hint').isVisible()).resolves.toBe(true);
    await page.close();

    // At desktop width nothing scrolls, and the keyboard does not stop on a region it could not scroll.
    const wide = await chromium.newPage({ width: 1280, height: 800 });
    await wide.page.goto(reports.days ?? '');
    const scrolling = await wide.page
      .locator('.chart-scroll')
      .evaluateAll((all) => all.filter((el) => el.scrollWidth > el.clientWidth).length);
    expect(scrolling).toBe(0);
    expect(await tabStops(wide.page)).not.toContain('chart-scroll');
    await expect(wide.page.locator('#sessions-over-time .scroll-hint').isVisible()).resolves.toBe(false);
    await wide.page.close();
  });
});
