// A passkey for the console's second origin (issue 25): each origin is a WebAuthn relying party of
// its own, so a moderator enrolled at the public origin cannot log in at the console's onion until
// a passkey is registered there. Two host names on loopback stand for the two origins (Chromium
// treats *.localhost as a secure context, as WebAuthn needs; a .onion is one in Tor Browser).
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inviteModerator } from '../../server/moderation/team-service.js';
import { freePort } from '../../scripts/free-port.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { addVirtualAuthenticator, chromiumAvailable, launchChromium, newWatchedPage } from '../support/browser.js';

const PASSPHRASE = 'correct horse battery staple offscript';

describe.skipIf(!chromiumAvailable)('a passkey for the second origin', () => {
  let t: TestApp;
  let browser: Browser;
  let clearnet: string;
  let onion: string;

  beforeAll(async () => {
    const port = await freePort();
    clearnet = `http://localhost:${port}`;
    onion = `http://console-onion.localhost:${port}`;
    t = await startTestApp({ PORT: String(port), PUBLIC_ORIGIN: clearnet, MODERATOR_ONION_ORIGIN: onion });
    await t.app.listen({ port, host: '127.0.0.1' });
    browser = await launchChromium(['--host-resolver-rules=MAP localhost 127.0.0.1, MAP console-onion.localhost 127.0.0.1']);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const newPage = () => newWatchedPage(browser);

  async function logIn(page: Page, origin: string, passphrase: string): Promise<string> {
    await page.goto(`${origin}/mod/login`);
    await page.getByLabel('Handle').fill('alice');
    await page.getByLabel('Passphrase').fill(passphrase);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForFunction(() => location.pathname !== '/mod/login' || /failed/i.test(document.getElementById('login-status')?.textContent ?? ''), undefined, { timeout: 60_000 });
    return new URL(page.url()).pathname === '/mod/login' ? ((await page.locator('#login-status').textContent()) ?? '') : new URL(page.url()).pathname;
  }

  it('is added from a session at the first through a one-time link, and then logs in there with the same keys', { timeout: 240_000 }, async () => {
    // Enrolled at the clearnet origin, keys bound to the passkey (PRF).
    const { token } = await inviteModerator(t.database.db, { handle: 'alice', role: 'administrator' }, 'operator');
    const clear = await newPage();
    await addVirtualAuthenticator(clear, { prf: true });
    await clear.goto(`${clearnet}/mod/enrol/${token}`);
    await clear.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
    await clear.getByLabel('Passphrase again').fill(PASSPHRASE);
    await clear.getByRole('button', { name: 'Create my keys' }).click();
    await clear.waitForURL(`${clearnet}/mod/passkeys`, { timeout: 90_000 });
    const alice = await t.database.db.selectFrom('moderators').selectAll().where('handle', '=', 'alice').executeTakeFirstOrThrow();

    // At the onion, in another browser (Tor Browser) with its own authenticator: no passkey answers yet.
    const tor = await newPage();
    await addVirtualAuthenticator(tor, { prf: true });
    expect(await logIn(tor, onion, PASSPHRASE)).toMatch(/Login failed/);

    // A link made at the clearnet origin, after a fresh assertion there.
    await clear.getByRole('button', { name: `Make a link to add a passkey at ${new URL(onion).host}` }).click();
    await clear.locator('#origin-link-panel').waitFor({ state: 'visible', timeout: 30_000 });
    const link = await clear.locator('#origin-link').inputValue();
    expect(link.startsWith(`${onion}/mod/passkeys/link/`)).toBe(true);
    expect(link).toMatch(/#seed=[A-Za-z0-9_-]+$/);
    const linkPath = new URL(link).pathname;
    // The server keeps a hash of the token, never the sealed seed (it never sees the fragment).
    const rows = await t.database.db.selectFrom('passkey_origin_links').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.rp_id).toBe('console-onion.localhost');
    // It is no link at the origin it was made at.
    expect((await clear.goto(`${clearnet}${linkPath}`))!.status()).toBe(404);

    // A wrong passphrase opens nothing and spends nothing.
    await tor.goto(link);
    await tor.getByLabel('Your passphrase').fill('wrong horse battery staple offscript');
    await tor.getByRole('button', { name: 'Add a passkey here' }).click();
    await tor.getByText('That passphrase does not open the keys in this link').waitFor({ timeout: 60_000 });
    // The right one: the passkey is registered at the onion, wrapping the same seed.
    await tor.getByLabel('Your passphrase').fill(PASSPHRASE);
    await tor.getByRole('button', { name: 'Add a passkey here' }).click();
    await tor.getByText('Passkey added').waitFor({ timeout: 60_000 });
    expect(new URL(tor.url()).hash).toBe('');
    const passkeys = await t.database.db.selectFrom('passkeys').select(['rp_id', 'binds_keys']).where('moderator_id', '=', alice.id).orderBy('created_on').execute();
    expect(passkeys.map((p) => p.rp_id).sort()).toEqual(['console-onion.localhost', 'localhost']);
    expect(passkeys.every((p) => p.binds_keys)).toBe(true);

    // Spent: the link opens nothing a second time.
    expect((await t.app.inject({ url: linkPath, headers: { host: new URL(onion).host } })).statusCode).toBe(404);

    // Logged in at the onion with the passphrase and the new passkey: the same keys as at the clearnet origin.
    expect(await logIn(tor, onion, PASSPHRASE)).toBe('/mod');
    const stored = await tor.evaluate(() => JSON.parse(sessionStorage.getItem('offscript.moderator.keys') ?? '{}') as { sign?: { publicKey: string } });
    expect(stored.sign?.publicKey).toBe(Buffer.from(alice.sign_public_key!).toString('base64'));
    // The link was audited as a real event, beside the passkey it added.
    const actions = (await t.database.db.selectFrom('audit_log').select('entry').execute()).map((row) => (JSON.parse(row.entry) as { action: string }).action);
    expect(actions).toContain('passkey.origin_link');
    expect(actions.filter((action) => action === 'passkey.added')).toHaveLength(2);
  });
});
