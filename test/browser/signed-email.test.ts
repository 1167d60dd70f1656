// A platform's signed email as evidence, in a real Chromium (issue 33): a source attaches a saved
// .eml (told first what it shows), the moderator's browser verifies its DKIM signature with the key
// the operator pinned, shows "signed by outlier.example, key pinned", marks the account verified;
// after the release /stats, the API and the release CSV show the tier; a second account carrying
// the same email is flagged. DNS is a resolver this test controls: nothing reaches the network.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lookupTokenHash } from '../../common/protocol/digest.js';
import { deriveReceiptKeys, entropyFromReceiptWords } from '../../common/protocol/receipt.js';
import { loadSodium } from '../../common/protocol/sodium.js';
import { runCommand } from '../../server/control/commands.js';
import { todayUtc } from '../../server/db/day.js';
import { releaseDueBatch } from '../../server/publishing/release.js';
import type { PublishedStatistics } from '../../server/publishing/schemas.js';
import { appAndChromium, chromiumAvailable, moderatorTab } from '../support/browser.js';
import { enrolViaApi, logInViaApi, type TestModerator } from '../support/moderation.js';
import { firstOfMonthAfter, insertStatisticsAccounts, NOISELESS } from '../support/publishing.js';
import { ed25519Key, SAMPLE_EMAIL, signEmail } from '../support/signed-email.js';

describe.skipIf(!chromiumAvailable)('a signed email in Chromium', () => {
  const asked: string[] = [];
  const env = appAndChromium(
    { BATCH_MIN: '1', BATCH_DELAY_DAYS: '0', K_MIN: '11' },
    {
      resolveTxt: async (name) => {
        asked.push(name);
        throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
      },
    },
  );
  let moderator: TestModerator;
  let dir: string;
  let emlPath: string;
  beforeAll(async () => {
    await enrolViaApi(env.t.app, env.t.database.db, 'alice', 'administrator', { createIntakeKey: true });
    moderator = await logInViaApi(env.t.app, 'alice', 'alice lantern orbit meadow', env.t.origin);
    const key = ed25519Key();
    const command = (args: Record<string, string>) => runCommand(env.t.database.db, env.t.config, { command: 'dkim:keys', args });
    expect((await command({ action: 'add', a: 'outlier.example', b: 'mail2026', c: key.record })).exitCode).toBe(0);
    expect((await command({ action: 'domain-add', a: 'outlier', b: 'outlier.example' })).exitCode).toBe(0);
    dir = mkdtempSync(path.join(tmpdir(), 'offscript-signed-email-'));
    emlPath = path.join(dir, 'welcome.eml');
    writeFileSync(emlPath, await signEmail(SAMPLE_EMAIL, key));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A source sends an account naming Outlier with the saved email; returns the submission's id. */
  async function sendAccountWithEmail(): Promise<string> {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`${env.t.origin}/submit`);
    await page.locator('#attachments-field').waitFor();
    // Said plainly before anything is sent.
    const warning = page.getByTestId('saved-email-warning');
    await expect(warning.isVisible()).resolves.toBe(true);
    await expect(warning.textContent()).resolves.toMatch(/shows your email address and your names.*Only the moderators will see it.*deleted with your account's encrypted text/s);
    await page.getByLabel('Add pictures or PDFs').setInputFiles(emlPath);
    await page.getByText('1 file ready to send.').waitFor({ timeout: 30_000 });
    await expect(page.locator('#attachment-list li').first().textContent()).resolves.toContain('welcome.eml — sent exactly as saved');
    // Never shown as a page: no picture, no frame, nothing of the email's markup.
    await expect(page.locator('#attachment-list img, #attachment-list iframe, #attachment-list b').count()).resolves.toBe(0);
    await page.locator('#platform-outlier').check();
    await page.getByLabel('What happened, in your own words (required)').fill('Onboarded, then dropped without notice; the welcome email is attached.');
    await page.getByLabel('De-identified quotes from my account may be published').check();
    await page.getByRole('button', { name: 'Seal and send my account' }).click();
    await page.getByRole('heading', { name: 'Your account is stored' }).waitFor({ timeout: 60_000 });
    const words = await page.getByTestId('receipt-words').locator('li').allTextContents();
    expect(problems).toEqual([]);
    await context.close();
    const { lookupToken } = deriveReceiptKeys(await loadSodium(), entropyFromReceiptWords(words.join(' ')));
    return (await env.t.database.db.selectFrom('submissions').select('id').where('lookup_hash', '=', lookupTokenHash(lookupToken)).executeTakeFirstOrThrow()).id;
  }

  async function openAsModerator(id: string): Promise<Page> {
    const page = await moderatorTab(env.browser, moderator, env.t.origin);
    await page.goto(`${env.t.origin}/mod/submissions/${id}`);
    await page.getByTestId('dkim-verdict').first().waitFor({ timeout: 60_000 });
    return page;
  }

  it('is verified in the moderator’s browser, marked, published as a tier; the same email again is flagged', async () => {
    const first = await sendAccountWithEmail();
    const page = await openAsModerator(first);
    const verdict = page.getByTestId('dkim-verdict').first();
    await expect(verdict.textContent()).resolves.toContain('Signed by outlier.example, key pinned');
    await expect(verdict.textContent()).resolves.toContain('The signature holds: outlier.example sent this email');
    await expect(verdict.textContent()).resolves.toContain('made in 2026-H1');
    await expect(verdict.textContent()).resolves.toContain('outlier.example is a sending domain of Outlier');
    // The email as text only: its <b> and <script> are characters, not elements.
    await expect(page.locator('#submission-file-list pre.saved-email').textContent()).resolves.toContain('<script>alert(1)</script>');
    await expect(page.locator('#submission-file-list b, #submission-file-list script, #submission-file-list iframe').count()).resolves.toBe(0);
    expect(asked).toEqual([]);

    await page.getByRole('button', { name: 'Start review' }).click();
    const mark = page.locator('#signed-email-mark');
    await expect(mark.isEnabled()).resolves.toBe(true);
    await expect(page.locator('#signed-email-label').textContent()).resolves.toContain('verified by a signed email from Outlier');
    await mark.check();
    await page.locator('#facet-platform-outlier').check();
    await page.locator('#accept-button').click();
    await page.getByText(/^Accepted/).waitFor({ timeout: 30_000 });
    await page.context().close();
    const pending = await env.t.database.db.selectFrom('pending_accounts').select(['signed_email_platform', 'signed_email_half_year']).execute();
    expect(pending).toEqual([{ signed_email_platform: 'outlier', signed_email_half_year: '2026-H1' }]);

    // The release: with twelve other accounts verified by other emails, the tier's count is shown.
    const { db } = env.t.database;
    await insertStatisticsAccounts(db, 30, { platforms: ['outlier'] });
    await insertStatisticsAccounts(db, 12, { platforms: ['outlier'] });
    const others = await db.selectFrom('accounts').select('id').where('signed_email_platform', 'is', null).limit(12).execute();
    for (const [i, row] of others.entries()) {
      await db
        .updateTable('accounts')
        .set({ signed_email_platform: 'outlier', signed_email_half_year: '2026-H1', signed_email_marker: Buffer.alloc(32, i + 1) })
        .where('id', '=', row.id)
        .execute();
    }
    const batch = await releaseDueBatch(db, { kMin: 11, batchMin: 1, batchDelayDays: 0, refreshWithoutStories: true, ...NOISELESS }, firstOfMonthAfter(todayUtc()));
    expect(batch).toMatchObject({ statisticsRefreshed: true });

    const reader = await env.browser.newPage();
    await reader.goto(`${env.t.origin}/stats`);
    await expect(reader.getByTestId('tier-sentence').textContent()).resolves.toBe("about 43 accounts, of which about 13 are backed by a platform's signed email.");
    const api = (await (await reader.request.get(`${env.t.origin}/api/v1/stats`)).json()) as { statistics: PublishedStatistics };
    expect(api.statistics.headline.verification?.verifiedEmail).toMatchObject({ count: 13, status: 'shown' });
    const csv = await (await reader.request.get(`${env.t.origin}/releases/${batch!.sequence}/statistics.csv`)).text();
    expect(csv).toContain('verification_tier,all,verified_email,13,shown');
    await reader.close();

    // The same email with a second account: flagged, and the mark is not offered.
    const second = await sendAccountWithEmail();
    const again = await openAsModerator(second);
    await again.getByTestId('dkim-duplicate').waitFor({ timeout: 30_000 });
    await expect(again.getByTestId('dkim-duplicate').textContent()).resolves.toContain('Another account is already verified by this same email');
    await expect(again.locator('#signed-email').isHidden()).resolves.toBe(true);
    await expect(again.locator('#signed-email-mark').isDisabled()).resolves.toBe(true);
    await again.context().close();
    expect(asked).toEqual([]);
  });
});
