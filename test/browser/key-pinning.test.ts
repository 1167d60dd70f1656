// Fingerprint pinning in a real Chromium (issue 13, item 1): a rotation seals the new intake key
// only to keys the administrator's browser verified, and names the others; a key swapped in the
// database after verification receives nothing.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { loadSodiumSumo } from '../../common/protocol/sodium-sumo.js';
import { addVirtualAuthenticator, appAndChromium, chromiumAvailable, moderatorTab } from '../support/browser.js';
import { enrolViaApi, logInViaApi, passkeysOf } from '../support/moderation.js';

describe.skipIf(!chromiumAvailable)('rotation and grants seal only to verified keys, in Chromium', () => {
  const run = appAndChromium();

  const currentGrantees = async () => {
    const rows = await run.t.database.db
      .selectFrom('intake_key_grants')
      .innerJoin('intake_keys', 'intake_keys.id', 'intake_key_grants.intake_key_id')
      .innerJoin('moderators', 'moderators.id', 'intake_key_grants.moderator_id')
      .select('moderators.handle')
      .where('intake_keys.retired_on', 'is', null)
      .execute();
    return rows.map((r) => r.handle).sort();
  };

  async function rotate(page: Page): Promise<string> {
    await page.getByRole('button', { name: 'Rotate the intake key' }).click();
    await page.locator('#team-status').getByText('New intake key in use').waitFor({ timeout: 30_000 });
    return (await page.locator('#team-status').textContent())!;
  }

  it('seals to the administrator and to bob, whom she verified; names carol; after a swap of bob’s key, not bob', async () => {
    // Only keys bound to a PRF passkey may hold the intake key (issue 23).
    await enrolViaApi(run.t.app, run.t.database.db, 'alice', 'administrator', { createIntakeKey: true, passphrase: 'alice pinning orbit meadow lantern', prf: true });
    await enrolViaApi(run.t.app, run.t.database.db, 'bob', 'moderator', { passphrase: 'bob pinning orbit meadow lantern', prf: true });
    await enrolViaApi(run.t.app, run.t.database.db, 'carol', 'moderator', { passphrase: 'carol pinning orbit meadow lantern' });

    // A PRF secret cannot move into Chromium's virtual authenticator: alice logs in here and the tab
    // gets her session and keys; her passkey, copied into the browser, answers the fresh assertions.
    const alice = await logInViaApi(run.t.app, 'alice', 'alice pinning orbit meadow lantern', run.t.origin);
    const page = await moderatorTab(run.browser, alice, run.t.origin);
    const context = page.context();
    page.on('pageerror', (error) => console.error('page error:', error.message));
    page.on('dialog', (dialog) => void dialog.accept());
    await addVirtualAuthenticator(page, { passkeys: passkeysOf('alice') });

    // The team page says, from the browser's own check, whom it trusts.
    await page.goto(`${run.t.origin}/mod/team`);
    const verification = (handle: string) => page.getByRole('row', { name: new RegExp(`^${handle}\\b`) }).locator('.verification');
    await verification('alice').getByText('you').waitFor();
    await verification('bob').getByText('not verified').waitFor();

    // Granting bob is comparing his fingerprint: the browser signs that comparison.
    await page.getByRole('button', { name: 'Grant key to bob' }).click();
    await page.getByLabel('They read me the same fingerprint').check();
    await page.getByRole('button', { name: 'Seal the intake keys to them' }).click();
    await page.waitForLoadState('load');
    await verification('bob').getByText('verified by alice').waitFor();
    expect(await run.t.database.db.selectFrom('key_verifications').select('subject_id').execute()).toHaveLength(1);

    const first = await rotate(page);
    expect(first).toContain('Not sealed to carol');
    expect(await currentGrantees()).toEqual(['alice', 'bob']);

    // A tampering server swaps bob's box key for its own.
    const sodium = await loadSodiumSumo();
    await run.t.database.db.updateTable('moderators').set({ box_public_key: sodium.crypto_box_keypair().publicKey }).where('handle', '=', 'bob').execute();
    await page.reload();
    await verification('bob').getByText('not verified').waitFor();
    const second = await rotate(page);
    expect(second).toContain('Not sealed to bob, carol');
    expect(await currentGrantees()).toEqual(['alice']);
    await context.close();
  });
});
