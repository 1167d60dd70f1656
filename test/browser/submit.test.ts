// A source gives an account in a real Chromium, with and without JavaScript.
import type { AddressInfo } from 'node:net';
import type { Browser, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account } from '../../server/intake/account.js';
import { lookupTokenHash } from '../../server/protocol/server-digest.js';
import { openAccount } from '../../server/protocol/envelope.js';
import { deriveReceiptKeys, entropyFromReceiptWords } from '../../server/protocol/receipt.js';
import { loadSodium } from '../../server/protocol/sodium.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { chromiumAvailable, launchChromium } from '../support/browser.js';
import { dumpAllTables } from '../support/database.js';
import { createIntakeKey, type TestIntakeKey } from '../support/intake.js';

const CANARY = 'Canary-Q9: the heron script doctor asked us to grade 400 loglines a night';

describe.skipIf(!chromiumAvailable)('the submission page in Chromium', () => {
  let t: TestApp;
  let key: TestIntakeKey;
  let browser: Browser;
  let origin: string;

  beforeAll(async () => {
    t = await startTestApp();
    key = await createIntakeKey(t.database.db);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    origin = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** Fills the form by its labels, as a person would. */
  async function fillAccount(page: Page, narrative: string) {
    await page.getByLabel('Your former industry role').selectOption({ label: "Writers' assistant" });
    await page.getByLabel('Outlier').check();
    await page.getByLabel('Scale AI / Remotasks').check();
    await page.getByLabel('Red-teaming / unsafe content').check();
    await page.getByLabel('Usual pay').selectOption({ label: '$20–39 an hour' });
    await page.getByRole('group', { name: 'I signed a non-disclosure agreement' }).getByLabel('Yes').check();
    await page.getByRole('group', { name: 'Work stopped without notice' }).getByLabel('Not sure').check();
    await page.getByLabel('What happened, in your own words (required)').fill(narrative);
    await page.getByLabel('A short passage we may quote (optional)').fill('We were graded by a bot.');
    await page.getByLabel('De-identified quotes from my account may be published').check();
  }

  const expectedAccount = (narrative: string): Account => ({
    v: 1,
    role: 'writers_assistant',
    platforms: ['outlier', 'scale_remotasks'],
    taskTypes: ['red_teaming'],
    payBand: '20_39',
    conditions: { nda_signed: 'yes', stopped_without_notice: 'unsure' },
    narrative,
    quotable: 'We were graded by a bot.',
    consent: 'quote',
  });

  async function findAndOpen(words: string[]) {
    expect(words).toHaveLength(12);
    const sodium = await loadSodium();
    const { lookupToken } = deriveReceiptKeys(sodium, entropyFromReceiptWords(words.join(' ')));
    const row = await t.database.db
      .selectFrom('submissions')
      .selectAll()
      .where('lookup_hash', '=', lookupTokenHash(lookupToken))
      .executeTakeFirstOrThrow();
    return openAccount(sodium, row.envelope!, key.keyPair);
  }

  it('with JavaScript: seals in the browser; the server receives only the envelope', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const requests: Request[] = [];
    const problems: string[] = [];
    page.on('request', (r) => requests.push(r));
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));

    await page.goto(`${origin}/submit`);
    await expect(page.getByTestId('intake-fingerprint').textContent()).resolves.toBe(key.fingerprint);
    const narrative = `${CANARY} (with JavaScript)`;
    await fillAccount(page, narrative);
    await page.getByRole('button', { name: 'Seal and send my account' }).click();

    const wordItems = page.getByTestId('receipt-words').locator('li');
    await expect(wordItems.first().waitFor()).resolves.toBeUndefined();
    const words = await wordItems.allTextContents();
    const send = page.getByRole('button', { name: 'Send my sealed account' });
    expect(await send.isDisabled()).toBe(true);
    await page.getByLabel('I have written down the twelve words').check();
    const started = performance.now();
    await send.click();
    await page.getByRole('heading', { name: 'Your account was received' }).waitFor();
    console.log(`sealed and sent in Chromium: ${(performance.now() - started).toFixed(0)} ms`);
    await expect(page.getByRole('link', { name: 'Check on your account' }).last().getAttribute('href')).resolves.toBe('/status');

    expect(await findAndOpen(words)).toEqual(expectedAccount(narrative));

    const post = requests.find((r) => r.url().endsWith('/api/v1/submissions'));
    expect(post?.method()).toBe('POST');
    expect(post?.postData()).not.toContain('Canary-Q9');
    expect(post?.postData()).not.toContain(words.join(' '));
    expect(requests.map((r) => new URL(r.url()).origin).every((o) => o === origin)).toBe(true);
    expect(requests.some((r) => r.method() === 'POST' && r.url().endsWith('/submit'))).toBe(false);
    expect(problems).toEqual([]);
    expect(await context.cookies()).toEqual([]);
    await context.close();
  });

  it('without JavaScript: the same form posts to /submit and the page says the server encrypted it', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${origin}/submit`);
    const narrative = `${CANARY} (without JavaScript)`;
    await fillAccount(page, narrative);
    await page.getByRole('button', { name: 'Seal and send my account' }).click();
    await page.getByRole('heading', { name: 'Your account was received' }).waitFor();
    await expect(page.getByText('encrypted on our server').isVisible()).resolves.toBe(true);
    const words = await page.getByTestId('receipt-words').locator('li').allTextContents();
    expect(await findAndOpen(words)).toEqual(expectedAccount(narrative));
    expect(await context.cookies()).toEqual([]);
    await context.close();
  });

  it('without JavaScript, a refused form comes back as typed with the reason', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${origin}/submit`);
    await page.getByLabel('What happened, in your own words (required)').fill('Kept text');
    await page.getByRole('button', { name: 'Seal and send my account' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('choose what may be done');
    await expect(page.getByLabel('What happened, in your own words (required)').inputValue()).resolves.toBe('Kept text');
    await context.close();
  });

  it('the canary reaches neither the database nor the log', async () => {
    const dump = await dumpAllTables(t.database.db);
    expect(dump).toContain('submissions:');
    expect(dump).not.toContain('Canary-Q9');
    expect(dump).not.toContain('heron');
    expect(t.logText()).not.toContain('Canary-Q9');
  });
});
