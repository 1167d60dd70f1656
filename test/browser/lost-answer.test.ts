// A source's account when the server's answer is lost on the way back (issue #27): the page
// never says "nothing was stored" when it does not know, and sending again stores nothing new.
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { startAnswerDroppingProxy, type AnswerDroppingProxy } from '../support/answer-dropping-proxy.js';
import { chromiumAvailable, launchChromium } from '../support/browser.js';
import { createIntakeKey } from '../support/intake.js';

describe.skipIf(!chromiumAvailable)('a lost answer in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let proxy: AnswerDroppingProxy;

  beforeAll(async () => {
    t = await startTestApp();
    await createIntakeKey(t.database.db);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const origin = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    // Every answer to a submission is lost; everything else passes.
    proxy = await startAnswerDroppingProxy(origin, (method, path) => method === 'POST' && path === '/api/v1/submissions');
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await proxy?.close();
    await t?.close();
  });

  const countSubmissions = async () => (await t.database.db.selectFrom('submissions').select('id').execute()).length;

  it('shows the receipt with "could not confirm", the retries store nothing new, and /status finds the account', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${proxy.origin}/submit`);
    await page.getByLabel('What happened, in your own words (required)').fill('Sent through a network that loses the answer.');
    await page.getByLabel('De-identified quotes from my account may be published').check();
    const before = await countSubmissions();
    await page.getByRole('button', { name: 'Seal and send my account' }).click();
    await page.getByTestId('receipt-unconfirmed').waitFor({ timeout: 20_000 });
    await expect(page.getByTestId('receipt-unconfirmed').textContent()).resolves.toContain('could not confirm it was stored — check with these words in a few minutes');
    await expect(page.getByRole('heading', { name: 'Your account was sent' }).isVisible()).resolves.toBe(true);
    await expect(page.getByText('Nothing was stored').count()).resolves.toBe(0);
    const words = await page.getByTestId('receipt-words').locator('li').allTextContents();
    expect(words).toHaveLength(12);
    // The page sent the same envelope several times; one row.
    expect(proxy.dropped()).toBeGreaterThan(1);
    expect(await countSubmissions()).toBe(before + 1);

    await page.goto(`${proxy.origin}/status`);
    await page.getByLabel('Your twelve words').fill(words.join(' '));
    await page.getByRole('button', { name: 'Show my account' }).click();
    await page.getByTestId('status-text').getByText('waiting for a moderator').waitFor();
    await context.close();
  });
});
