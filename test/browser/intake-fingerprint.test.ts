// Sources see the real key, in a real Chromium (issue 13, item 2): the pages show the fingerprint
// computed from the key they seal to, and refuse to seal when the database's key was swapped.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { keyFingerprint } from '../../common/protocol/fingerprint.js';
import { generateIntakeKeyPair } from '../../common/protocol/intake-key.js';
import { loadSodium } from '../../common/protocol/sodium.js';
import { appAndChromium, chromiumAvailable } from '../support/browser.js';
import { createIntakeKey, sealForTest, type TestIntakeKey } from '../support/intake.js';

describe.skipIf(!chromiumAvailable)('the intake key fingerprint, checked in Chromium', () => {
  const run = appAndChromium();
  let key: TestIntakeKey;
  beforeAll(async () => {
    key = await createIntakeKey(run.t.database.db);
  });

  async function open(path: string, javaScriptEnabled = true): Promise<Page> {
    const page = await (await run.browser.newContext({ javaScriptEnabled })).newPage();
    page.on('pageerror', (error) => console.error('page error:', error.message));
    await page.goto(run.t.origin + path);
    return page;
  }

  async function fillAndSend(page: Page) {
    await page.getByLabel('What happened, in your own words (required)').fill('An account that must not be sealed to a swapped key.');
    await page.getByLabel('De-identified quotes from my account may be published').check();
    await page.getByRole('button', { name: 'Seal and send my account' }).click();
  }

  const submissions = async () => (await run.t.database.db.selectFrom('submissions').select('id').execute()).length;

  it('shows the fingerprint the browser computed from the key it seals to, and says so', async () => {
    const page = await open('/submit');
    await page.getByText('as your browser computed it from the key it encrypts to').waitFor();
    expect(await page.getByTestId('intake-fingerprint').textContent()).toBe(keyFingerprint(await loadSodium(), key.publicKey));
    await fillAndSend(page);
    await page.getByRole('heading', { name: 'Your account is stored' }).waitFor();
  });

  it('without JavaScript, labels the server’s value as the server’s', async () => {
    const page = await open('/submit', false);
    await expect(page.getByText('as our server states it').count()).resolves.toBe(1);
    expect(await page.getByTestId('intake-fingerprint').textContent()).toBe(key.fingerprint);
  });

  it('refuses to seal, on /submit and /status, when only the public key was replaced in the database', async () => {
    const sodium = await loadSodium();
    const source = await sealForTest(key);
    expect((await fetch(`${run.t.origin}/api/v1/submissions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(source.body) })).status).toBe(201);
    // A tampering server swaps the key but leaves the stored fingerprint as it was.
    await run.t.database.db
      .updateTable('intake_keys')
      .set({ public_key: generateIntakeKeyPair(sodium).publicKey })
      .where('id', '=', key.id)
      .execute();
    const before = await submissions();

    const submit = await open('/submit');
    await submit.getByText('does not match the fingerprint it announces').first().waitFor();
    await fillAndSend(submit);
    await submit.getByText(/Not sent: The key this page would encrypt to does not match/).waitFor();
    expect(await submissions()).toBe(before);

    const status = await open('/status');
    await status.getByLabel('Your twelve words').fill(source.words.join(' '));
    await status.getByRole('button', { name: 'Show my account' }).click();
    await status.getByLabel('Your message').fill('This must not be sealed to the swapped key.');
    await status.getByRole('button', { name: 'Seal and send my message' }).click();
    await status
      .locator('#status-error')
      .getByText(/does not match the fingerprint it announces/)
      .waitFor();
    expect(await run.t.database.db.selectFrom('messages').select('id').execute()).toEqual([]);
  });
});
