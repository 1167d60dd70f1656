// A moderator's working day that loses nothing (issue 28): Log out ends the session on the server
// and wipes this browser, with and without JavaScript.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64 } from '../../common/protocol/encoding.js';
import { LOGOUT_CLEAR_SITE_DATA } from '../../server/moderation/routes.js';
import { startListeningTestApp, type ListeningTestApp } from '../support/app.js';
import { chromiumAvailable, launchChromium } from '../support/browser.js';
import { call, enrolViaApi, logInViaApi, s, type TestModerator } from '../support/moderation.js';

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
    await context.addCookies(Object.entries(who.cookies).map(([name, value]) => ({ name, value, domain: new URL(t.origin).hostname, path: '/mod', httpOnly: true, sameSite: 'Strict' as const })));
    const page = await context.newPage();
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
      const alice = await logInViaApi(t.app, 'alice', 'alice lantern orbit meadow', t.origin);
      const page = await loggedInTab(alice, { javaScriptEnabled });
      // The keys leave the tab before the request does: the moment the form is sent, storage is already empty.
      let storageAtRequest = -1;
      if (javaScriptEnabled) {
        await page.exposeFunction('recordStorage', (length: number) => (storageAtRequest = length));
        // Added after the page's own listener, so it sees what the request leaves with.
        await page.evaluate(() =>
          document.getElementById('logout-button')!.closest('form')!.addEventListener('submit', () => (window as unknown as { recordStorage(n: number): void }).recordStorage(sessionStorage.length)),
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
});
