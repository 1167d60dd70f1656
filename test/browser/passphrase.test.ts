// The passphrase rule in a real Chromium (issue 13, item 3): the enrolment page refuses weak
// passphrases with the estimator's reason, suggests a generated one that passes, works while the
// estimator's dictionaries are still on their way, and only that page fetches them.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { describe, expect, it } from 'vitest';
import { inviteModerator } from '../../server/moderation/team-service.js';
import { assetsDir } from '../../server/paths.js';
import { addVirtualAuthenticator, appAndChromium, chromiumAvailable } from '../support/browser.js';

describe.skipIf(!chromiumAvailable)('choosing a passphrase, in Chromium', () => {
  const run = appAndChromium();

  it('refuses weak passphrases, suggests eight words that pass, and enrols with them', async () => {
    const { token } = await inviteModerator(run.t.database.db, { handle: 'erin', role: 'moderator' }, 'operator');
    const page = await (await run.browser.newContext()).newPage();
    page.on('pageerror', (error) => console.error('page error:', error.message));
    await addVirtualAuthenticator(page);
    await page.goto(`${run.t.origin}/mod/enrol/${token}`);
    await page.getByText('Our server never sees your passphrase, so it cannot check it').waitFor();
    for (const weak of ['aaaaaaaaaaaaaaaa', 'correct horse battery staple', 'erin erin erin erin']) {
      await page.getByLabel('Passphrase', { exact: true }).fill(weak);
      await page.getByLabel('Passphrase again').fill(weak);
      await page.getByRole('button', { name: 'Create my keys' }).click();
      await page.locator('#enrol-status').getByText('Too easy to guess offline').waitFor();
    }
    const invited = await run.t.database.db.selectFrom('moderators').select(['status', 'salt']).where('handle', '=', 'erin').executeTakeFirstOrThrow();
    expect(invited).toEqual({ status: 'invited', salt: null });

    await page.getByRole('button', { name: 'Suggest a passphrase' }).click();
    await page.locator('#passphrase-strength').getByText('Strong enough.').waitFor();
    const suggested = (await page.locator('#suggested-passphrase').textContent())!.split(' ');
    expect(suggested).toHaveLength(8);
    expect(suggested.every((w) => wordlist.includes(w))).toBe(true);
    await page.getByRole('button', { name: 'Create my keys' }).click();
    await page.getByRole('heading', { name: 'Your keys are ready' }).waitFor({ timeout: 30_000 });
    expect((await run.t.database.db.selectFrom('moderators').select('status').where('handle', '=', 'erin').executeTakeFirstOrThrow()).status).toBe('active');
  });

  it('is usable before the estimator arrives: fields typeable, the suggestion shown; the verdict follows', async () => {
    const { token } = await inviteModerator(run.t.database.db, { handle: 'fay', role: 'moderator' }, 'operator');
    const page = await (await run.browser.newContext()).newPage();
    page.on('pageerror', (error) => console.error('page error:', error.message));
    // Hold the estimator's chunk until the form has been used.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let requested = false;
    await page.route(/\/assets\/chunks\/passphrase-estimator-[^/]*\.js$/, async (route) => {
      requested = true;
      await held;
      await route.continue();
    });
    await page.goto(`${run.t.origin}/mod/enrol/${token}`);
    await page.getByRole('button', { name: 'Suggest a passphrase' }).click();
    await expect.poll(() => page.locator('#suggested-passphrase').isVisible()).toBe(true);
    const suggested = (await page.locator('#suggested-passphrase').textContent())!;
    expect(suggested.split(' ')).toHaveLength(8);
    expect(await page.getByLabel('Passphrase', { exact: true }).inputValue()).toBe(suggested);
    await page.getByLabel('Passphrase again').fill('typed while the dictionaries load');
    expect(await page.getByLabel('Passphrase again').inputValue()).toBe('typed while the dictionaries load');
    expect(requested).toBe(true);
    expect(await page.locator('#passphrase-strength').textContent()).not.toContain('Strong enough.');
    release();
    await page.locator('#passphrase-strength').getByText('Strong enough.').waitFor();
  });

  it('fetches the estimator on the enrolment page only', async () => {
    const manifest = JSON.parse(readFileSync(path.join(assetsDir, 'manifest.json'), 'utf8')) as Record<string, string>;
    const estimatorChunk = readdirSync(path.join(assetsDir, 'chunks')).filter((f) => /^passphrase-estimator-.*\.js$/.test(f));
    expect(estimatorChunk).toHaveLength(1);
    const bytes = (file: string) => readFileSync(path.join(assetsDir, file)).toString('utf8');
    const entry = (name: string) => bytes(manifest[name]!.replace(/^\/assets\//, ''));
    // The dictionaries are in that chunk, which only the enrolment bundle names (a dynamic import).
    expect(bytes(`chunks/${estimatorChunk[0]}`).length).toBeGreaterThan(500_000);
    expect(entry('moderation/enrol.js')).toContain(estimatorChunk[0]);
    for (const other of ['moderation/login.js', 'moderation/team.js', 'submit.js']) expect(entry(other)).not.toContain('passphrase-estimator');
    const login = await (await fetch(`${run.t.origin}/mod/login`)).text();
    expect(login).toContain(manifest['moderation/login.js']);
    expect(login).not.toContain(manifest['moderation/enrol.js']);
  });
});
