import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fastFlags, makeTempFolder, runBaton } from './run-baton.js';

// Debian's Chromium (`apt-get install chromium`), driven by playwright-core, which downloads no
// browser. .ci/run installs it; on a machine without it this suite skips and says why, except in
// CI (CI set), where a missing browser must fail rather than pass quietly.
const chromiumPath = '/usr/bin/chromium';
const available = existsSync(chromiumPath);
const runs = available || process.env.CI !== undefined;
const title = available
  ? 'report.html in headless Chromium'
  : `report.html in headless Chromium — SKIPPED: ${chromiumPath} is absent (apt-get install chromium, as .ci/run does)`;

/** Code points of emoji and pictographs, which a stock Chromium without an emoji font draws as boxes. */
const emoji = /[\u{1F000}-\u{1FAFF}\u{2600}-\u{27BF}\u{2B00}-\u{2BFF}]|\u{FE0F}/u;

// Budgets for a loaded machine (Chromium starts slowly under load), not timing assertions.
describe.runIf(runs)(title, { timeout: 120_000 }, () => {
  let temp: Awaited<ReturnType<typeof makeTempFolder>>;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    temp = await makeTempFolder();
    const outcome = await runBaton(
      ['eval', ...fastFlags, '--strategies', 'solo,route-lexical,verify-recover', '--out', 'run'],
      { cwd: temp.path },
    );
    expect(outcome.code).toBe(0);
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    await page.goto(pathToFileURL(join(temp.path, 'run', 'report.html')).href);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await temp?.remove();
  });

  it('renders without errors, wider than no window, and a screenshot shows it', async () => {
    expect(consoleErrors).toEqual([]);
    expect(await page.title()).toBe('Baton eval · e2e');
    // Evaluated in the page (a string: this file is typed without the DOM library).
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    const file = join(temp.path, 'report.png');
    await page.screenshot({ path: file, fullPage: true });
    const png = await readFile(file);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    // Width and height from the PNG header: the page's width, and the long report's height.
    expect(png.readUInt32BE(16)).toBe(1280);
    expect(png.readUInt32BE(20)).toBeGreaterThan(3000);
  });

  it('uses no emoji, so nothing depends on an emoji font', async () => {
    const text = await page.locator('body').textContent();
    expect(text).not.toMatch(emoji);
    expect(await page.locator('h1 svg.icon').count()).toBe(0); // no gates: no verdict icon
    expect(await page.locator('h1').textContent()).toBe('Baton eval: no gates set');
  });

  it('draws a forest plot of paired differences per headline metric, zero line included', async () => {
    const forest = page.locator('svg.chart.forest');
    expect(await forest.count()).toBeGreaterThanOrEqual(4);
    const quality = page.locator('svg.chart.forest[data-metric="answerQuality"]');
    expect(await quality.locator('line.zero').count()).toBe(1);
    // One row per candidate, each with its interval, p and the conversations paired.
    const rows = await quality.locator('g.row').allTextContents();
    expect(rows).toHaveLength(2); // route-lexical, verify-recover
    for (const row of rows) expect(row).toMatch(/[+-]?\d\.\d{3} \[[^\]]+\] p [\d.<]+ · n \d+|nothing paired/);
  });

  it('fits every axis to its data and writes n on every row of every chart', async () => {
    const lastTicks = await page
      .locator('svg.chart.means')
      .evaluateAll((charts) =>
        charts.map((chart) => [...chart.querySelectorAll('text.tick')].at(-1)?.textContent ?? ''),
      );
    expect(lastTicks.length).toBeGreaterThanOrEqual(8);
    // Not every chart ends at 1: the axes follow the data.
    expect(lastTicks.some((tick) => tick !== '1')).toBe(true);
    for (const row of await page.locator('svg.chart g.row').allTextContents())
      expect(row).toMatch(/n \d+|nothing paired/);
  });

  it('marks the floor: the probes as reference rows, the side no strategy should be on shaded', async () => {
    expect(await page.locator('svg.chart.means[data-metric="humanCleanup"] rect.floor-band').count()).toBe(1);
    const cleanupRows = await page
      .locator('svg.chart.means[data-metric="humanCleanup"] g.row')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-strategy')));
    expect(cleanupRows).toEqual(['solo', 'route-lexical', 'verify-recover', 'echo', 'generic']);
    expect(await page.getByText('at floor').first().isVisible()).toBe(true);
  });

  it('drills into a turn: the answer, the reference, the nuggets with verdicts and the record', async () => {
    const section = page.locator('section.examples[data-strategy="verify-recover"]');
    const turn = section.locator('details.turn').first();
    expect(await turn.locator('.turn-body').isVisible()).toBe(false);
    await turn.locator('summary').click();
    expect(await turn.locator('.turn-body').isVisible()).toBe(true);
    expect(await turn.locator('pre.answer').textContent()).not.toBe('');
    expect(await turn.locator('pre.reference').textContent()).not.toBe('');
    const verdicts = await turn.locator('table.nuggets .verdict').allInnerTexts();
    expect(verdicts.length).toBeGreaterThan(0);
    for (const verdict of verdicts) expect(['present', 'missing', 'contradicted']).toContain(verdict);
    expect(await turn.locator('.record').first().textContent()).toMatch(/chose \S+: /);
    await turn.screenshot({ path: join(temp.path, 'turn.png') });
  });
});
