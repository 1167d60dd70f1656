// The console shows and corrects the facets of account version 2 (DESIGN §5): a version-2
// account's answers come up in the acceptance form, generated from the vocabulary, and a
// moderator's correction is what is stored; a version-1 account's questions stay "not asked".
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Account } from '../../common/intake/account.js';
import { toBase64 } from '../../common/protocol/encoding.js';
import { appAndChromium, chromiumAvailable } from '../support/browser.js';
import { sampleAccount, sealForTest } from '../support/intake.js';
import { tagHash } from '../support/publishing.js';
import { enrolViaApi, logInViaApi, s, type TestModerator } from '../support/moderation.js';
import { currentIntakeKey } from '../../server/intake/service.js';

describe.skipIf(!chromiumAvailable)('version-2 facets in the console, in Chromium', () => {
  const run = appAndChromium();
  let admin: TestModerator;

  beforeAll(async () => {
    await enrolViaApi(run.t.app, run.t.database.db, 'alice', 'administrator', { createIntakeKey: true });
    admin = await logInViaApi(run.t.app, 'alice', 'alice lantern orbit meadow', run.t.origin);
  });

  /** A console tab as logging in would leave it: the session cookies and both key pairs in sessionStorage. */
  async function consoleContext(): Promise<BrowserContext> {
    const context = await run.browser.newContext();
    const domain = new URL(run.t.origin).hostname;
    await context.addCookies(Object.entries(admin.cookies).map(([name, value]) => ({ name, value, domain, path: '/mod', httpOnly: true, sameSite: 'Strict' as const })));
    const pair = (p: { publicKey: Uint8Array; privateKey: Uint8Array }) => ({ publicKey: toBase64(s, p.publicKey), privateKey: toBase64(s, p.privateKey) });
    const stored = JSON.stringify({ box: pair(admin.keys.boxKeyPair), sign: pair(admin.keys.signKeyPair) });
    await context.addInitScript((value: string) => sessionStorage.setItem('offscript.moderator.keys', value), stored);
    return context;
  }

  async function submit(account: Account): Promise<string> {
    const key = (await currentIntakeKey(run.t.database.db))!;
    const sealed = await sealForTest(key, account);
    const response = await run.t.app.inject({ method: 'POST', url: '/api/v1/submissions', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(sealed.body) });
    expect(response.statusCode).toBe(201);
    const rows = await run.t.database.db.selectFrom('submissions').select(['id', 'reply_public_key']).execute();
    const id = rows.find((r) => toBase64(s, r.reply_public_key!) === sealed.body.replyPublicKey)!.id;
    withdrawalTags.set(id, sealed.withdrawalTag);
    return id;
  }

  // The console copies each sealed account's withdrawal tag onto its pending account: found by it, never by the submission.
  const withdrawalTags = new Map<string, string>();
  const pendingAccountOf = (id: string) =>
    run.t.database.db
      .selectFrom('pending_accounts')
      .selectAll()
      .where('withdrawal_tag_hash', '=', tagHash(withdrawalTags.get(id)!))
      .executeTakeFirstOrThrow();

  async function openSubmission(context: BrowserContext, id: string): Promise<Page> {
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`${run.t.origin}/mod/submissions/${id}`);
    await page.waitForFunction(() => document.querySelector('[data-testid="narrative"]')?.textContent !== '', undefined, { timeout: 30_000 });
    // The decision form opens once this moderator has claimed the review.
    await page.locator('#start-review').click();
    await page.locator('#decisions').waitFor();
    expect(problems).toEqual([]);
    return page;
  }

  it('shows a version-2 account’s answers, prefills them, and stores the moderator’s correction', async () => {
    const id = await submit({
      ...sampleAccount({ platforms: ['outlier'], payBand: '20_39', consent: 'stats' }),
      v: 2,
      facts: { advertisedPayBand: '60_89', paidShare: 'most', monitoring: 'yes', union: 'iatse' },
      halfYear: '2025-H1',
    });
    const context = await consoleContext();
    const page = await openSubmission(context, id);
    const facts = page.locator('#account-facts');
    await expect(facts.textContent()).resolves.toContain('How much of the time you worked was paid');
    await expect(facts.textContent()).resolves.toContain('Most of it');
    await expect(facts.textContent()).resolves.toContain('2025-H1');

    const form = page.locator('#facet-facts');
    await expect(form.getByLabel('How much of the time you worked was paid').inputValue()).resolves.toBe('most');
    await expect(form.getByLabel('Pay the advertisement or recruiter offered').inputValue()).resolves.toBe('60_89');
    await expect(form.getByLabel('When the work happened').inputValue()).resolves.toBe('2025-H1');
    // Version 3's questions were never put to a version-2 account: "not asked", not editable.
    await expect(form.getByLabel('Where you worked from: a country, or a group of US states').isDisabled()).resolves.toBe(true);
    // The narrative says less than half was paid: the moderator corrects the answer and the half-year.
    await form.getByLabel('How much of the time you worked was paid').selectOption({ label: 'Less than half' });
    await form.getByLabel('When the work happened').fill('2025-H2');
    await form.getByLabel('Your account was deactivated').selectOption({ label: 'No' });
    await page.getByRole('button', { name: 'Accept' }).click();
    await page.getByText('Accepted for statistics.').waitFor();

    const row = await pendingAccountOf(id);
    expect(row.account_version).toBe(2);
    expect(row.half_year).toBe('2025-H2');
    expect(row.facts).toEqual({
      advertisedPayBand: '60_89',
      paidShare: 'less_than_half',
      monitoring: 'yes',
      union: 'iatse',
      deactivated: 'no',
      payAgainstAdvertised: 'below',
      deactivation: 'not_deactivated',
    });
    await context.close();
  });

  it('shows a version-3 account’s 2026 answers, prefills them, and stores the moderator’s correction', async () => {
    const id = await submit({
      ...sampleAccount({ platforms: ['mercor'], consent: 'stats' }),
      v: 3,
      facts: { toldOfBreach: 'not_told', classification: 'contractor', location: 'canada', aiInterview: 'yes' },
    });
    const context = await consoleContext();
    const page = await openSubmission(context, id);
    const facts = page.locator('#account-facts');
    await expect(facts.textContent()).resolves.toContain('Mercor told you of its March 2026 data breach');
    await expect(facts.textContent()).resolves.toContain('No, I have not been told');
    const form = page.locator('#facet-facts');
    await expect(form.getByLabel('Where you worked from: a country, or a group of US states').inputValue()).resolves.toBe('canada');
    await expect(form.getByLabel('How you were hired: contractor, employee or agency temp').inputValue()).resolves.toBe('contractor');
    // The narrative says the contract came through an agency.
    await form.getByLabel('How you were hired: contractor, employee or agency temp').selectOption({ label: 'Temp through a staffing agency' });
    await page.getByRole('button', { name: 'Accept' }).click();
    await page.getByText('Accepted for statistics.').waitFor();
    const row = await pendingAccountOf(id);
    expect(row.account_version).toBe(3);
    expect(row.facts).toEqual({ toldOfBreach: 'not_told', classification: 'agency_temp', location: 'canada', aiInterview: 'yes' });
    await context.close();
  });

  it('keeps a version-1 account’s newer questions "not asked": shown so, and not editable', async () => {
    const id = await submit(sampleAccount({ platforms: ['mercor'], consent: 'stats' }));
    const context = await consoleContext();
    const page = await openSubmission(context, id);
    await expect(page.locator('#account-facts').textContent()).resolves.toContain('Not asked (a version-1 account)');
    await expect(page.locator('#facet-facts').getByLabel('Monitoring software was used on you').isDisabled()).resolves.toBe(true);
    await expect(page.locator('#facet-facts').getByLabel('When the work happened').isDisabled()).resolves.toBe(true);
    await page.getByRole('button', { name: 'Accept' }).click();
    await page.getByText('Accepted for statistics.').waitFor();
    const row = await pendingAccountOf(id);
    expect(row.account_version).toBe(1);
    expect(row.facts).toEqual({});
    expect(row.half_year).toBeNull();
    await context.close();
  });
});
