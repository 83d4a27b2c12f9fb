import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReportAggregator, type ReportData, renderHtmlReport } from '../../cli/report/index.js';
import { sessionView, syntheticSessions } from '../unit/report/sessions.js';
import { type AxNode, accessibilityTree, findNodes } from './ax-tree.js';
import { type Chromium, launchChromium, screenshot } from './chromium.js';
import { contrast } from './contrast.js';

let chromium: Chromium;
let directory: string;
let reportUrl: string;
let data: ReportData;

beforeAll(async () => {
  const aggregator = createReportAggregator({ title: 'Synthetic export' });
  for (const session of syntheticSessions(800, 120)) aggregator.add(session);
  data = aggregator.finish();
  directory = await mkdtemp(join(tmpdir(), 'sessionizer-report-'));
  const file = join(directory, 'report.html');
  await writeFile(file, renderHtmlReport(data));
  reportUrl = pathToFileURL(file).href;
  chromium = await launchChromium();
});

afterAll(async () => {
  await chromium?.close();
  if (directory !== undefined) await rm(directory, { recursive: true, force: true });
});

describe('HTML report in Chromium', () => {
  it('draws its charts with its inline styles and makes no request at all', async () => {
    const { page, requests, errors } = await chromium.newPage({ width: 1280, height: 800 });
    await page.goto(reportUrl);

    const bars = (chart: string) => page.locator(`svg[data-chart="${chart}"] rect.bar`);
    expect(await bars('sessions-over-time').count()).toBe(data.sessionsOverTime.bins.length);
    expect(await bars('session-length').count()).toBe(data.durationHistogram.length);
    expect(await bars('events-per-session').count()).toBe(data.eventCountHistogram.length);
    const tallest = await bars('sessions-over-time').evaluateAll((rects) =>
      Math.max(...rects.map((rect) => rect.getBoundingClientRect().height)),
    );
    expect(tallest).toBeGreaterThan(50);
    expect(await page.locator('svg[data-chart="user-timeline"]').count()).toBe(5);
    expect(
      await page.locator('svg[data-chart="user-timeline"]').first().locator('rect.session').count(),
    ).toBeGreaterThan(10);
    const bounceWidth = await page
      .locator('svg[data-chart="bounces"] rect.bounce')
      .evaluate((rect) => rect.getBoundingClientRect().width);
    expect(bounceWidth).toBeGreaterThan(0);
    expect(await page.locator('table[data-table="entry-pages"] tbody tr').count()).toBe(10);
    const entryPages = page.getByRole('table', { name: 'Top entry pages' });
    await expect(entryPages.getByRole('rowheader').count()).resolves.toBe(10);
    const fill = await bars('session-length')
      .first()
      .evaluate((rect) => getComputedStyle(rect).fill);
    expect(fill).toBe('rgb(47, 107, 176)');

    await screenshot(page, 'report-1280x800');
    expect(requests).toEqual([reportUrl]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('lets the keyboard open each chart’s numbers, a table a screen reader reads by name', async () => {
    const { page, errors } = await chromium.newPage({ width: 375, height: 740 });
    await page.goto(reportUrl);
    const summary = page.locator('#session-length summary');
    await summary.focus();
    await page.keyboard.press('Enter');
    const table = page.getByRole('table', { name: 'Sessions by length, as a table' });
    await expect(table.getByRole('rowheader').allTextContents()).resolves.toEqual(
      data.durationHistogram.map((bin) => bin.label),
    );
    await expect(table.getByRole('row').nth(1).getByRole('cell').textContent()).resolves.toBe(
      data.durationHistogram[0]?.count.toLocaleString('en-US'),
    );
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await screenshot(page, 'report-numbers-375x740');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('names each chart’s “The numbers as a table” after its chart, so a list of controls tells them apart', async () => {
    const { page, errors } = await chromium.newPage({ width: 1280, height: 800 });
    await page.goto(reportUrl);
    const tree = await accessibilityTree(page);
    const summaries = findNodes(tree, (node) => node.role === 'DisclosureTriangle').map((node) => node.name);
    expect(summaries).toEqual([
      expect.stringMatching(/^The numbers as a table: Sessions per day \(UTC\), /),
      'The numbers as a table: Sessions by length',
      'The numbers as a table: Sessions by number of events',
    ]);
    // What shows is as before: the chart's name is for a screen reader, the chart being just above.
    await expect(page.locator('#session-length summary').textContent()).resolves.toBe(
      'The numbers as a table',
    );
    expect(errors).toEqual([]);
    await page.close();
  });

  it('gives a screen reader each chart as one image with its axis labels, none of its marks’ tooltips', async () => {
    // Chromium exposed every bar and sample session inside its image as a graphics-symbol named by its
    // tooltip: a bar per day in a chart per day, up to 892 marks in each sample timeline.
    const { page, errors } = await chromium.newPage({ width: 1280, height: 800 });
    await page.goto(reportUrl);
    const images = findNodes(await accessibilityTree(page), (node) => node.role === 'image');
    expect(images.map((image) => image.name)).toEqual([
      expect.stringMatching(/^Sessions per day \(UTC\), /),
      'Sessions by length',
      'Sessions by number of events',
      expect.stringMatching(/^Bounce share /),
      ...data.sample.users.map((user) => `Sessions of ${user.userId} over time`),
    ]);
    const inside = (image: AxNode, role: string) =>
      findNodes(image, (node) => node.role === role).map((node) => node.name);
    for (const image of images) expect(inside(image, 'graphics-symbol')).toEqual([]);
    const [, lengths, , , timeline] = images as [AxNode, AxNode, AxNode, AxNode, AxNode];
    expect(inside(lengths, 'StaticText')).toEqual(
      expect.arrayContaining(['0', ...data.durationHistogram.map((bin) => bin.label)]),
    );
    expect(inside(timeline, 'StaticText')).toHaveLength(2);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('outlines a sample user’s session without page views at 3:1 against its section, as WCAG 1.4.11 asks', async () => {
    const { page, errors } = await chromium.newPage({ width: 1280, height: 800 });
    await page.goto(reportUrl);
    const plain = page.locator('svg[data-chart="user-timeline"] rect.session:not(.viewed)').first();
    const { fill, stroke, strokeWidth, background } = await plain.evaluate((rect) => {
      const style = getComputedStyle(rect);
      return {
        fill: style.fill,
        stroke: style.stroke,
        strokeWidth: Number.parseFloat(style.strokeWidth),
        background: getComputedStyle(rect.closest('section') as Element).backgroundColor,
      };
    });
    const shown = Math.max(contrast(fill, background), strokeWidth >= 1 ? contrast(stroke, background) : 0);
    expect(shown).toBeGreaterThanOrEqual(3);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('fits a phone screen when it names a file with a long path it could not read', async () => {
    const aggregator = createReportAggregator({ title: 'Synthetic export' });
    for (const session of syntheticSessions(20, 4)) aggregator.add(session);
    const file = join(directory, 'report-unreadable.html');
    const longPath = `/home/analyst/exports/${'segment_logs_20240102_'.repeat(3)}part_0007.ndjson.gz`;
    await writeFile(
      file,
      renderHtmlReport(aggregator.finish(), {
        rejected: 2,
        unreadable: [{ file: longPath, reason: 'truncated gzip; reading stopped after line 28' }],
      }),
    );
    const { page, errors } = await chromium.newPage({ width: 375, height: 740 });
    await page.goto(pathToFileURL(file).href);

    await expect(page.locator('#input li code').textContent()).resolves.toBe(longPath);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('wraps a long user id it names for a sample id without sessions, at phone and laptop widths', async () => {
    // A hash or a JWT as a user id, of the user whose sessions hold a sampled anonymousId.
    const longId = `user-${'0123456789abcdef'.repeat(30)}`;
    const aggregator = createReportAggregator({ sampleUsers: ['anon-1'] });
    aggregator.add(sessionView(longId, Date.UTC(2024, 0, 1, 9), { anonymousIds: ['anon-1'] }));
    const file = join(directory, 'report-long-id.html');
    await writeFile(file, renderHtmlReport(aggregator.finish()));
    for (const width of [375, 1280]) {
      const { page, errors } = await chromium.newPage({ width, height: 740 });
      await page.goto(pathToFileURL(file).href);
      await expect(page.locator('#user-timelines .empty code').textContent()).resolves.toBe(longId);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      expect(errors).toEqual([]);
      await page.close();
    }
  });

  it('shows each top entry page whole, so two that differ only past their 80th character read apart', async () => {
    // Keys were cut at 80 characters, the rest in a title tooltip, which a phone, the keyboard and a screen
    // reader never show: three campaign landing pages that differ only in their last segment read alike.
    const stem = `/landing/spring-sale-2024/${'category-outdoor-furniture-and-garden-'.repeat(2)}`;
    const paths = ['a', 'b', 'c'].map((tail) => `${stem}variant-${tail}`);
    const aggregator = createReportAggregator({});
    paths.forEach((path, i) => {
      aggregator.add(
        sessionView(`user-${i}`, Date.UTC(2024, 0, 1, 9 + i), {
          entryPage: { url: null, path, title: null, referrer: null },
        }),
      );
    });
    const file = join(directory, 'report-long-paths.html');
    await writeFile(file, renderHtmlReport(aggregator.finish()));
    for (const width of [375, 1440]) {
      const { page, errors } = await chromium.newPage({ width, height: 740 });
      await page.goto(pathToFileURL(file).href);
      const table = page.getByRole('table', { name: 'Top entry pages' });
      await expect(table.getByRole('rowheader').allTextContents()).resolves.toEqual(paths);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      expect(errors).toEqual([]);
      await page.close();
    }
  });

  it('fits a phone screen', async () => {
    const { page, requests, errors } = await chromium.newPage({ width: 375, height: 740 });
    await page.goto(reportUrl);

    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await screenshot(page, 'report-375x740');
    expect(requests).toEqual([reportUrl]);
    expect(errors).toEqual([]);
    await page.close();
  });
});
