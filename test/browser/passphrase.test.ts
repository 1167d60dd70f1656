// The passphrase rule in a real Chromium (issue 13, item 3): the enrolment page refuses weak
// passphrases with the estimator's reason, suggests a generated one that passes, and only that
// page carries the estimator.
import { readFileSync } from 'node:fs';
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

  it('loads the estimator on the enrolment page only', async () => {
    const manifest = JSON.parse(readFileSync(path.join(assetsDir, 'manifest.json'), 'utf8')) as Record<string, string>;
    const size = (name: string) => readFileSync(path.join(assetsDir, manifest[name]!.replace(/^\/assets\//, ''))).length;
    const login = await (await fetch(`${run.t.origin}/mod/login`)).text();
    expect(login).toContain(manifest['moderation/login.js']);
    expect(login).not.toContain(manifest['moderation/enrol.js']);
    // The dictionaries are most of the enrolment bundle; the other pages' bundles have none of them.
    for (const other of ['moderation/login.js', 'moderation/team.js', 'submit.js']) expect(size('moderation/enrol.js')).toBeGreaterThan(size(other) + 500_000);
  });
});
