// The moderation console in a real Chromium: invitation → enrolment (Argon2id in the
// browser) → a source submits → login, decryption, redaction, acceptance with a story →
// a second moderator is invited, enrols, is granted the key and approves the draft.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSodiumSumo } from '../../common/protocol/sodium-sumo.js';
import { deriveModeratorKeys, unwrapIntakeKeyPair } from '../../common/protocol/moderator-keys.js';
import { inviteModerator } from '../../server/moderation/team-service.js';
import { startListeningTestApp, type ListeningTestApp } from '../support/app.js';
import { addVirtualAuthenticator, chromiumAvailable, launchChromium } from '../support/browser.js';
import { dumpAllTables } from '../support/database.js';

const ALICE_PASSPHRASE = 'correct horse battery staple offscript';
const BOB_PASSPHRASE = 'velvet lantern orbit meadow';
const NARRATIVE =
  'My lead Dana Whitfield told us on the Outlier project to rate 300 answers a night. ' +
  'Email me at dana.w@example.com if you doubt it. We were paid $18/hour and the work stopped without notice.';

describe.skipIf(!chromiumAvailable)('the moderation console in Chromium', () => {
  let t: ListeningTestApp;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    // One administrator, passkeys without PRF (step 10): the operator's settings for such a trial (issue 26).
    t = await startListeningTestApp({ ALLOW_KEYS_WITHOUT_PRF: '1', INVITED_REVIEWER_WAIT_DAYS: '0' });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function newPage(javaScriptEnabled = true): Promise<Page> {
    const context = await browser.newContext({ javaScriptEnabled });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (error) => console.error('page error:', error.message));
    // Passkeys without PRF here: step 10 derives the keys from the passphrase alone (test/browser/passkeys.test.ts binds them).
    await addVirtualAuthenticator(page, { prf: false });
    return page;
  }

  async function fillEnrolment(page: Page, url: string, passphrase: string): Promise<void> {
    await page.goto(url);
    await page.getByLabel('Passphrase', { exact: true }).fill(passphrase);
    await page.getByLabel('Passphrase again').fill(passphrase);
    await page.getByRole('button', { name: 'Create my keys' }).click();
  }

  async function enrol(page: Page, url: string, passphrase: string): Promise<string> {
    await fillEnrolment(page, url, passphrase);
    await page.getByRole('heading', { name: 'Your keys are ready' }).waitFor({ timeout: 30_000 });
    return (await page.getByTestId('own-fingerprint').textContent())!;
  }

  async function logIn(page: Page, handle: string, passphrase: string): Promise<number> {
    await page.goto(`${t.origin}/mod/login`);
    await page.getByLabel('Handle').fill(handle);
    await page.getByLabel('Passphrase').fill(passphrase);
    const started = performance.now();
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(`${t.origin}/mod`, { timeout: 30_000 });
    return performance.now() - started;
  }

  it('runs the whole moderation journey, and the database keeps nothing readable', async () => {
    // 1. The operator invites the first administrator from the command line's service.
    const { token } = await inviteModerator(t.database.db, { handle: 'alice', role: 'administrator' }, 'operator');
    const alice = await newPage();
    // The first administrator has nobody to read a fingerprint to: enrolment logs in and asks for a spare passkey.
    await fillEnrolment(alice, `${t.origin}/mod/enrol/${token}`, ALICE_PASSPHRASE);
    await alice.waitForURL(`${t.origin}/mod/passkeys`, { timeout: 30_000 });
    await alice.getByTestId('spare-advice').waitFor();
    expect(await alice.evaluate(() => Object.keys(sessionStorage).length)).toBeGreaterThan(0);

    // 2. A source submits; /submit now accepts accounts.
    const source = await newPage();
    await source.goto(`${t.origin}/submit`);
    await source.getByLabel('Outlier').check();
    await source.getByLabel('What happened, in your own words (required)').fill(NARRATIVE);
    await source.getByLabel('De-identified quotes from my account may be published').check();
    await source.getByRole('button', { name: 'Seal and send my account' }).click();
    await source.getByRole('heading', { name: 'Your account is stored' }).waitFor();

    // 3. The administrator logs in (Argon2id MODERATE in the browser) and opens it.
    const loginMs = await logIn(alice, 'alice', ALICE_PASSPHRASE);
    const unlockMs = Number(await alice.evaluate(() => sessionStorage.getItem('offscript.unlockMs')));
    console.log(`console unlock in Chromium: Argon2id MODERATE key derivation ${unlockMs} ms; whole login ${loginMs.toFixed(0)} ms`);
    expect(unlockMs).toBeGreaterThan(0);
    await alice.getByTestId('open-submission').first().click();
    await alice.waitForFunction(() => document.querySelector('[data-testid="narrative"]')?.textContent !== '', undefined, { timeout: 30_000 });
    await expect(alice.getByTestId('narrative').textContent()).resolves.toBe(NARRATIVE);
    await alice.getByRole('button', { name: 'Start review' }).click();

    // 4. The draft starts empty (no quotable passage); from the narrative, the redaction helper
    // marks the name and the email; redact them with one click.
    await expect(alice.getByLabel('De-identified text').inputValue()).resolves.toBe('');
    await alice.getByRole('button', { name: 'Start from the whole narrative instead' }).click();
    const identifiers = alice.locator('#identifier-list mark');
    await expect(identifiers.allTextContents()).resolves.toEqual(expect.arrayContaining(['Dana Whitfield', 'dana.w@example.com']));
    await alice.getByLabel('Replace with').fill('[a team lead]');
    await alice.getByRole('button', { name: 'Redact all unresolved' }).click();
    const redacted = await alice.getByLabel('De-identified text').inputValue();
    expect(redacted).not.toContain('Dana');
    expect(redacted).not.toContain('example.com');
    expect(redacted).toContain('[a team lead]');

    // 5. Accept with facets and a story draft.
    await expect(alice.getByLabel('Outlier').isChecked()).resolves.toBe(true);
    await alice.getByLabel('Work stopped without notice').selectOption('yes');
    await alice.getByLabel('Title').fill('Three hundred answers a night');
    await alice.getByLabel('Attribution').selectOption({ label: 'Anonymous Hollywood writer' });
    await alice.getByRole('button', { name: 'Accept' }).click();
    await alice.getByText('the story draft now waits for a second moderator').waitFor();

    // 6. The administrator invites a second moderator through the team page.
    await alice.goto(`${t.origin}/mod/team`);
    await alice.getByLabel('Handle').fill('bob');
    await alice.getByRole('button', { name: 'Create invitation' }).click();
    await alice.locator('#invite-result').getByText('/mod/enrol/').waitFor();
    const inviteText = (await alice.locator('#invite-result').textContent())!;
    const bobUrl = /(http:\/\/\S+\/mod\/enrol\/\S+)/.exec(inviteText)![1]!;
    const bob = await newPage();
    const bobFingerprint = await enrol(bob, bobUrl, BOB_PASSPHRASE);

    // 7. Before the grant, the administrator sees bob's fingerprint to compare out of band.
    await alice.reload();
    await alice.getByRole('button', { name: 'Grant key to bob' }).click();
    await expect(alice.getByTestId('grant-fingerprint').textContent()).resolves.toBe(bobFingerprint);
    await alice.getByLabel('They read me the same fingerprint').check();
    await alice.getByRole('button', { name: 'Seal the intake keys to them' }).click();
    await alice.waitForLoadState('load');
    await alice.getByRole('row', { name: /bob/ }).getByRole('cell', { name: 'yes', exact: true }).waitFor();

    // 8. The second moderator reads only the de-identified draft and approves it.
    await logIn(bob, 'bob', BOB_PASSPHRASE);
    await bob.goto(`${t.origin}/mod/stories`);
    await bob.getByRole('link', { name: 'Three hundred answers a night' }).click();
    const body = (await bob.getByTestId('story-body').textContent())!;
    expect(body).toContain('[a team lead]');
    expect(body).not.toContain('Dana');
    await bob.getByRole('button', { name: 'Approve' }).click();
    await bob.getByText('Approved: the story waits for the next batch.').waitFor();
    await expect(bob.getByTestId('story-status').textContent()).resolves.toBe('approved, waiting for the next batch');
    const story = await t.database.db.selectFrom('stories').selectAll().executeTakeFirstOrThrow();
    expect(story.status).toBe('approved');

    // 9. The audit log verifies in the browser.
    await bob.goto(`${t.origin}/mod/audit`);
    await expect(
      bob
        .getByTestId('browser-verification')
        .getByText(/verified the chain: intact/)
        .waitFor(),
    ).resolves.toBeUndefined();

    // 10. Nothing readable was stored: no passphrase, no secret key in clear, no account text.
    const dump = await dumpAllTables(t.database.db);
    const sumo = await loadSodiumSumo();
    const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
    for (const [handle, passphrase] of [
      ['alice', ALICE_PASSPHRASE],
      ['bob', BOB_PASSPHRASE],
    ] as const) {
      const moderator = await t.database.db.selectFrom('moderators').selectAll().where('handle', '=', handle).executeTakeFirstOrThrow();
      const keys = deriveModeratorKeys(sumo, passphrase, moderator.salt!);
      expect(dump).not.toContain(passphrase);
      expect(dump).not.toContain(hex(keys.signKeyPair.privateKey.subarray(0, 32)));
      expect(dump).not.toContain(hex(keys.boxKeyPair.privateKey));
      const grant = await t.database.db.selectFrom('intake_key_grants').selectAll().where('moderator_id', '=', moderator.id).executeTakeFirstOrThrow();
      const intake = unwrapIntakeKeyPair(sumo, grant.wrapped_secret_key, keys.boxKeyPair);
      expect(dump).not.toContain(hex(intake.privateKey));
    }
    // The approved story holds the de-identified text; the account as given is nowhere.
    expect(dump).not.toContain(NARRATIVE);
    expect(dump).not.toContain('dana.w@example.com');
    expect(dump).not.toContain('Dana Whitfield');
    for (const context of contexts) await context.close();
  }, 180_000); // four Argon2id MODERATE derivations in Chromium: over a minute on a loaded 2-core machine
});
