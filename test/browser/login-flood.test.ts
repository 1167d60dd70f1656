// Issuing login challenges under a flood (issue 25): a stranger asking for challenges for a
// moderator's handle, over real HTTP from the one address every onion or proxied client shares,
// pays a proof of work that grows with the challenges outstanding; the moderator's browser solves
// the same puzzles on the login page and logs in while the flood runs. Nothing is refused, nothing
// audited, and the rows the flood leaves are bounded by the work it did.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBase64, toBase64 } from '../../common/protocol/encoding.js';
import { solveLoginPuzzle } from '../../common/protocol/login-work.js';
import { LOGIN_WORK_BASE_BITS } from '../../server/moderation/login-work.js';
import { startListeningTestApp, type ListeningTestApp } from '../support/app.js';
import { addVirtualAuthenticator, chromiumAvailable, launchChromium } from '../support/browser.js';
import { enrolViaApi, passkeysOf, s } from '../support/moderation.js';
import type { Browser } from 'playwright-core';

/** A client speaking HTTP to the app as a script would: a cookie jar and the CSRF token of /mod/login. */
async function httpClient(origin: string) {
  const page = await fetch(`${origin}/mod/login`);
  const cookie = page.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const csrf = /name="csrf-token" content="([^"]+)"/.exec(await page.text())![1]!;
  return async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${origin}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrf, origin, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as { error?: { code: string; details?: { puzzle: string; bits: number } } } };
  };
}

describe.skipIf(!chromiumAvailable)('a flood of login challenges', () => {
  let t: ListeningTestApp;
  let browser: Browser;
  beforeAll(async () => {
    // The default configuration: no per-client login limit to lean on, every client one address.
    t = await startListeningTestApp({ RATE_LIMIT_MAX: '' });
    browser = await launchChromium();
    await enrolViaApi(t.app, t.database.db, 'alice', 'administrator', { createIntakeKey: true, passphrase: 'alice lantern orbit meadow' });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('costs the flooder growing work, stores what that work bought, and the moderator logs in during it', { timeout: 180_000 }, async () => {
    const post = await httpClient(t.origin);
    const auditHead = (await t.database.db.selectFrom('audit_log').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirst())?.seq ?? 0;
    const statuses = new Map<number, number>();
    let issued = 0;
    let highestBits = 0;
    let flooding = true;
    let spent: { puzzle: string; nonce: string } | undefined;
    const flood = (async () => {
      let work: { puzzle: string; nonce: string } | undefined;
      while (flooding) {
        const answer = await post('/mod/api/login/challenge', { handle: 'alice', ...(work ? { work } : {}) });
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        if (answer.status === 200) {
          issued++;
          spent = work ?? spent;
          work = undefined;
        } else {
          expect(answer.json.error?.code).toBe('login_work_needed');
          const { puzzle, bits } = answer.json.error!.details!;
          highestBits = Math.max(highestBits, bits);
          // While work is asked, junk buys nothing: work already spent, or a forged nonce.
          if (spent) expect((await post('/mod/api/login/challenge', { handle: 'alice', work: spent })).status).toBe(429);
          expect((await post('/mod/api/login/challenge', { handle: 'alice', work: { puzzle, nonce: 'AAAAAAAAAAA=' } })).status).toBe(429);
          work = { puzzle, nonce: toBase64(s, solveLoginPuzzle(s, fromBase64(s, puzzle), bits)) };
        }
        // A forged CSRF token and a bad body cost a refusal before any database work.
        expect((await post('/mod/api/login/challenge', { handle: 'alice' }, { 'x-csrf-token': 'forged' })).status).toBe(403);
        expect((await post('/mod/api/login/challenge', { handle: '' })).status).toBe(400);
        // Let the server answer others between puzzles, as a flooder elsewhere would.
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();

    // Until the flood has made work necessary and raised it.
    const started = Date.now();
    while (highestBits < LOGIN_WORK_BASE_BITS + 3 && Date.now() - started < 60_000) await new Promise((resolve) => setTimeout(resolve, 200));
    expect(highestBits).toBeGreaterThanOrEqual(LOGIN_WORK_BASE_BITS + 3);

    // The moderator logs in through the login page while the flood runs.
    const page = await (await browser.newContext()).newPage();
    page.on('pageerror', (error) => console.error('page error:', error.message));
    await addVirtualAuthenticator(page, { prf: false, passkeys: passkeysOf('alice') });
    await page.goto(`${t.origin}/mod/login`);
    await page.getByLabel('Handle').fill('alice');
    await page.getByLabel('Passphrase').fill('alice lantern orbit meadow');
    const loginStarted = Date.now();
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(`${t.origin}/mod`, { timeout: 90_000 });
    const loginSeconds = (Date.now() - loginStarted) / 1000;
    flooding = false;
    await flood;

    console.info(`login during the flood: ${loginSeconds.toFixed(1)} s; flood: ${issued} challenges issued, work up to ${highestBits} bits`);
    // Nothing was refused but junk: challenges or puzzles, never a lock-out.
    expect([...statuses.keys()].sort()).toEqual([200, 429]);
    // What the flood stored is what its work bought, all of it gone within a minute.
    const rows = await t.database.db.selectFrom('login_challenges').select('expires_at').execute();
    expect(rows.length).toBeLessThanOrEqual(issued + 2);
    expect(rows.every((row) => new Date(row.expires_at).getTime() <= Date.now() + 60_000)).toBe(true);
    // The flood left no audit entry and counted no refused login; the moderator's login left one.
    const auditAfter = await t.database.db.selectFrom('audit_log').select('entry').where('seq', '>', auditHead).execute();
    expect(auditAfter.map((row) => (JSON.parse(row.entry) as { action: string }).action)).toEqual(['session.login']);
    expect(await t.database.db.selectFrom('refused_login_counts').selectAll().execute()).toEqual([]);
  });
});
