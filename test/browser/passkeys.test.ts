// Passkeys in Chromium (issue 19), with the DevTools protocol's virtual authenticators: enrolment
// with a passkey, login, a login without the passkey or with a wrong passphrase refused, a spare
// that works after the first is removed; with PRF the passphrase alone derives other keys, and
// without PRF the console says the keys rest on the passphrase alone.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSodiumSumo } from '../../common/protocol/sodium-sumo.js';
import { deriveModeratorKeys } from '../../common/protocol/moderator-keys.js';
import { inviteModerator } from '../../server/moderation/team-service.js';
import { startListeningTestApp, type ListeningTestApp } from '../support/app.js';
import { addVirtualAuthenticator, chromiumAvailable, launchChromium, newWatchedPage, type VirtualAuthenticator } from '../support/browser.js';

const PASSPHRASE = 'correct horse battery staple offscript';

describe.skipIf(!chromiumAvailable)('passkeys in Chromium', () => {
  let t: ListeningTestApp;
  let browser: Browser;

  beforeAll(async () => {
    t = await startListeningTestApp();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const newPage = () => newWatchedPage(browser);

  async function enrolThroughPage(page: Page, url: string, passphrase = PASSPHRASE): Promise<void> {
    await page.goto(url);
    await page.getByLabel('Passphrase', { exact: true }).fill(passphrase);
    await page.getByLabel('Passphrase again').fill(passphrase);
    await page.getByRole('button', { name: 'Create my keys' }).click();
  }

  /** Logs in through the page; resolves with where it ended: the console, or the status it said. */
  async function logIn(page: Page, handle: string, passphrase: string): Promise<string> {
    await page.context().clearCookies();
    await page.goto(`${t.origin}/mod/login`);
    await page.getByLabel('Handle').fill(handle);
    await page.getByLabel('Passphrase').fill(passphrase);
    await page.getByRole('button', { name: 'Log in' }).click();
    const status = page.locator('#login-status');
    await page.waitForFunction(() => location.pathname !== '/mod/login' || /failed|no PRF/i.test(document.getElementById('login-status')?.textContent ?? ''), undefined, {
      timeout: 60_000,
    });
    return new URL(page.url()).pathname === '/mod/login' ? ((await status.textContent()) ?? '') : new URL(page.url()).pathname;
  }

  const storedKeys = async (page: Page) => page.evaluate(() => JSON.parse(sessionStorage.getItem('offscript.moderator.keys') ?? '{}') as { sign?: { publicKey: string } });
  const moderatorRow = (handle: string) => t.database.db.selectFrom('moderators').selectAll().where('handle', '=', handle).executeTakeFirstOrThrow();
  const passkeyRows = (moderatorId: string) => t.database.db.selectFrom('passkeys').selectAll().where('moderator_id', '=', moderatorId).orderBy('created_on').execute();

  /** An authenticator that answers (presence confirmed at once) or stays silent, as if unplugged. */
  const presence = (authenticator: VirtualAuthenticator, enabled: boolean) =>
    authenticator.cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId: authenticator.authenticatorId, enabled });

  it('with PRF: enrol, log in; no passkey or a wrong passphrase fails; a spare works after the first is removed', async () => {
    const sumo = await loadSodiumSumo();
    const { token } = await inviteModerator(t.database.db, { handle: 'alice', role: 'administrator' }, 'operator');
    const page = await newPage();
    const first_ = await addVirtualAuthenticator(page, { prf: true });

    // Enrolment: the first administrator is told why to register a spare, before and after.
    await page.goto(`${t.origin}/mod/enrol/${token}`);
    await page.getByTestId('spare-advice').getByText('second passkey as a spare').waitFor();
    await enrolThroughPage(page, `${t.origin}/mod/enrol/${token}`);
    await page.waitForURL(`${t.origin}/mod/passkeys`, { timeout: 60_000 });
    await page.getByTestId('spare-advice').getByText('nobody can re-enrol you').waitFor();
    await page.getByRole('cell', { name: 'bound to it (PRF)' }).waitFor();
    expect(await page.getByTestId('keys-on-passphrase').count()).toBe(0);

    // With PRF, the passphrase alone (and the stored salt) derives keys other than the stored ones.
    const alice = await moderatorRow('alice');
    const passphraseOnly = deriveModeratorKeys(sumo, PASSPHRASE, alice.salt!);
    expect(Buffer.from(passphraseOnly.signKeyPair.publicKey).equals(Buffer.from(alice.sign_public_key!))).toBe(false);
    expect(Buffer.from(passphraseOnly.boxKeyPair.publicKey).equals(Buffer.from(alice.box_public_key!))).toBe(false);
    const [first] = await passkeyRows(alice.id);
    expect(first!.wrapped_seed).toHaveLength(32);

    // Log in: passphrase and passkey; the keys this tab holds are the stored ones.
    expect(await logIn(page, 'alice', PASSPHRASE)).toBe('/mod');
    expect((await storedKeys(page)).sign?.publicKey).toBe(Buffer.from(alice.sign_public_key!).toString('base64'));
    // Passkey, wrong passphrase: refused.
    expect(await logIn(page, 'alice', 'wrong horse battery staple offscript')).toMatch(/Login failed/);

    // Right passphrase, no passkey (another browser, whose authenticator holds no credential of alice's): refused.
    const stranger = await newPage();
    await addVirtualAuthenticator(stranger, { prf: true });
    const sessions = () => t.database.db.selectFrom('sessions').select('id_hash').where('moderator_id', '=', alice.id).execute();
    const before = (await sessions()).length;
    // It says so, rather than suggesting a typo.
    expect(await logIn(stranger, 'alice', PASSPHRASE)).toMatch(/Login failed: no passkey of yours answered in this browser/);
    expect(await sessions()).toHaveLength(before);

    // A spare on a second authenticator, added while logged in; the first stays silent meanwhile.
    // (Credentials cannot move between virtual authenticators with their PRF secret: both stay plugged in.)
    expect(await logIn(page, 'alice', PASSPHRASE)).toBe('/mod');
    const spareAuthenticator = await addVirtualAuthenticator(page, { prf: true, transport: 'usb' });
    // The first passkey confirms the change (a fresh assertion, issue 26); then the spare registers,
    // as a person touches one key and then the other: each ceremony starts after its options are fetched.
    await page.route('**/mod/api/assertions/options', async (route) => {
      await presence(spareAuthenticator, false);
      await presence(first_, true);
      await route.continue();
    });
    await page.route('**/mod/api/passkeys/options', async (route) => {
      await presence(first_, false);
      await presence(spareAuthenticator, true);
      await route.continue();
    });
    await page.goto(`${t.origin}/mod/passkeys`);
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.waitForFunction(() => document.querySelectorAll('tr[data-passkey-id]').length === 2, undefined, { timeout: 30_000 });
    await page.unrouteAll();
    await presence(first_, false);
    await presence(spareAuthenticator, true);
    const spare = (await passkeyRows(alice.id)).find((p) => p.id !== first!.id)!;
    expect(spare.wrapped_seed).toHaveLength(32);

    // Two passkeys registered the same day: their Remove buttons still have different names.
    const removeNames = await page.locator('button.remove-passkey').evaluateAll((buttons) => buttons.map((b) => b.textContent));
    expect(removeNames).toHaveLength(2);
    expect(new Set(removeNames).size).toBe(2);
    // Remove the first from the console, then log in with the spare alone.
    await page.locator(`tr[data-passkey-id="${first!.id}"]`).getByRole('button').click();
    await page.waitForFunction(() => document.querySelectorAll('tr[data-passkey-id]').length === 1, undefined, { timeout: 30_000 });
    expect((await passkeyRows(alice.id)).map((p) => p.id)).toEqual([spare.id]);
    expect(await logIn(page, 'alice', PASSPHRASE)).toBe('/mod');
    expect((await storedKeys(page)).sign?.publicKey).toBe(Buffer.from(alice.sign_public_key!).toString('base64'));
    // The removed passkey no longer logs in.
    await presence(spareAuthenticator, false);
    await presence(first_, true);
    expect(await logIn(page, 'alice', PASSPHRASE)).toMatch(/Login failed/);

    const actions = (await t.database.db.selectFrom('audit_log').select('entry').execute()).map((r) => JSON.parse(String(r.entry)) as { action: string });
    expect(actions.filter((a) => a.action === 'passkey.added')).toHaveLength(2);
    expect(actions.filter((a) => a.action === 'passkey.removed')).toHaveLength(1);
  }, 240_000);

  it('without PRF: the passkey is a login factor only, and the console says the keys rest on the passphrase alone', async () => {
    const sumo = await loadSodiumSumo();
    const { token } = await inviteModerator(t.database.db, { handle: 'bob', role: 'moderator' }, 'operator');
    const page = await newPage();
    await addVirtualAuthenticator(page, { prf: false });
    await enrolThroughPage(page, `${t.origin}/mod/enrol/${token}`, 'velvet lantern orbit meadow quartz');
    await page.getByRole('heading', { name: 'Your keys are ready' }).waitFor({ timeout: 60_000 });
    await page.getByText('your keys rest on your passphrase alone').waitFor();
    const bob = await moderatorRow('bob');
    const keys = deriveModeratorKeys(sumo, 'velvet lantern orbit meadow quartz', bob.salt!);
    expect(Buffer.from(keys.signKeyPair.publicKey).equals(Buffer.from(bob.sign_public_key!))).toBe(true);
    // One column shape for every passkey (issue 23): random bytes where nothing is wrapped.
    expect((await passkeyRows(bob.id))[0]!).toMatchObject({ binds_keys: false, wrapped_seed: expect.any(Uint8Array) });
    expect(await logIn(page, 'bob', 'velvet lantern orbit meadow quartz')).toBe('/mod');
    await page.getByTestId('keys-on-passphrase').waitFor();
  }, 120_000);
});
