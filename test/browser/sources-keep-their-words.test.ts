// Sources never lose what they typed (issue 28), in Chromium: a filled /submit warns before the page
// goes (and stops warning once the account is stored); receipt words pasted in the formats people
// paste all open the status, with JavaScript and without (the server reads them the same way).
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { currentIntakeKey } from '../../server/intake/service.js';
import { appAndChromium, chromiumAvailable } from '../support/browser.js';
import { submitAsSource } from '../support/followup.js';
import { enrolViaApi } from '../support/moderation.js';
import { PASTED_FORMATS } from '../support/receipt-paste.js';

describe.skipIf(!chromiumAvailable)('sources keep their words, in Chromium', () => {
  const run = appAndChromium();

  async function newPage(javaScriptEnabled = true): Promise<Page> {
    const context = await run.browser.newContext({ javaScriptEnabled, viewport: { width: 375, height: 800 } });
    const page = await context.newPage();
    page.on('pageerror', (error) => console.error('page error:', error.message));
    return page;
  }

  /** Whether closing the page asks first: the beforeunload dialog, dismissed so that the page stays. */
  async function warnsOnLeaving(page: Page): Promise<boolean> {
    const asked = page.waitForEvent('dialog', { timeout: 2_000 }).then(
      async (dialog) => {
        expect(dialog.type()).toBe('beforeunload');
        await dialog.dismiss();
        return true;
      },
      () => false,
    );
    await page.close({ runBeforeUnload: true });
    const warned = await asked;
    if (!page.isClosed()) await page.close();
    return warned;
  }

  it('a filled /submit warns before leaving; an empty one and a sent one do not', async () => {
    await enrolViaApi(run.t.app, run.t.database.db, 'alice', 'administrator', { createIntakeKey: true });
    const empty = await newPage();
    await empty.goto(`${run.t.origin}/submit`);
    await empty.getByLabel('What happened, in your own words (required)').click();
    expect(await warnsOnLeaving(empty)).toBe(false);

    const filled = await newPage();
    await filled.goto(`${run.t.origin}/submit`);
    await filled.getByLabel('What happened, in your own words (required)').fill('We rated answers all night.');
    expect(await warnsOnLeaving(filled)).toBe(true);

    const sent = await newPage();
    await sent.goto(`${run.t.origin}/submit`);
    await sent.getByLabel('What happened, in your own words (required)').fill('We rated answers all night.');
    await sent.getByLabel('Count my account in statistics only; never quote it').check();
    await sent.getByRole('button', { name: 'Seal and send my account' }).click();
    await sent.getByRole('heading', { name: 'Your account is stored' }).waitFor();
    expect(await warnsOnLeaving(sent)).toBe(false);
  });

  for (const javaScriptEnabled of [true, false]) {
    it(`receipt words pasted in five formats all open the status (${javaScriptEnabled ? 'in the browser' : 'without JavaScript, on the server'})`, async () => {
      const key = (await currentIntakeKey(run.t.database.db))!;
      const { words } = await submitAsSource(run.t.app, run.t.database.db, key);
      for (const [format, paste] of Object.entries(PASTED_FORMATS)) {
        const page = await newPage(javaScriptEnabled);
        await page.goto(`${run.t.origin}/status`);
        await page.getByLabel('Your twelve words').fill(paste(words));
        await page.getByRole('button', { name: 'Show my account' }).click();
        await page.getByTestId('status-text').getByText('waiting for a moderator').waitFor({ timeout: 15_000 });
        expect(await page.locator('#status-error').isVisible(), format).toBe(false);
        await page.context().close();
      }
    });
  }
});
