// Nothing silent (issue 26), in Chromium: a team change made while a moderator is away is shown at
// the top of the console when they next log in, with who made it and who approved it.
import { describe, expect, it } from 'vitest';
import { addVirtualAuthenticator, appAndChromium, chromiumAvailable } from '../support/browser.js';
import { call, enrolViaApi, freshAssertion, logInViaApi, passkeysOf } from '../support/moderation.js';

describe.skipIf(!chromiumAvailable)('team news at the next login, in Chromium', () => {
  const run = appAndChromium();

  it('shows an invitation ann proposed and bea approved to mo, who was away, with both names', async () => {
    const { app, db } = { app: run.t.app, db: run.t.database.db };
    await enrolViaApi(app, db, 'ann', 'administrator', { createIntakeKey: true, prf: true });
    await enrolViaApi(app, db, 'bea', 'administrator', { prf: true });
    await enrolViaApi(app, db, 'mo', 'moderator', { passphrase: 'mo news lantern orbit meadow' });
    // mo's last visit, before the change.
    await logInViaApi(app, 'mo', 'mo news lantern orbit meadow', run.t.origin);
    const ann = await logInViaApi(app, 'ann', 'ann lantern orbit meadow', run.t.origin);
    const bea = await logInViaApi(app, 'bea', 'bea lantern orbit meadow', run.t.origin);

    // While mo is away: ann proposes an invitation, bea approves it with her passkey.
    const proposed = await call(app, ann, 'POST', '/mod/api/team/invitations', { handle: 'zed', role: 'moderator' });
    expect(proposed.statusCode).toBe(202);
    const approved = await call(app, bea, 'POST', `/mod/api/team-changes/${proposed.json().proposal.id as string}/approve`, { assertion: await freshAssertion(app, bea) });
    expect(approved.statusCode).toBe(200);

    const context = await run.browser.newContext();
    const page = await context.newPage();
    page.on('pageerror', (error) => console.error('page error:', error.message));
    await addVirtualAuthenticator(page, { prf: false, passkeys: passkeysOf('mo') });
    await page.goto(`${run.t.origin}/mod/login`);
    await page.getByLabel('Handle').fill('mo');
    await page.getByLabel('Passphrase').fill('mo news lantern orbit meadow');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(`${run.t.origin}/mod`, { timeout: 30_000 });

    const news = page.getByTestId('team-news');
    await news.waitFor();
    const invited = news.getByTestId('team-news-item').filter({ hasText: 'Moderator invited' });
    await expect.poll(() => invited.textContent()).toMatch(/zed/);
    const text = (await invited.textContent())!;
    expect(text).toMatch(/made by ann/);
    expect(text).toMatch(/approved by bea/);
    // Shown once: the next login has nothing new.
    await context.close();
    const again = await logInViaApi(app, 'mo', 'mo news lantern orbit meadow', run.t.origin);
    expect((await call(app, again, 'GET', '/mod')).body).not.toContain('data-testid="team-news"');
  });
});
