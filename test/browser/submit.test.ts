// A source gives an account in a real Chromium, with and without JavaScript.
import type { AddressInfo } from 'node:net';
import type { Browser, Page, Request } from 'playwright-core';
import { extractText, getDocumentProxy } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account } from '../../common/intake/account.js';
import { factQuestions } from '../../common/vocabulary.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { chromiumAvailable, launchChromium } from '../support/browser.js';
import { dumpAllTables } from '../support/database.js';
import { accountForReceipt, ALL_FACTS, createIntakeKey, FACTS_HALF_YEAR, type TestIntakeKey } from '../support/intake.js';

async function pdfText(pdf: Buffer): Promise<string> {
  const { text } = await extractText(await getDocumentProxy(new Uint8Array(pdf)), { mergePages: true });
  return text;
}

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
    // The optional section "The facts reporters ask about" (account version 2), every question answered.
    await page.getByLabel('When the work happened, as a half-year').fill(FACTS_HALF_YEAR);
    const facts = page.locator('#reporters-facts');
    // Each question by its label, each answer by the words the source reads.
    for (const question of factQuestions) await facts.getByLabel(question.label).selectOption({ label: question.answers.labelOf(ALL_FACTS[question.key]) });
  }

  const expectedAccount = (narrative: string): Account => ({
    v: 3,
    role: 'writers_assistant',
    platforms: ['outlier', 'scale_remotasks'],
    taskTypes: ['red_teaming'],
    payBand: '20_39',
    conditions: { nda_signed: 'yes', stopped_without_notice: 'unsure' },
    narrative,
    quotable: 'We were graded by a bot.',
    consent: 'quote',
    facts: ALL_FACTS,
    halfYear: FACTS_HALF_YEAR,
  });

  async function findAndOpen(words: string[]) {
    expect(words).toHaveLength(12);
    return accountForReceipt(t.database.db, key, words);
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
    const started = performance.now();
    await page.getByRole('button', { name: 'Seal and send my account' }).click();
    await page.getByRole('heading', { name: 'Your account is stored' }).waitFor();
    console.log(`sealed and sent in Chromium: ${(performance.now() - started).toFixed(0)} ms`);
    const words = await page.getByTestId('receipt-words').locator('li').allTextContents();
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

  it('refuses a date where the half-year belongs, naming the field, with and without JavaScript; nothing is stored', async () => {
    const before = (await t.database.db.selectFrom('submissions').select('id').execute()).length;
    for (const javaScriptEnabled of [true, false]) {
      const context = await browser.newContext({ javaScriptEnabled });
      const page = await context.newPage();
      await page.goto(`${origin}/submit`);
      await fillAccount(page, `${CANARY} (a date)`);
      await page.getByLabel('When the work happened, as a half-year').fill('2025-10-03');
      await page.getByRole('button', { name: 'Seal and send my account' }).click();
      await expect(page.getByRole('alert').textContent()).resolves.toContain('halfYear takes a half-year such as 2026-H1, never a date');
      await context.close();
    }
    expect(await t.database.db.selectFrom('submissions').select('id').execute()).toHaveLength(before);
  });

  it('shows the receipt only once the account is stored; a refused send says so and keeps the form filled; a lost one is sent again', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${origin}/submit`);
    const narrative = `${CANARY} (send first)`;
    await fillAccount(page, narrative);
    const before = await t.database.db.selectFrom('submissions').select('id').execute();

    // The server refuses the first send (its own words): no receipt, the form as typed, a way to try again.
    await page.route(
      '**/api/v1/submissions',
      (route) => route.fulfill({ status: 429, contentType: 'application/json', body: JSON.stringify({ error: { code: 'rate_limited', message: 'Too many requests.' } }) }),
      { times: 1 },
    );
    await page.getByRole('button', { name: 'Seal and send my account' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('Nothing was stored');
    expect(await page.getByTestId('receipt-words').isVisible()).toBe(false);
    await expect(page.getByLabel('What happened, in your own words (required)').inputValue()).resolves.toBe(narrative);
    expect(await t.database.db.selectFrom('submissions').select('id').execute()).toHaveLength(before.length);

    // The next send fails on the way once: the page sends the same envelope again by itself, and
    // once the words show, the account is stored (once).
    await page.route('**/api/v1/submissions', (route) => route.abort('connectionreset'), { times: 1 });
    await page.getByRole('button', { name: 'Seal and send my account' }).click();
    await page.getByRole('heading', { name: 'Your account is stored' }).waitFor();
    const words = await page.getByTestId('receipt-words').locator('li').allTextContents();
    await page.close(); // the source takes the words and closes the tab
    expect(await findAndOpen(words)).toEqual(expectedAccount(narrative));
    expect(await t.database.db.selectFrom('submissions').select('id').execute()).toHaveLength(before.length + 1);
    await context.close();
  });

  it('"check my words" compares a typed copy with the receipt and suggests a word for a typo', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${origin}/submit`);
    await fillAccount(page, `${CANARY} (check my words)`);
    await page.getByRole('button', { name: 'Seal and send my account' }).click();
    await page.getByRole('heading', { name: 'Your account is stored' }).waitFor();
    const words = await page.getByTestId('receipt-words').locator('li').allTextContents();
    const field = page.getByLabel('Type or paste the twelve words as you noted them');
    const typo = `${words[4]!.slice(0, -1)}q`;
    await field.fill([...words.slice(0, 4), typo, ...words.slice(5)].join(' '));
    await page.getByRole('button', { name: 'Check my words' }).click();
    await expect(page.getByTestId('check-result').textContent()).resolves.toContain('Word 5 differs');
    await page.getByRole('button', { name: `Use “${words[4]}” as word 5` }).click();
    await page.getByRole('button', { name: 'Check my words' }).click();
    await expect(page.getByTestId('check-result').textContent()).resolves.toBe('These are your twelve words, in the right order.');
    await context.close();
  });

  it('the receipt card prints (PDF through Chromium) with the twelve words and nothing else identifying', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${origin}/submit`);
    await fillAccount(page, `${CANARY} (card)`);
    await page.getByRole('button', { name: 'Seal and send my account' }).click();
    await page.getByRole('heading', { name: 'Your account is stored' }).waitFor();
    const words = await page.getByTestId('receipt-words').locator('li').allTextContents();
    // With Chromium's header and footer switched on, as a person's print dialog has them by default.
    const pdf = await page.pdf({ format: 'A4', displayHeaderFooter: true });
    const text = await pdfText(pdf);
    for (const word of words) expect(text).toContain(word);
    expect(text).toContain('Receipt: twelve words');
    const document = await getDocumentProxy(new Uint8Array(pdf));
    expect(document.numPages).toBe(1);
    const read = await document.getMetadata();
    // pdf.js types the document information dictionary as a bare Object.
    const info = read.info as { Title?: string; Subject?: string; Keywords?: string; Author?: string };
    const metadata = read.metadata;
    const described = `${JSON.stringify(info)} ${metadata ? JSON.stringify([...metadata]) : ''}`;
    const today = new Date();
    const dates = [today.getFullYear().toString(), `${today.getMonth() + 1}/${today.getDate()}/`, today.toISOString().slice(0, 10)];
    for (const identifying of ['Offscript', '127.0.0.1', origin, 'http', 'Canary', key.fingerprint, 'account is stored', 'Give your account', ...dates]) {
      expect(text, identifying).not.toContain(identifying);
      // The title, subject and keywords; Chromium's own creation date is the PDF writer's, not the page's.
      expect(JSON.stringify([info.Title, info.Subject, info.Keywords, info.Author]), identifying).not.toContain(identifying);
    }
    expect(info.Title).toBe('Note');
    expect(described).not.toContain(origin);
    // On screen the page keeps its own title.
    await expect(page.title()).resolves.toContain('Offscript');
    await context.close();
  });

  it('without JavaScript, the no-JavaScript page prints the same card and offers the words as plain text', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${origin}/submit`);
    await fillAccount(page, `${CANARY} (card without JavaScript)`);
    await page.getByRole('button', { name: 'Seal and send my account' }).click();
    await page.getByRole('heading', { name: 'Your account was received' }).waitFor();
    const words = await page.getByTestId('receipt-words').locator('li').allTextContents();
    await expect(page.getByTestId('receipt-text').inputValue()).resolves.toBe(words.join(' '));
    const text = await pdfText(await page.pdf({ format: 'A4' }));
    for (const word of words) expect(text).toContain(word);
    expect(text).not.toContain('Offscript');
    await context.close();
  });

  it('without JavaScript, /submit and /status say before anything is typed that the server will seal it', async () => {
    for (const [javaScriptEnabled, visible] of [
      [false, true],
      [true, false],
    ] as const) {
      const context = await browser.newContext({ javaScriptEnabled });
      const page = await context.newPage();
      for (const path of ['/submit', '/status']) {
        await page.goto(`${origin}${path}`);
        const notice = page.getByTestId('no-javascript-notice');
        expect(await notice.isVisible(), `${path}, JavaScript ${javaScriptEnabled ? 'on' : 'off'}`).toBe(visible);
        if (visible) await expect(notice.textContent()).resolves.toMatch(/the server seals (it|them)/);
      }
      await context.close();
    }
  });

  it('the canary reaches neither the database nor the log', async () => {
    const dump = await dumpAllTables(t.database.db);
    expect(dump).toContain('submissions:');
    expect(dump).not.toContain('Canary-Q9');
    expect(dump).not.toContain('heron');
    expect(t.logText()).not.toContain('Canary-Q9');
  });
});
