// A source comes back in a real Chromium (issue 5): submits, is asked a question by a moderator
// in the console, returns with the twelve words, reads and answers it; the moderator reads the
// answer; the source withdraws and the published story is retracted everywhere. Then the same
// for the status part with JavaScript disabled.
import { withdrawalTagHashOf } from '../support/intake.js';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { todayUtc } from '../../server/db/day.js';
import { lookupTokenHash } from '../../common/protocol/digest.js';
import { fromBase64 } from '../../common/protocol/encoding.js';
import { openMessage, type BoxKeyPair } from '../../common/protocol/envelope.js';
import { loadSodium } from '../../common/protocol/sodium.js';
import { startListeningTestApp, type ListeningTestApp } from '../support/app.js';
import { addVirtualAuthenticator, chromiumAvailable, launchChromium } from '../support/browser.js';
import { dumpAllTables } from '../support/database.js';
import { askAsModerator, keysFromWords, publishStoryOf, wordsWithBadChecksum } from '../support/followup.js';
import { call, enrolViaApi, logInViaApi, passkeysOf } from '../support/moderation.js';

const NARRATIVE = 'Canary-F5: the night shift graded 300 loglines for the lantern project.';
const QUESTION = 'Which platform ran the lantern project, and were you paid for training time?';
const ANSWER = 'Canary-A7: Outlier. Training hours were never paid.';
const PASSPHRASE = 'alice lantern orbit meadow';

describe.skipIf(!chromiumAvailable)('the status page in Chromium', () => {
  let t: ListeningTestApp;
  let browser: Browser;
  let intake: BoxKeyPair;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    t = await startListeningTestApp();
    intake = (await enrolViaApi(t.app, t.database.db, 'alice', 'administrator', { createIntakeKey: true, passphrase: PASSPHRASE })).intake!;
    browser = await launchChromium();
  });
  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await t?.close();
  });

  interface Watched {
    page: Page;
    context: BrowserContext;
    requests: Request[];
    problems: string[];
  }

  async function newPage(javaScriptEnabled = true): Promise<Watched> {
    const context = await browser.newContext({ javaScriptEnabled });
    contexts.push(context);
    const page = await context.newPage();
    const requests: Request[] = [];
    const problems: string[] = [];
    page.on('request', (r) => requests.push(r));
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    return { page, context, requests, problems };
  }

  async function submitAccount(page: Page, javaScript: boolean): Promise<string[]> {
    await page.goto(`${t.origin}/submit`);
    await page.getByLabel('Outlier').check();
    await page.getByLabel('What happened, in your own words (required)').fill(NARRATIVE);
    await page.getByLabel('De-identified quotes from my account may be published').check();
    await page.getByRole('button', { name: 'Seal and send my account' }).click();
    if (javaScript) {
      await page.getByRole('heading', { name: 'Your account is stored' }).waitFor();
      return page.getByTestId('receipt-words').locator('li').allTextContents();
    }
    await page.getByRole('heading', { name: 'Your account was received' }).waitFor();
    return page.getByTestId('receipt-words').locator('li').allTextContents();
  }

  async function submissionOf(words: string[]) {
    const { lookupToken } = await keysFromWords(words.join(' '));
    const hash = lookupTokenHash(fromBase64(await loadSodium(), lookupToken));
    return t.database.db.selectFrom('submissions').selectAll().where('lookup_hash', '=', hash).executeTakeFirstOrThrow();
  }

  const messagesOf = (submissionId: string) => t.database.db.selectFrom('messages').selectAll().where('submission_id', '=', submissionId).orderBy('position').execute();

  /** The words as a person might type them: capitals, extra spaces, a line break. */
  const sloppy = (words: string[]) => `  ${words.slice(0, 5).join('  ').toUpperCase()}\n${words.slice(5).join('   ')}\n`;

  async function expectAlert(page: Page, text: string) {
    const alert = page.locator('#status-error');
    await alert.getByText(text, { exact: false }).waitFor();
    expect(await alert.getAttribute('role')).toBe('alert');
  }

  async function publicSurfaces() {
    const get = async (path: string) => (await fetch(`${t.origin}${path}`)).text();
    return { list: await get('/stories'), atom: await get('/feed.atom'), api: await get('/api/v1/stories'), page: await get('/stories/lantern-nights') };
  }

  it('the words can be pasted into /status, and a mistyped word gets a suggestion from the word list', async () => {
    const { page, context, requests } = await newPage();
    const words = await submitAccount(page, true);
    // A real copy and paste, by keyboard: copied from the receipt screen, pasted on /status.
    const check = page.getByLabel('Type or paste the twelve words as you noted them');
    await check.fill(words.join(' '));
    await check.press('ControlOrMeta+A');
    await check.press('ControlOrMeta+C');
    const status = await context.newPage();
    await status.goto(`${t.origin}/status`);
    const wordsField = status.getByLabel('Your twelve words');
    await wordsField.focus();
    await status.keyboard.press('ControlOrMeta+V');
    await expect(wordsField.inputValue()).resolves.toBe(words.join(' '));

    // The last letter missing from a word of five letters or more (its first four are unique in the list).
    const position = words.findIndex((w) => w.length >= 5);
    const typo = words[position]!.slice(0, -1);
    const typed = words.map((w, i) => (i === position ? typo : w));
    await wordsField.fill(typed.join(' '));
    await wordsField.press('Home'); // no longer typing that word
    const suggestions = status.getByTestId('word-suggestions');
    await suggestions.getByText(`Word ${position + 1}, “${typo}”, is not in the receipt word list.`).waitFor();
    await suggestions.getByRole('button', { name: `Use “${words[position]}” as word ${position + 1}` }).click();
    await expect(wordsField.inputValue()).resolves.toBe(words.join(' '));
    await expect(suggestions.textContent()).resolves.toBe('');
    await status.getByRole('button', { name: 'Show my account' }).click();
    await status.getByTestId('status-text').getByText('waiting for a moderator').waitFor();
    expect(requests.some((r) => r.url().includes(words[0]!))).toBe(false);
  });

  it('with JavaScript: question, answer, withdrawal; the words never leave the browser', async () => {
    // 1. A source gives an account.
    const source = await newPage();
    const words = await submitAccount(source.page, true);
    const submission = await submissionOf(words);

    // 2. A moderator logs in to the console and asks a question, sealed in their browser.
    const moderator = await newPage();
    await addVirtualAuthenticator(moderator.page, { passkeys: passkeysOf('alice') });
    await moderator.page.goto(`${t.origin}/mod/login`);
    await moderator.page.getByLabel('Handle').fill('alice');
    await moderator.page.getByLabel('Passphrase').fill(PASSPHRASE);
    await moderator.page.getByRole('button', { name: 'Log in' }).click();
    await moderator.page.waitForURL(`${t.origin}/mod`, { timeout: 60_000 });
    await moderator.page.goto(`${t.origin}/mod/submissions/${submission.id}`);
    await moderator.page.getByTestId('narrative').getByText(NARRATIVE).waitFor({ timeout: 30_000 });
    await moderator.page.getByRole('button', { name: 'Start review' }).click();
    await moderator.page.getByLabel('Ask the source a question').fill(QUESTION);
    await moderator.page.getByRole('button', { name: 'Send question' }).click();
    await moderator.page.getByText('Question sealed and sent').waitFor();

    // 3. The source comes back in a fresh browser with only the words. Typos are caught before anything is sent.
    const returning = await newPage();
    const { page } = returning;
    await page.goto(`${t.origin}/status`);
    const wordsField = page.getByLabel('Your twelve words');
    const show = page.getByRole('button', { name: 'Show my account' });
    for (const [typed, message] of [
      [words.slice(0, 11).join(' '), 'you typed 11'],
      [[...words, 'abandon'].join(' '), 'you typed 13'],
      [[...words.slice(0, 11), 'offscript'].join(' '), 'not in the receipt word list'],
      [wordsWithBadChecksum(words).join(' '), 'looks mistyped'],
    ] as const) {
      await wordsField.fill(typed);
      await show.click();
      await expectAlert(page, message);
      await expectAlert(page, 'Nothing was sent.');
    }
    expect(returning.requests.filter((r) => r.method() === 'POST')).toEqual([]);

    await wordsField.fill(sloppy(words));
    await show.click();
    await page.getByTestId('status-text').getByText('A moderator has a question for you').waitFor();
    expect(await page.locator('#status-error').isHidden()).toBe(true);
    await expect(page.getByTestId('timeline').locator('li').allTextContents()).resolves.toEqual([
      `${todayUtc()} Your account was received.`,
      `${todayUtc()} A moderator started reading it.`,
      `${todayUtc()} A moderator asked you a question.`,
    ]);
    await expect(page.getByTestId('messages').locator('.narrative').allTextContents()).resolves.toEqual([QUESTION]);
    await expect(page.getByRole('group', { name: 'Answer the moderators' }).isVisible()).resolves.toBe(true);

    // 4. The source answers; the answer is sealed in the browser to the intake key.
    await page.getByLabel('Your message').fill(ANSWER);
    await page.getByRole('button', { name: 'Seal and send my message' }).click();
    await page.getByText('Your message was sealed in this browser').waitFor();
    await page.getByTestId('status-text').getByText('In review').waitFor();
    await expect(page.getByTestId('messages').locator('li.from-you').count()).resolves.toBe(1);

    // 5. The moderator reads the answer in the console, decrypted in their browser.
    await moderator.page.reload();
    await moderator.page.locator('#messages li.from-source').getByText(ANSWER).waitFor({ timeout: 30_000 });
    const stored = await messagesOf(submission.id);
    expect(stored.map((m) => m.direction)).toEqual(['to_source', 'from_source']);
    expect(openMessage(await loadSodium(), stored[1]!.ciphertext, intake).body).toBe(ANSWER);

    // 6. The moderator accepts it with a story, which a release publishes (issue 4's part, done here in SQL).
    await moderator.page.getByLabel('Title').fill('Lantern nights');
    // The draft starts from the quotable passage; this one is drafted from the narrative, its marks redacted.
    await moderator.page.getByRole('button', { name: 'Start from the whole narrative instead' }).click();
    await moderator.page.getByRole('button', { name: 'Redact all unresolved' }).click();
    await moderator.page.getByRole('button', { name: 'Accept' }).click();
    await moderator.page.getByText('the story draft now waits for a second moderator').waitFor();
    await publishStoryOf(t.database.db, words, 'lantern-nights', todayUtc());
    const before = await publicSurfaces();
    for (const surface of [before.list, before.atom, before.api, before.page]) expect(surface).toContain('Lantern nights');

    await show.click();
    await page.getByTestId('status-text').getByText('Accepted').waitFor();
    await expect(page.locator('#story-link-anchor').getAttribute('href')).resolves.toBe('/stories/lantern-nights');
    await page.getByTestId('timeline').getByText('A story drawn from it was published.').waitFor();
    await expect(page.getByRole('group', { name: 'Write to the moderators' }).isHidden()).resolves.toBe(true);

    // 7. Withdrawal needs the explicit confirmation.
    const posts = () => returning.requests.filter((r) => r.url().endsWith('/api/v1/withdraw')).length;
    await page.getByRole('button', { name: 'Withdraw my account' }).click();
    await expectAlert(page, 'I understand this cannot be undone');
    expect(posts()).toBe(0);
    await page.getByLabel('I understand this cannot be undone').check();
    await page.getByRole('button', { name: 'Withdraw my account' }).click();
    // Nothing is left for the words to find: the page says so and shows no status any more.
    await page.getByText('Your account was withdrawn').waitFor();
    await page.getByText('these words find no account').waitFor();
    await expect(page.locator('#withdraw-fields').isHidden()).resolves.toBe(true);
    await expect(page.locator('#reply-fields').isHidden()).resolves.toBe(true);
    expect(posts()).toBe(1);

    // 8. The ciphertexts are gone; the story is retracted everywhere.
    const after = await t.database.db.selectFrom('submissions').selectAll().where('id', '=', submission.id).executeTakeFirstOrThrow();
    expect(after).toMatchObject({ status: 'withdrawn', envelope: null, lookup_hash: null, reply_public_key: null });
    expect(await messagesOf(submission.id)).toEqual([]);
    // Found by the status page's tag and cleared with it: the retracted story keeps nothing of the receipt.
    const story = await t.database.db.selectFrom('stories').select(['status', 'body', 'withdrawal_tag_hash']).where('slug', '=', 'lantern-nights').executeTakeFirstOrThrow();
    expect(story).toEqual({ status: 'retracted', body: '', withdrawal_tag_hash: null });
    expect(
      await t.database.db
        .selectFrom('pending_accounts')
        .selectAll()
        .where('withdrawal_tag_hash', '=', await withdrawalTagHashOf(words))
        .execute(),
    ).toEqual([]);
    const retracted = await publicSurfaces();
    expect(retracted.page).toContain('withdrawn at the source');
    for (const surface of [retracted.list, retracted.atom, retracted.api, retracted.page]) expect(surface).not.toContain('Lantern nights');

    // 9. Only the lookup token and the withdrawal tag left this browser, never in a URL; no cookie; nothing from elsewhere.
    const { lookupToken, withdrawalTag } = await keysFromWords(words.join(' '));
    for (const request of returning.requests) {
      expect(new URL(request.url()).origin).toBe(t.origin);
      // As a word: a receipt word can be part of a path by chance ("asset" in /assets/).
      expect(
        request
          .url()
          .toLowerCase()
          .split(/[^a-z]+/),
      ).not.toContain(words[0]!);
      expect(decodeURIComponent(request.url())).not.toContain(lookupToken);
      expect(request.postData() ?? '').not.toContain(words[0]!);
      expect(request.postData() ?? '').not.toContain(ANSWER);
    }
    const lookups = returning.requests.filter((r) => r.url().endsWith('/api/v1/status'));
    expect(lookups.length).toBeGreaterThan(0);
    for (const lookup of lookups) expect(JSON.parse(lookup.postData()!)).toEqual({ lookupToken, withdrawalTag });
    expect(await returning.context.cookies()).toEqual([]);
    expect(returning.problems).toEqual([]);
    expect(source.problems).toEqual([]);
  });

  it('without JavaScript: the server opens the question in memory, sends the answer, withdraws', async () => {
    const source = await newPage(false);
    const words = await submitAccount(source.page, false);
    const submission = await submissionOf(words);
    const moderator = await logInViaApi(t.app, 'alice', PASSPHRASE, t.origin);
    await askAsModerator(t.app, moderator, submission.id, QUESTION);

    const { page, context } = await newPage(false);
    await page.goto(`${t.origin}/status`);
    const wordsField = page.getByLabel('Your twelve words');
    await wordsField.fill(words.slice(0, 11).join(' '));
    await page.getByRole('button', { name: 'Show my account' }).click();
    await expectAlert(page, 'you typed 11');
    await page.getByLabel('Your twelve words').fill(wordsWithBadChecksum(words).join(' '));
    await page.getByRole('button', { name: 'Show my account' }).click();
    await expectAlert(page, 'looks mistyped');

    await page.getByLabel('Your twelve words').fill(sloppy(words));
    await page.getByRole('button', { name: 'Show my account' }).click();
    await page.getByTestId('server-handled').getByText('in memory', { exact: false }).waitFor();
    await page.getByTestId('status-text').getByText('A moderator has a question for you').waitFor();
    await expect(page.getByTestId('messages').locator('.narrative').allTextContents()).resolves.toEqual([QUESTION]);
    expect(page.url()).toBe(`${t.origin}/status`);

    await page.getByLabel('Your message').fill(ANSWER);
    await page.getByRole('button', { name: 'Seal and send my message' }).click();
    await page.getByText('Your message was sealed').waitFor();
    await page.getByTestId('status-text').getByText('In review').waitFor();
    // The moderator's side opens the answer with the intake key.
    const view = (await call(t.app, moderator, 'GET', `/mod/api/submissions/${submission.id}`)).json() as { messages: { direction: string; ciphertext: string }[] };
    const sodium = await loadSodium();
    expect(view.messages.map((m) => m.direction)).toEqual(['to_source', 'from_source']);
    expect(openMessage(sodium, fromBase64(sodium, view.messages[1]!.ciphertext), intake).body).toBe(ANSWER);

    await page.getByRole('button', { name: 'Withdraw my account' }).click();
    await expectAlert(page, 'I understand this cannot be undone');
    expect((await submissionOf(words)).status).toBe('in_review');
    await page.getByLabel('I understand this cannot be undone').check();
    await page.getByRole('button', { name: 'Withdraw my account' }).click();
    await page.getByText('Your account was withdrawn').waitFor();
    // Nothing is left for the words to find: the page says so and shows no status.
    await page.getByText('these words find no account').waitFor();
    await expect(page.locator('#withdraw-fields').isHidden()).resolves.toBe(true);
    expect(page.url()).toBe(`${t.origin}/status`);

    const gone = await t.database.db.selectFrom('submissions').selectAll().where('id', '=', submission.id).executeTakeFirstOrThrow();
    expect(gone).toMatchObject({ status: 'withdrawn', envelope: null, lookup_hash: null, reply_public_key: null });
    expect(await messagesOf(submission.id)).toEqual([]);
    expect(await context.cookies()).toEqual([]);
  });

  it('the canaries reach neither the database nor the log', async () => {
    const dump = await dumpAllTables(t.database.db);
    for (const canary of ['Canary-F5', 'Canary-A7', 'lantern project', 'training time']) expect(dump).not.toContain(canary);
    for (const canary of ['Canary-F5', 'Canary-A7', 'lantern']) expect(t.logText()).not.toContain(canary);
  });
});
