// The moderators' console in Chromium (issue 16), two moderators logged in through the API and
// their sessions handed to the browser as a real login leaves them: the claim flow, Accept
// refused while an identifier mark is unresolved, a moderator re-reading their own question,
// and the published attribution and tags equal to what the second reviewer saw.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64 } from '../../common/protocol/encoding.js';
import { currentIntakeKey } from '../../server/intake/service.js';
import { releaseDueBatch } from '../../server/publishing/release.js';
import { startListeningTestApp, type ListeningTestApp } from '../support/app.js';
import { chromiumAvailable, launchChromium } from '../support/browser.js';
import { submitAsSource } from '../support/followup.js';
import { sampleAccount } from '../support/intake.js';
import { call, enrolViaApi, logInViaApi, s, type TestModerator } from '../support/moderation.js';
import { insertStatisticsAccounts, NOISELESS } from '../support/publishing.js';

const K_MIN = 11;
const QUOTABLE = 'Dana Whitfield said to rate 300 answers a night; mail dana.w@example.com for the rubric.';

describe.skipIf(!chromiumAvailable)('the moderators’ console in Chromium', () => {
  let t: ListeningTestApp;
  let browser: Browser;
  let alice: TestModerator;
  let bob: TestModerator;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    t = await startListeningTestApp({ K_MIN: String(K_MIN), BATCH_MIN: '1', BATCH_DELAY_DAYS: '0' });
    const { intake } = await enrolViaApi(t.app, t.database.db, 'alice', 'administrator', { createIntakeKey: true });
    alice = await logInViaApi(t.app, 'alice', 'alice lantern orbit meadow', t.origin);
    await enrolViaApi(t.app, t.database.db, 'bob', 'moderator');
    bob = await logInViaApi(t.app, 'bob', 'bob lantern orbit meadow', t.origin);
    // Bob holds the intake key, as after an administrator's grant (the grant itself is tested elsewhere).
    const [grant] = await t.database.db.selectFrom('intake_key_grants').selectAll().execute();
    const bobRow = await t.database.db.selectFrom('moderators').select(['id', 'box_public_key']).where('handle', '=', 'bob').executeTakeFirstOrThrow();
    await t.database.db
      .insertInto('intake_key_grants')
      .values({ intake_key_id: grant!.intake_key_id, moderator_id: bobRow.id, wrapped_secret_key: s.crypto_box_seal(intake!.privateKey, bobRow.box_public_key!) })
      .execute();
    // Writers on Mercor are many; this source's platform (Appen) is rare.
    await insertStatisticsAccounts(t.database.db, 30, { role: 'writer', platforms: ['mercor'] });
    browser = await launchChromium();
  });
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await t?.close();
  });

  /** A tab in which `who` is logged in: their session cookie and key pairs, as the login page leaves them. */
  async function consoleFor(who: TestModerator): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    await context.addCookies(
      Object.entries(who.cookies).map(([name, value]) => ({ name, value, domain: new URL(t.origin).hostname, path: '/mod', httpOnly: true, sameSite: 'Strict' as const })),
    );
    const pair = (p: { publicKey: Uint8Array; privateKey: Uint8Array }) => ({ publicKey: toBase64(s, p.publicKey), privateKey: toBase64(s, p.privateKey) });
    const stored = JSON.stringify({ box: pair(who.keys.boxKeyPair), sign: pair(who.keys.signKeyPair) });
    await context.addInitScript((value: string) => sessionStorage.setItem('offscript.moderator.keys', value), stored);
    const page = await context.newPage();
    page.on('pageerror', (error) => console.error(`${who.handle}: page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') console.error(`${who.handle}: console error: ${message.text()}`);
    });
    return page;
  }

  async function openSubmission(page: Page, id: string): Promise<void> {
    await page.goto(`${t.origin}/mod`);
    await page.getByRole('link', { name: `Submission ${id.slice(0, 8)}` }).click();
    await page.getByTestId('claim-text').filter({ hasText: /\S/ }).waitFor({ timeout: 30_000 });
  }

  it('two moderators: opening reads only, Start review claims, the other sees who has it and may take it over', async () => {
    const key = (await currentIntakeKey(t.database.db))!;
    const { submissionId } = await submitAsSource(t.app, t.database.db, key, sampleAccount({ quotable: 'Short and safe.' }));
    const a = await consoleFor(alice);
    await openSubmission(a, submissionId);
    await expect(a.getByTestId('current-status').textContent()).resolves.toBe('received');
    await expect(a.getByTestId('claim-text').textContent()).resolves.toBe('nobody has started reviewing it');
    expect((await t.database.db.selectFrom('submissions').select('status').where('id', '=', submissionId).executeTakeFirstOrThrow()).status).toBe('received');
    await expect(a.locator('#decisions').isHidden()).resolves.toBe(true);

    await a.getByRole('button', { name: 'Start review' }).click();
    await a.getByTestId('claim-text').filter({ hasText: 'you are reviewing it' }).waitFor();
    await expect(a.getByTestId('current-status').textContent()).resolves.toBe('in review');
    await expect(a.locator('#decisions').isVisible()).resolves.toBe(true);

    const b = await consoleFor(bob);
    await b.goto(`${t.origin}/mod`);
    // Keyboard: j moves to the first submission's link, Enter opens it.
    await b.keyboard.press('j');
    await expect(b.evaluate(() => document.activeElement?.textContent)).resolves.toMatch(/^Submission /);
    const row = b.getByRole('row', { name: new RegExp(submissionId.slice(0, 8)) });
    await expect(row.getByRole('cell', { name: 'alice' }).count()).resolves.toBe(1);
    await expect(row.getByRole('cell', { name: 'in review' }).count()).resolves.toBe(1);
    await openSubmission(b, submissionId);
    await expect(b.getByTestId('claim-text').textContent()).resolves.toBe('alice is reviewing it');
    await expect(b.locator('#decisions').isHidden()).resolves.toBe(true);
    await b.getByRole('button', { name: 'Take over from alice' }).click();
    await b.getByTestId('claim-text').filter({ hasText: 'you are reviewing it' }).waitFor();
    await b.getByRole('button', { name: 'Release it for someone else' }).click();
    await b.getByTestId('claim-text').filter({ hasText: 'nobody has started reviewing it' }).waitFor();
  }, 90_000);

  it('Accept is refused while a mark is unresolved and allowed once each is redacted or marked not identifying; a moderator re-reads their question; the reviewer approves exactly what is published', async () => {
    const key = (await currentIntakeKey(t.database.db))!;
    const { submissionId } = await submitAsSource(
      t.app,
      t.database.db,
      key,
      sampleAccount({ role: 'writer', platforms: ['mercor', 'appen'], narrative: `The whole story. ${QUOTABLE}`, quotable: QUOTABLE, consent: 'quote' }),
    );
    const a = await consoleFor(alice);
    await openSubmission(a, submissionId);
    await a.getByRole('button', { name: 'Start review' }).click();
    await a.getByTestId('marks-summary').filter({ hasText: 'unresolved' }).waitFor();

    // The draft starts from the quotable passage, not the raw account; marks show in both.
    await expect(a.getByLabel('De-identified text').inputValue()).resolves.toBe(QUOTABLE);
    await expect(a.locator('#quotable mark').allTextContents()).resolves.toEqual(expect.arrayContaining(['Dana Whitfield', 'dana.w@example.com']));
    await expect(a.locator('#identifier-list mark').allTextContents()).resolves.toEqual(expect.arrayContaining(['Dana Whitfield', 'dana.w@example.com']));
    // The default attribution follows the role.
    await expect(a.getByLabel('Attribution').inputValue()).resolves.toBe('hollywood_writer');

    // A question, re-read in the timeline at once.
    await a.getByLabel('Ask the source a question').fill('Which month did the project stop?');
    await a.getByRole('button', { name: 'Send question' }).click();
    await a.getByTestId('messages').getByText('Which month did the project stop?').waitFor();
    await expect(a.getByTestId('current-status').textContent()).resolves.toBe('waiting for the source');

    await a.getByLabel('Title').fill('Three hundred a night');
    await a.getByRole('button', { name: 'Accept' }).click();
    await a.locator('#decision-status').filter({ hasText: 'still marked in the draft' }).waitFor();
    expect((await t.database.db.selectFrom('submissions').select('status').where('id', '=', submissionId).executeTakeFirstOrThrow()).status).toBe('needs_info');

    // Resolve each: redact the email, keep the name as "not identifying" (a pseudonym, say).
    await a.getByRole('button', { name: 'Redact “dana.w@example.com”' }).click();
    const remaining = await a.locator('#identifier-list li.unresolved mark').allTextContents();
    for (const text of remaining) await a.getByLabel(`Not identifying: ${text}`).check();
    await a.getByTestId('marks-summary').filter({ hasText: '0 of' }).waitFor();
    await a.getByRole('button', { name: 'Accept' }).click();
    await a.locator('#decision-status').filter({ hasText: 'the story draft now waits for a second moderator' }).waitFor();
    await expect(a.getByTestId('current-status').textContent()).resolves.toBe('accepted');
    const story = await t.database.db.selectFrom('stories').selectAll().where('title', '=', 'Three hundred a night').executeTakeFirstOrThrow();
    expect(story.body).not.toContain('dana.w@example.com');
    const audit = (await t.database.db.selectFrom('audit_log').select('entry').execute()).map((r) => r.entry).join('\n');
    expect(audit).toContain(`"dismissedIdentifierMarks":${remaining.length}`);
    expect(audit).not.toContain('Dana');

    // Tags and labels read the latest statistics refresh's noisy counts (continual release): a
    // scheduled refresh, here without noise and with no story due, counts the accounts first.
    await releaseDueBatch(t.database.db, { kMin: K_MIN, batchMin: 1, batchDelayDays: 10_000, ...NOISELESS, refreshWithoutStories: true });
    // The second reviewer sees the attribution and tags as they would be published, with reasons.
    const b = await consoleFor(bob);
    await b.goto(`${t.origin}/mod/stories/${story.id}`);
    const attribution = (await b.getByTestId('publication-attribution').textContent())!;
    expect(attribution).toContain('Anonymous Hollywood writer');
    const tags = await b.getByTestId('publication-tags').locator('li').allTextContents();
    expect(tags).toContain('Mercor: published as a tag');
    expect(tags).toContain(`Appen: not published, fewer than ${K_MIN} accounts share this label today`);
    await b.getByRole('button', { name: 'Approve' }).click();
    await b.getByTestId('story-status').filter({ hasText: 'approved' }).waitFor();

    await releaseDueBatch(t.database.db, { kMin: K_MIN, batchMin: 1, batchDelayDays: 0 });
    const published = await t.database.db.selectFrom('stories').selectAll().where('id', '=', story.id).executeTakeFirstOrThrow();
    expect(published.status).toBe('published');
    const page = await b.context().newPage();
    await page.goto(`${t.origin}/stories/${published.slug}`);
    await expect(page.locator('main').textContent()).resolves.toContain('Anonymous Hollywood writer');
    expect(published.published_attribution).toBe('hollywood_writer');
    expect(published.public_tags.platforms).toEqual(['mercor']);
    expect(published.public_tags).toEqual(published.approved_tags);
  }, 120_000);

  it('the queue keeps itself current: a submission that arrives while it is open appears without a reload, the focus stays where it was', async () => {
    const key = (await currentIntakeKey(t.database.db))!;
    await submitAsSource(t.app, t.database.db, key, sampleAccount({ quotable: 'Already waiting.' }));
    const b = await consoleFor(bob);
    await b.clock.install();
    await b.goto(`${t.origin}/mod`);
    const toDecide = async () => Number(await b.locator('[data-queue-count="undecided"]').textContent());
    const countBefore = await toDecide();
    // j focuses the first submission; the mark shows it is the very same element afterwards.
    await b.keyboard.press('j');
    const focusedId = await b.evaluate(() => {
      const focused = document.activeElement as HTMLElement;
      focused.dataset.focusMark = 'before';
      return focused.closest('tr')!.dataset.submissionId;
    });
    expect(focusedId).toBeTruthy();

    const arrived = await submitAsSource(t.app, t.database.db, key, sampleAccount({ quotable: 'Just in.' }));
    const newRow = b.getByRole('row', { name: new RegExp(arrived.submissionId.slice(0, 8)) });
    await expect(newRow.count()).resolves.toBe(0);
    await b.clock.runFor(30_000);
    await newRow.waitFor();
    await b.getByTestId('queue-updates').filter({ hasText: '1 new submission.' }).waitFor();
    await expect(toDecide()).resolves.toBe(countBefore + 1);
    await expect(b.evaluate(() => (document.activeElement as HTMLElement).dataset.focusMark)).resolves.toBe('before');
    await expect(newRow.getByRole('cell', { name: 'nobody' }).count()).resolves.toBe(1);
    // j still walks the list from where the focus is.
    await b.keyboard.press('j');
    await expect(b.evaluate(() => (document.activeElement as HTMLElement).dataset.focusMark)).resolves.toBeUndefined();
    await b.keyboard.press('k');
    await expect(b.evaluate(() => (document.activeElement as HTMLElement).dataset.focusMark)).resolves.toBe('before');

    // Coming back to the tab refreshes at once: alice starts reviewing the new one.
    expect((await call(t.app, alice, 'POST', `/mod/api/submissions/${arrived.submissionId}/claim`, {})).statusCode).toBe(200);
    await b.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    await newRow.getByRole('cell', { name: 'alice' }).waitFor();
    await expect(newRow.getByRole('cell', { name: 'in review' }).count()).resolves.toBe(1);
    await b.getByTestId('queue-updates').filter({ hasText: '1 submission changed.' }).waitFor();
    await expect(b.evaluate(() => (document.activeElement as HTMLElement).dataset.focusMark)).resolves.toBe('before');
  }, 90_000);
});
