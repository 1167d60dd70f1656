// A moderator's working day that loses nothing (issue 28): Log out ends the session on the server
// and wipes this browser, with and without JavaScript; a draft survives a reload and an ended
// session (unlocked in place, the interrupted Accept sent as typed); a new tab gets the keys from
// an open one; a tab with no other to ask says so and offers the unlock.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64 } from '../../common/protocol/encoding.js';
import { LOGOUT_CLEAR_SITE_DATA } from '../../server/moderation/routes.js';
import { currentIntakeKey } from '../../server/intake/service.js';
import { SESSION_IDLE_MS } from '../../server/moderation/session-service.js';
import { startListeningTestApp, type ListeningTestApp } from '../support/app.js';
import { addVirtualAuthenticator, chromiumAvailable, launchChromium } from '../support/browser.js';
import { submitAsSource } from '../support/followup.js';
import { sampleAccount } from '../support/intake.js';
import { draftStory } from '../support/publishing.js';
import { call, enrolViaApi, logInViaApi, passkeysOf, s, type TestModerator } from '../support/moderation.js';

const PASSPHRASE = 'alice lantern orbit meadow';

describe.skipIf(!chromiumAvailable)('a working day in the console, in Chromium', () => {
  let t: ListeningTestApp;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    t = await startListeningTestApp();
    await enrolViaApi(t.app, t.database.db, 'alice', 'administrator', { createIntakeKey: true });
    browser = await launchChromium();
  });
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await t?.close();
  });

  /** A tab holding `who`'s session cookie; with JavaScript, their keys put in this tab's sessionStorage once, as the login page leaves them. */
  async function loggedInTab(who: TestModerator, { javaScriptEnabled = true } = {}): Promise<Page> {
    const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    await context.addCookies(
      Object.entries(who.cookies).map(([name, value]) => ({ name, value, domain: new URL(t.origin).hostname, path: '/mod', httpOnly: true, sameSite: 'Strict' as const })),
    );
    const page = await context.newPage();
    // Her passkey, for an unlock in place (no PRF: her keys come from the passphrase).
    await addVirtualAuthenticator(page, { prf: false, passkeys: passkeysOf(who.handle) });
    page.on('pageerror', (error) => console.error(`${who.handle}: page error: ${error.message}`));
    await page.goto(`${t.origin}/mod`);
    if (javaScriptEnabled) {
      const pair = (p: { publicKey: Uint8Array; privateKey: Uint8Array }) => ({ publicKey: toBase64(s, p.publicKey), privateKey: toBase64(s, p.privateKey) });
      const stored = JSON.stringify({ box: pair(who.keys.boxKeyPair), sign: pair(who.keys.signKeyPair) });
      await page.evaluate((value) => sessionStorage.setItem('offscript.moderator.keys', value), stored);
    }
    return page;
  }

  for (const javaScriptEnabled of [true, false]) {
    it(`Log out ${javaScriptEnabled ? 'with' : 'without'} JavaScript: the session ends on the server, the old cookie is refused, the tab keeps no keys`, async () => {
      const alice = await logInViaApi(t.app, 'alice', PASSPHRASE, t.origin);
      const page = await loggedInTab(alice, { javaScriptEnabled });
      // The keys leave the tab before the request does: the moment the form is sent, storage is already empty.
      let storageAtRequest = -1;
      if (javaScriptEnabled) {
        await page.exposeFunction('recordStorage', (length: number) => (storageAtRequest = length));
        // Added after the page's own listener, so it sees what the request leaves with.
        await page.evaluate(() =>
          document
            .getElementById('logout-button')!
            .closest('form')!
            .addEventListener('submit', () => (window as unknown as { recordStorage(n: number): void }).recordStorage(sessionStorage.length)),
        );
      }
      const answer = page.waitForResponse((response) => response.url().endsWith('/mod/logout'));
      await page.getByRole('button', { name: 'Log out alice' }).click();
      const response = await answer;
      expect(response.status()).toBe(303);
      expect((await response.allHeaders())['clear-site-data']).toBe(LOGOUT_CLEAR_SITE_DATA);
      await page.waitForURL(`${t.origin}/mod/login`);
      if (javaScriptEnabled) {
        expect(storageAtRequest).toBe(0);
        await expect(page.evaluate(() => sessionStorage.length)).resolves.toBe(0);
      }
      expect(await page.context().cookies()).not.toContainEqual(expect.objectContaining({ name: 'offscript_session' }));

      // The cookie the browser held is refused from anywhere now: the session row is gone.
      const refused = await call(t.app, alice, 'GET', '/mod/api/keys');
      expect(refused.statusCode).toBe(401);
      const rows = await t.database.db.selectFrom('sessions').select('id_hash').execute();
      expect(rows).toHaveLength(0);
    });
  }

  /** Ages every session past the idle limit, as half an hour away from the keyboard would. */
  async function idleOut(): Promise<void> {
    await t.database.db
      .updateTable('sessions')
      .set({ last_seen_at: new Date(Date.now() - SESSION_IDLE_MS - 60_000) })
      .execute();
  }

  async function openToReview(page: Page, submissionId: string): Promise<void> {
    await page.goto(`${t.origin}/mod/submissions/${submissionId}`);
    await page.getByTestId('narrative').filter({ hasText: /\S/ }).waitFor({ timeout: 30_000 });
  }

  it('a draft is kept sealed in the tab, survives a reload and an ended session; Accept unlocks in place and sends it as typed', async () => {
    const alice = await logInViaApi(t.app, 'alice', PASSPHRASE, t.origin);
    const key = (await currentIntakeKey(t.database.db))!;
    const { submissionId } = await submitAsSource(t.app, t.database.db, key, sampleAccount({ quotable: 'We rated answers all night for Ray.' }));
    const page = await loggedInTab(alice);
    await openToReview(page, submissionId);
    await page.getByRole('button', { name: 'Start review' }).click();
    // Typing counts as activity: a keep-alive goes out (without the background header the queue's polls carry).
    const keptAlive = page.waitForRequest((request) => request.url().endsWith('/mod/api/keep-alive'));
    await page.getByLabel('Title').fill('All night, every night');
    expect((await keptAlive).headers()['x-offscript-background']).toBeUndefined();
    await page.getByLabel('De-identified text').fill('We rated answers all night for ray@example.com, and then some.');
    await page.getByLabel('Not identifying: ray@example.com').check();
    await page.getByLabel('Attribution').selectOption({ label: 'Industry insider' });
    await page.getByLabel('Pull quotes (one per line)').fill('all night');
    // Kept in the tab, sealed: the title is not in sessionStorage as written.
    await page.waitForFunction((id) => sessionStorage.getItem(`offscript.draft.submission:${id}`) !== null, submissionId);
    const kept = await page.evaluate((id) => sessionStorage.getItem(`offscript.draft.submission:${id}`)!, submissionId);
    expect(kept).not.toContain('All night');

    await page.reload();
    await page.getByTestId('narrative').filter({ hasText: /\S/ }).waitFor({ timeout: 30_000 });
    await page.getByText('Your draft is back as you left it.').waitFor();
    await expect(page.getByLabel('Title').inputValue()).resolves.toBe('All night, every night');
    await expect(page.getByLabel('Not identifying: ray@example.com').isChecked()).resolves.toBe(true);

    await idleOut();
    await page.getByRole('button', { name: 'Accept' }).click();
    const dialog = page.getByRole('dialog', { name: 'Your session has ended' });
    await dialog.waitFor();
    await dialog.getByLabel('Passphrase for alice').fill(PASSPHRASE);
    await dialog.getByRole('button', { name: 'Unlock and continue' }).click();
    await page.getByText('the story draft now waits for a second moderator').waitFor({ timeout: 30_000 });
    const story = await t.database.db.selectFrom('stories').selectAll().where('title', '=', 'All night, every night').executeTakeFirstOrThrow();
    expect(story).toMatchObject({ body: 'We rated answers all night for ray@example.com, and then some.', attribution_label: 'industry_insider' });
    expect(story.pull_quotes).toEqual(['all night']);
    await expect(page.evaluate((id) => sessionStorage.getItem(`offscript.draft.submission:${id}`), submissionId)).resolves.toBeNull();
  });

  it('a new tab opens a submission with the keys an open tab hands over; a lone tab says what to do and unlocks in place', async () => {
    const alice = await logInViaApi(t.app, 'alice', PASSPHRASE, t.origin);
    const key = (await currentIntakeKey(t.database.db))!;
    const { submissionId } = await submitAsSource(t.app, t.database.db, key, sampleAccount({ narrative: 'Handed over between tabs.' }));
    const first = await loggedInTab(alice);
    const second = await first.context().newPage();
    await openToReview(second, submissionId);
    await expect(second.getByTestId('narrative').textContent()).resolves.toBe('Handed over between tabs.');
    await expect(second.getByRole('dialog').count()).resolves.toBe(0);

    // Nobody to hand the keys over: the tab asks for them instead of pointing elsewhere.
    const lone = await loggedInTab(alice, { javaScriptEnabled: true });
    await lone.evaluate(() => sessionStorage.clear());
    await lone.goto(`${t.origin}/mod/submissions/${submissionId}`);
    const dialog = lone.getByRole('dialog', { name: 'Unlock your keys in this tab' });
    await dialog.waitFor({ timeout: 10_000 });
    await dialog.getByLabel('Passphrase for alice').fill(PASSPHRASE);
    await dialog.getByRole('button', { name: 'Unlock and continue' }).click();
    await lone.getByTestId('narrative').filter({ hasText: /\S/ }).waitFor({ timeout: 30_000 });
  });

  it('a returned story’s revision is kept in the tab too, and resubmitted as typed after a reload', async () => {
    const alice = await logInViaApi(t.app, 'alice', PASSPHRASE, t.origin);
    await enrolViaApi(t.app, t.database.db, 'bob', 'moderator');
    const bob = await logInViaApi(t.app, 'bob', 'bob lantern orbit meadow', t.origin);
    const storyId = await draftStory(t.app, t.database.db, alice, { title: 'Sent back', body: 'Plain words only.', pullQuotes: [] });
    expect((await call(t.app, bob, 'POST', `/mod/api/stories/${storyId}/return`, { note: 'A better title, please.' })).statusCode).toBe(200);
    const page = await loggedInTab(alice);
    await page.goto(`${t.origin}/mod/stories/${storyId}`);
    const revise = page.locator('#revise-form');
    await revise.getByLabel('Title').fill('A better title');
    await page.waitForFunction((id) => sessionStorage.getItem(`offscript.draft.story:${id}`) !== null, storyId);
    await page.reload();
    await page.getByText('Your revision is back as you left it.').waitFor({ timeout: 30_000 });
    await expect(revise.getByLabel('Title').inputValue()).resolves.toBe('A better title');
    await revise
      .getByRole('button')
      .filter({ hasText: /resubmit/i })
      .click();
    await page.getByText('Resubmitted for a second review.').waitFor();
    const story = await t.database.db.selectFrom('stories').select(['title', 'status']).where('id', '=', storyId).executeTakeFirstOrThrow();
    expect(story).toEqual({ title: 'A better title', status: 'awaiting_second_review' });
  });
});
