// A passkey for the console's other origin (issue 25, server/moderation/origin-links.ts), on a real
// database: a one-time link needs a fresh assertion, names only another configured origin, keeps
// only its token's hash, opens at that origin alone, and registers one passkey there, once.
// The whole walk in Chromium, with keys carried in the fragment: test/browser/passkey-origins.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PasskeyOptionsView } from '../../common/moderation/access-view.js';
import { startTestApp, type TestApp, TEST_ORIGIN } from '../support/app.js';
import { dumpAllTables } from '../support/database.js';
import { call, enrolAdminAndModerator, freshAssertion, passkeysOf, registerPasskey, s, visit, type TestModerator } from '../support/moderation.js';

const ONION = 'http://uvdwcarytwoc76reigzw7c3g3vmdfddd2ydeqmjgausaf4et44cwfbqd.onion';
const onionHost = { host: new URL(ONION).host, origin: ONION };
let t: TestApp;
let mod: TestModerator;

beforeAll(async () => {
  t = await startTestApp({ ONION_ORIGIN: ONION });
  ({ mod } = await enrolAdminAndModerator(t.app, t.database.db, TEST_ORIGIN));
});
afterAll(async () => t?.close());

describe('a one-time link to add a passkey at another origin', () => {
  it('needs a fresh assertion and another configured origin; keeps only its token’s hash; works once, at that origin only', async () => {
    const ask = async (origin: string, assertion: unknown) => call(t.app, mod, 'POST', '/mod/api/passkeys/origin-links', { origin, assertion });
    // A session alone (an assertion on a challenge this session was never issued) makes no link.
    const invented = passkeysOf(mod.handle)[0]!.assert(Buffer.from(s.randombytes_buf(32)).toString('base64url'));
    expect((await ask(ONION, invented)).statusCode).toBe(403);
    expect((await ask('http://elsewhere.example', await freshAssertion(t.app, mod))).json()).toMatchObject({ error: { code: 'unknown_console_origin' } });
    expect((await ask(TEST_ORIGIN, await freshAssertion(t.app, mod))).statusCode).toBe(400);

    const made = await ask(ONION, await freshAssertion(t.app, mod));
    expect(made.statusCode).toBe(201);
    const { url, token } = made.json() as { url: string; token: string };
    expect(url).toBe(`${ONION}/mod/passkeys/link/${token}`);
    expect(await dumpAllTables(t.database.db)).not.toContain(token);
    const path = new URL(url).pathname;

    // Not a link at the origin it was made at; at the onion, the page names whose it is.
    expect((await t.app.inject({ url: path })).statusCode).toBe(404);
    const page = await t.app.inject({ url: path, headers: onionHost });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(mod.handle);

    const there = await visit(t.app);
    const options = await call(t.app, there, 'POST', '/mod/api/passkeys/link/options', { token }, onionHost);
    expect(options.statusCode).toBe(200);
    const { passkey: passkeyOptions } = options.json() as { passkey: PasskeyOptionsView };
    expect(passkeyOptions.options.rp.id).toBe(new URL(ONION).hostname);
    const { registration } = registerPasskey(t.app, passkeyOptions, undefined, ONION);
    const added = await call(t.app, there, 'POST', '/mod/api/passkeys/link', { token, ...registration }, onionHost);
    expect(added.statusCode).toBe(201);
    expect(added.json()).toMatchObject({ relyingParty: new URL(ONION).hostname });
    const rows = await t.database.db.selectFrom('passkeys').select('rp_id').where('moderator_id', '=', mod.id).execute();
    expect(rows.map((row) => row.rp_id).sort()).toEqual([new URL(ONION).hostname, new URL(TEST_ORIGIN).hostname].sort());

    // Spent.
    expect((await call(t.app, there, 'POST', '/mod/api/passkeys/link/options', { token }, onionHost)).statusCode).toBe(404);
    expect((await t.app.inject({ url: path, headers: onionHost })).statusCode).toBe(404);
    expect(await t.database.db.selectFrom('passkey_origin_links').selectAll().execute()).toEqual([]);
  });
});
