// What a data desk uses, in a real Chromium (issue 16, journalists): the API reference renders
// under the site's CSP from our own origin, and a release's data package downloads and parses.
/// <reference types="trusted-types" />
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { todayUtc } from '../../server/db/day.js';
import { releaseDueBatch } from '../../server/publishing/release.js';
import { appAndChromium, chromiumAvailable } from '../support/browser.js';
import { enrolAdminAndModerator } from '../support/moderation.js';
import { approvedStory, insertStatisticsAccounts } from '../support/publishing.js';

interface PageProblems {
  foreignRequests: string[];
  violations: string[];
  errors: string[];
}

describe.skipIf(!chromiumAvailable)('journalists in Chromium', () => {
  const run = appAndChromium({ K_MIN: '11', BATCH_MIN: '3', BATCH_DELAY_DAYS: '0' });

  beforeAll(async () => {
    const { t } = run;
    const moderators = await enrolAdminAndModerator(t.app, t.database.db, t.origin);
    const team = { author: moderators.admin, reviewer: moderators.mod };
    await insertStatisticsAccounts(t.database.db, 30, {});
    for (const title of ['Rated until dawn', 'The project that vanished', 'Prompts for rent']) {
      await approvedStory(t.app, t.database.db, team, { title, body: `${title}: what the work was like.` });
    }
    expect(await releaseDueBatch(t.database.db, { kMin: 11, batchMin: 3, batchDelayDays: 0 })).toBeDefined();
  });

  /** Opens a page, recording requests to any other origin, CSP violations and console errors. */
  async function watched(path: string): Promise<{ page: Page; problems: PageProblems }> {
    const context = await run.browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    const problems: PageProblems = { foreignRequests: [], violations: [], errors: [] };
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.protocol !== 'data:' && url.origin !== run.t.origin) problems.foreignRequests.push(request.url());
    });
    page.on('console', (message) => {
      if (message.type() === 'error') problems.errors.push(message.text());
    });
    page.on('pageerror', (error) => problems.errors.push(error.message));
    await page.exposeFunction('reportViolation', (line: string) => problems.violations.push(line));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => {
        void (window as unknown as { reportViolation(line: string): Promise<void> }).reportViolation(
          `${event.effectiveDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`,
        );
      });
    });
    const response = await page.goto(run.t.origin + path);
    expect(response?.status()).toBe(200);
    return { page, problems };
  }

  it('/api/docs renders the OpenAPI document with Swagger UI, from our origin only, with no CSP violation', async () => {
    const { page, problems } = await watched('/api/docs');
    expect(await page.title()).toBe('API reference — Offscript');
    // Swagger UI drew every documented operation from the JSON it fetched from this origin.
    const operations = page.locator('#swagger-ui .opblock-summary-path');
    await operations.filter({ hasText: '/api/v1/releases/{n}' }).waitFor({ timeout: 30_000 });
    expect(await operations.allTextContents()).toEqual(expect.arrayContaining(['/api/v1/stories', '/api/v1/stats', '/api/v1/releases', '/api/v1/releases/{n}']));
    // Opening one renders its Markdown and schemas (the innerHTML the Trusted Types policy cleans).
    await page.locator('#swagger-ui .opblock-summary').filter({ hasText: '/api/v1/stats' }).first().click();
    await page.locator('#swagger-ui .opblock-body').first().waitFor();
    await page.getByRole('link', { name: 'the OpenAPI document (JSON)' }).waitFor();
    // The page's one Trusted Types policy cleans what it lets through; it is not a pass-through.
    const cleaned = await page.evaluate(() => String(window.trustedTypes?.defaultPolicy?.createHTML('<p>ok</p><script>alert(1)</script><a href="javascript:alert(2)">link</a>')));
    expect(cleaned).toBe('<p>ok</p><a>link</a>');
    expect(problems).toEqual({ foreignRequests: [], violations: [], errors: [] });
  });

  it("a release's data package downloads: the tidy CSV parses, the codebook and the citation name the release", async () => {
    const { page, problems } = await watched('/releases/1');
    await page.getByRole('heading', { name: 'Release 1', level: 1 }).waitFor();

    const downloaded = async (name: string): Promise<{ file: string; text: string }> => {
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name }).click()]);
      return { file: download.suggestedFilename(), text: await readFile(await download.path(), 'utf8') };
    };

    const csv = await downloaded('Statistics (tidy CSV)');
    expect(csv.file).toBe('offscript-release-1-statistics.csv');
    const records = parse(csv.text, { comment: '#', columns: true, skip_empty_lines: true }) as Record<string, string>[];
    expect(Object.keys(records[0]!)).toEqual(['table', 'row', 'column', 'count', 'status', 'table_label', 'row_label', 'column_label', 'margin']);
    for (const record of records) {
      expect(['shown', 'fewer_than_k', 'withheld']).toContain(record.status);
      expect(record.count === '', JSON.stringify(record)).toBe(record.status !== 'shown');
    }
    // Noise and complementary suppression decide which figures show; the labels are always there.
    const mercorTotal = records.find((r) => r.table === 'platform_by_pay_band' && r.row === 'mercor' && r.column === 'total')!;
    expect(mercorTotal).toMatchObject({ row_label: 'Mercor', column_label: 'Total', table_label: 'Pay per hour, by platform' });
    for (const shown of records.filter((r) => r.status === 'shown')) expect(shown.count).toMatch(/^\d+$/);

    const codebook = await downloaded('Codebook (Markdown)');
    expect(codebook.file).toBe('offscript-release-1-codebook.md');
    expect(codebook.text).toContain('# Offscript release 1: codebook');
    expect(codebook.text).toContain('Minimum cell size K = 11');
    expect(codebook.text).toContain('`fewer_than_k`');

    const citation = await downloaded('Suggested citation (text)');
    expect(citation.text.trim()).toBe(`Offscript, release 1, ${todayUtc()}, ${run.t.origin}/releases/1`);
    expect(problems).toEqual({ foreignRequests: [], violations: [], errors: [] });
  });
});
