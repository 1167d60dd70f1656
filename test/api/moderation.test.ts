// The moderation API against attacks and bad input, on a real database and HTTP stack.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { moderatorRoles } from '../../common/vocabulary.js';
import { fromBase64, toBase64 } from '../../common/protocol/encoding.js';
import { openAccount, sealMessage } from '../../common/protocol/envelope.js';
import { unwrapIntakeKeyPair, wrapIntakeSecretKey } from '../../common/protocol/moderator-keys.js';
import { generateIntakeKeyPair } from '../../common/protocol/intake-key.js';
import { inviteModerator, INVITATION_LIFETIME_MS } from '../../server/moderation/team-service.js';
import { startTestApp, type TestApp, TEST_ORIGIN as ORIGIN } from '../support/app.js';
import { sampleAccount, sealForTest } from '../support/intake.js';
import { SoftwarePasskey } from '../support/passkey.js';
import { call, enrolAdminAndModerator, enrolViaApi, freshAssertion, logInViaApi, s, signedLogin, visit, type TestModerator } from '../support/moderation.js';
import { loadSodiumSumo } from '../../common/protocol/sodium-sumo.js';
import { currentIntakeKey } from '../../server/intake/service.js';
import { BACKGROUND_REQUEST_HEADER } from '../../common/moderation/background-request.js';

let t: TestApp;
let admin: TestModerator;
let mod: TestModerator;

const FACETS = { platforms: ['outlier'], taskTypes: ['rating_responses'], conditions: { nda_signed: 'yes' }, consent: 'quote' };
const STORY = {
  title: 'Graded by a bot',
  body: 'We rated answers all night.',
  pullQuotes: ['All night.'],
  attributionLabel: 'hollywood_writer',
  identifierMarks: { unresolved: 0, dismissed: 0 },
};

async function submit(): Promise<string> {
  const key = (await currentIntakeKey(t.database.db))!;
  const sealed = await sealForTest(key);
  const response = await t.app.inject({ method: 'POST', url: '/api/v1/submissions', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(sealed.body) });
  expect(response.statusCode).toBe(201);
  const row = await t.database.db.selectFrom('submissions').select('id').where('reply_public_key', '=', fromBase64(s, sealed.body.replyPublicKey)).executeTakeFirstOrThrow();
  return row.id;
}

beforeAll(async () => {
  // This file tests the mechanics of grants and rotation; the PRF rule on holders is four-eyes.test.ts's.
  t = await startTestApp({ PUBLIC_ORIGIN: ORIGIN, ALLOW_KEYS_WITHOUT_PRF: '1' });
  ({ admin, mod } = await enrolAdminAndModerator(t.app, t.database.db, ORIGIN));
});
afterAll(async () => t?.close());

describe('without a session', () => {
  const pages = ['/mod', '/mod/team', '/mod/stories', '/mod/audit', '/mod/submissions/00000000-0000-4000-8000-000000000000', '/mod/stories/00000000-0000-4000-8000-000000000000'];
  const apis: [string, string][] = [
    ['GET', '/mod/api/keys'],
    ['GET', '/mod/api/submissions'],
    ['GET', '/mod/api/submissions/00000000-0000-4000-8000-000000000000'],
    ['POST', '/mod/api/submissions/00000000-0000-4000-8000-000000000000/accept'],
    ['POST', '/mod/api/submissions/00000000-0000-4000-8000-000000000000/reject'],
    ['POST', '/mod/api/submissions/00000000-0000-4000-8000-000000000000/question'],
    ['POST', '/mod/api/stories/00000000-0000-4000-8000-000000000000/approve'],
    ['POST', '/mod/api/stories/00000000-0000-4000-8000-000000000000/return'],
    ['GET', '/mod/api/team'],
    ['POST', '/mod/api/team/invitations'],
    ['POST', '/mod/api/intake-keys'],
    ['PUT', '/mod/api/watch-list'],
    ['GET', '/mod/api/watch-list'],
    ['GET', '/mod/api/audit'],
    ['POST', '/mod/api/logout'],
  ];

  it.each(pages)('page %s redirects to the login', async (url) => {
    const response = await t.app.inject({ url });
    expect(response.statusCode).toBe(302);
    expect(response.headers.location).toBe('/mod/login');
  });

  it.each(apis)('%s %s answers 401', async (method, url) => {
    const who = await visit(t.app);
    const response = await call(t.app, who, method as 'GET', url, method === 'GET' ? undefined : {});
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ error: { code: 'not_logged_in' } });
  });
});

describe('login', () => {
  it('gives unknown handles a stable decoy salt, indistinguishable in shape', async () => {
    const who = await visit(t.app);
    const first = (await call(t.app, who, 'POST', '/mod/api/login/challenge', { handle: 'nobody' })).json() as { salt: string; challenge: string };
    const again = (await call(t.app, who, 'POST', '/mod/api/login/challenge', { handle: 'nobody' })).json() as { salt: string; challenge: string };
    const real = (await call(t.app, who, 'POST', '/mod/api/login/challenge', { handle: 'admin' })).json() as { salt: string; challenge: string };
    expect(first.salt).toBe(again.salt);
    expect(first.challenge).not.toBe(again.challenge);
    expect(fromBase64(s, first.salt).length).toBe(fromBase64(s, real.salt).length);
  });

  it('refuses a wrong signature, a replayed and an expired challenge with one generic 401', async () => {
    const who = await visit(t.app);
    const login = async (body: object) => call(t.app, who, 'POST', '/mod/api/login', body);
    const good = await signedLogin(t.app, who, 'mod', 'mod lantern orbit meadow', ORIGIN);
    const wrong = await signedLogin(t.app, who, 'mod', 'not the passphrase at all', ORIGIN);
    const messages = new Set<string>();
    const expect401 = (response: Awaited<ReturnType<typeof login>>) => {
      expect(response.statusCode).toBe(401);
      messages.add(response.body);
    };
    expect401(await login({ handle: 'mod', challenge: wrong.challenge, signature: wrong.signature }));
    // Signed for another origin (a phishing relay).
    const relayed = await signedLogin(t.app, who, 'mod', 'mod lantern orbit meadow', 'https://evil.example');
    expect401(await login({ handle: 'mod', challenge: relayed.challenge, signature: relayed.signature }));
    expect((await login({ handle: 'mod', challenge: good.challenge, signature: good.signature })).statusCode).toBe(200);
    // The CSRF secret is renewed at login (issue 26): the token from before it is refused, the next page's is good.
    expect((await login({ handle: 'mod', challenge: good.challenge, signature: good.signature })).json().error.code).toBe('csrf_failed');
    who.csrf = (await visit(t.app, who.cookies)).csrf;
    expect401(await login({ handle: 'mod', challenge: good.challenge, signature: good.signature }));
    const late = await signedLogin(t.app, who, 'mod', 'mod lantern orbit meadow', ORIGIN);
    await t.database.db
      .updateTable('login_challenges')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .execute();
    expect401(await login({ handle: 'mod', challenge: late.challenge, signature: late.signature }));
    expect(messages.size).toBe(1);
  });

  it('refuses state changes without the CSRF token or with a wrong one (403)', async () => {
    const id = await submit();
    const missing = await call(t.app, { ...admin, csrf: '' }, 'POST', `/mod/api/submissions/${id}/reject`, { reason: 'x' });
    expect(missing.statusCode).toBe(403);
    const wrong = await call(t.app, { ...admin, csrf: admin.csrf.slice(0, -4) + 'AAAA' }, 'POST', `/mod/api/submissions/${id}/reject`, { reason: 'x' });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json()).toMatchObject({ error: { code: 'csrf_failed' } });
    const row = await t.database.db.selectFrom('submissions').select('status').where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.status).toBe('received');
  });

  it('sets a strict, HttpOnly session cookie and logout clears the session and the site data', async () => {
    const who = await visit(t.app);
    const { challenge, signature } = await signedLogin(t.app, who, 'mod', 'mod lantern orbit meadow', ORIGIN);
    const response = await call(t.app, who, 'POST', '/mod/api/login', { handle: 'mod', challenge, signature });
    const cookie = response.cookies.find((c) => c.name === 'offscript_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/mod' });
    const fresh = await visit(t.app, who.cookies);
    const logout = await call(t.app, fresh, 'POST', '/mod/api/logout', {});
    expect(logout.statusCode).toBe(200);
    expect(logout.headers['clear-site-data']).toBe('"cache", "cookies", "storage"');
    expect((await call(t.app, fresh, 'GET', '/mod/api/keys')).statusCode).toBe(401);
  });

  it('typing counts as activity (the keep-alive), a background poll does not', async () => {
    const moderator = await logInViaApi(t.app, 'mod', 'mod lantern orbit meadow', ORIGIN);
    const twentyMinutesAgo = new Date(Date.now() - 20 * 60_000);
    const lastSeen = async () =>
      new Date(
        (await t.database.db.selectFrom('sessions').select('last_seen_at').where('moderator_id', '=', moderator.id).orderBy('created_at', 'desc').executeTakeFirstOrThrow()).last_seen_at,
      ).getTime();
    await t.database.db.updateTable('sessions').set({ last_seen_at: twentyMinutesAgo }).where('moderator_id', '=', moderator.id).execute();
    expect((await call(t.app, moderator, 'GET', '/mod/api/submissions', undefined, { [BACKGROUND_REQUEST_HEADER]: '1' })).statusCode).toBe(200);
    expect(await lastSeen()).toBe(twentyMinutesAgo.getTime());
    const kept = await call(t.app, moderator, 'POST', '/mod/api/keep-alive', {});
    expect(kept.statusCode).toBe(200);
    expect(await lastSeen()).toBeGreaterThan(Date.now() - 60_000);
  });

  it('the Log out form posts form-encoded (no JavaScript): the session ends, and it clears the browser even once the session has ended', async () => {
    const moderator = await logInViaApi(t.app, 'mod', 'mod lantern orbit meadow', ORIGIN);
    const form = (who: { cookies: Record<string, string> }, csrf: string) =>
      t.app.inject({
        method: 'POST',
        url: '/mod/logout',
        cookies: who.cookies,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: `_csrf=${encodeURIComponent(csrf)}`,
      });
    expect((await form(moderator, 'not-the-token')).statusCode).toBe(403);
    expect((await call(t.app, moderator, 'GET', '/mod/api/keys')).statusCode).toBe(200);
    const answer = await form(moderator, moderator.csrf);
    expect(answer.statusCode).toBe(303);
    expect(answer.headers.location).toBe('/mod/login');
    expect(answer.headers['clear-site-data']).toBe('"cache", "cookies", "storage"');
    expect((await call(t.app, moderator, 'GET', '/mod/api/keys')).statusCode).toBe(401);
    const again = await form(moderator, moderator.csrf);
    expect(again.statusCode).toBe(303);
    expect(again.headers['clear-site-data']).toBe('"cache", "cookies", "storage"');
  });
});

describe('invitations', () => {
  it('refuse reuse and expiry with 410', async () => {
    const enrolled = await enrolViaApi(t.app, t.database.db, 'carol', 'moderator');
    const reuse = await call(t.app, await visit(t.app), 'POST', '/mod/api/enrol', {
      token: enrolled.token,
      salt: toBase64(s, new Uint8Array(16)),
      signPublicKey: toBase64(s, new Uint8Array(32)),
      boxPublicKey: toBase64(s, new Uint8Array(32)),
      passkey: { response: new SoftwarePasskey('127.0.0.1', ORIGIN).register({ challenge: 'AAAA' }) },
    });
    expect(reuse.statusCode).toBe(410);
    expect((await t.app.inject({ url: `/mod/enrol/${enrolled.token}` })).statusCode).toBe(410);
    const { token } = await inviteModerator(t.database.db, { handle: 'dave', role: 'moderator' }, 'operator', new Date(Date.now() - INVITATION_LIFETIME_MS - 1000));
    const expired = await t.app.inject({ url: `/mod/enrol/${token}` });
    expect(expired.statusCode).toBe(410);
    expect(expired.body).toContain('expired');
  });
});

describe('roles and the four-eyes rule', () => {
  it('a moderator may not use team actions (403)', async () => {
    for (const [method, url, body] of [
      ['GET', '/mod/api/team', undefined],
      ['POST', '/mod/api/team/invitations', { handle: 'eve', role: 'administrator' }],
      ['POST', `/mod/api/team/${admin.id}/disable`, {}],
      ['POST', '/mod/api/intake-keys', { publicKey: toBase64(s, new Uint8Array(32)), grants: [] }],
    ] as const) {
      const response = await call(t.app, mod, method, url, body);
      expect(response.statusCode, url).toBe(403);
    }
    expect((await t.app.inject({ url: '/mod/team', cookies: mod.cookies })).statusCode).toBe(403);
    // The invitation form offers the roles of the vocabulary, the least power first.
    const team = await t.app.inject({ url: '/mod/team', cookies: admin.cookies });
    expect(team.body).toContain(`<select id="invite-role">${moderatorRoles.terms.map((r) => `<option value="${r.key}">${r.label}</option>`).join('')}</select>`);
    expect(moderatorRoles.keys[0]).toBe('moderator');
  });

  it('refuses facets outside the vocabularies (400) and stories without consent to quote', async () => {
    const id = await submit();
    const bad = await call(t.app, admin, 'POST', `/mod/api/submissions/${id}/accept`, { facets: { ...FACETS, platforms: ['openai'] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain('platforms');
    const badCondition = await call(t.app, admin, 'POST', `/mod/api/submissions/${id}/accept`, { facets: { ...FACETS, conditions: { nda_signed: 'maybe' } } });
    expect(badCondition.statusCode).toBe(400);
    const noConsent = await call(t.app, admin, 'POST', `/mod/api/submissions/${id}/accept`, { facets: { ...FACETS, consent: 'stats' }, story: STORY });
    expect(noConsent.statusCode).toBe(400);
    const badLabel = await call(t.app, admin, 'POST', `/mod/api/submissions/${id}/accept`, { facets: FACETS, story: { ...STORY, attributionLabel: 'Dana' } });
    expect(badLabel.statusCode).toBe(400);
    expect(await t.database.db.selectFrom('pending_accounts').selectAll().execute()).toEqual([]);
  });

  it('a moderator cannot approve their own draft (409); another can; decided submissions stay decided', async () => {
    const id = await submit();
    const accepted = await call(t.app, admin, 'POST', `/mod/api/submissions/${id}/accept`, { facets: FACETS, story: STORY });
    expect(accepted.statusCode, accepted.body).toBe(200);
    const { storyId } = accepted.json() as { storyId: string };
    const own = await call(t.app, admin, 'POST', `/mod/api/stories/${storyId}/approve`, {});
    expect(own.statusCode).toBe(409);
    expect(own.json()).toMatchObject({ error: { code: 'own_draft' } });
    const other = await call(t.app, mod, 'POST', `/mod/api/stories/${storyId}/approve`, {});
    expect(other.statusCode, other.body).toBe(200);
    expect((await call(t.app, admin, 'POST', `/mod/api/submissions/${id}/reject`, { reason: 'late' })).statusCode).toBe(409);
  });

  it('a returned draft goes back to its author, who revises it', async () => {
    const id = await submit();
    const { storyId } = (await call(t.app, mod, 'POST', `/mod/api/submissions/${id}/accept`, { facets: FACETS, story: STORY })).json() as { storyId: string };
    expect((await call(t.app, admin, 'POST', `/mod/api/stories/${storyId}/return`, { note: 'Too specific about the rubric.' })).statusCode).toBe(200);
    expect((await call(t.app, admin, 'POST', `/mod/api/stories/${storyId}/revise`, STORY)).statusCode).toBe(403);
    expect((await call(t.app, mod, 'POST', `/mod/api/stories/${storyId}/revise`, { ...STORY, body: 'We rated answers.' })).statusCode).toBe(200);
    const story = await t.database.db.selectFrom('stories').selectAll().where('id', '=', storyId).executeTakeFirstOrThrow();
    expect(story).toMatchObject({ status: 'awaiting_second_review', body: 'We rated answers.' });
  });

  it('story text with markup renders inert in the console', async () => {
    const id = await submit();
    const payload = '<script>alert(1)</script>"><img src=x onerror=alert(2)>';
    const { storyId } = (
      await call(t.app, admin, 'POST', `/mod/api/submissions/${id}/accept`, {
        facets: FACETS,
        story: { ...STORY, title: payload, body: payload, pullQuotes: [payload] },
      })
    ).json() as { storyId: string };
    for (const url of [`/mod/stories/${storyId}`, '/mod/stories']) {
      const page = await t.app.inject({ url, cookies: mod.cookies });
      expect(page.statusCode).toBe(200);
      expect(page.body).not.toContain('<script>alert');
      expect(page.body).not.toContain('<img src=x');
      expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    }
  });

  it('a question is stored sealed and the submission needs info', async () => {
    const id = await submit();
    const view = (await call(t.app, admin, 'GET', `/mod/api/submissions/${id}`)).json() as { replyPublicKey: string; status: string };
    expect(view.status).toBe('received');
    const sealed = toBase64(s, sealMessage(s, 'Which platform?', fromBase64(s, view.replyPublicKey)));
    expect((await call(t.app, admin, 'POST', `/mod/api/submissions/${id}/question`, { ciphertext: sealed, intakeCiphertext: sealed })).statusCode).toBe(200);
    expect((await call(t.app, admin, 'POST', `/mod/api/submissions/${id}/question`, { ciphertext: toBase64(s, new Uint8Array(100)), intakeCiphertext: sealed })).statusCode).toBe(400);
    expect((await call(t.app, admin, 'POST', `/mod/api/submissions/${id}/question`, { ciphertext: sealed })).statusCode).toBe(400);
    const row = await t.database.db.selectFrom('submissions').select('status').where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.status).toBe('needs_info');
  });
});

describe('keys', () => {
  it('rotation: new submissions use the new key, old ones still open, a disabled moderator’s keys are gone', async () => {
    const sumo = await loadSodiumSumo();
    await enrolViaApi(t.app, t.database.db, 'frank', 'moderator');
    const frank = await logInViaApi(t.app, 'frank', 'frank lantern orbit meadow', ORIGIN);
    const ownKeys = async (who: TestModerator) =>
      ((await call(t.app, who, 'GET', '/mod/api/keys')).json() as { keys: { intakeKeyId: string; wrappedSecretKey: string; current: boolean }[] }).keys;
    // The administrator grants the intake key to frank, as their browser would.
    const adminKeys = await ownKeys(admin);
    const grants = adminKeys.map((k) => ({
      intakeKeyId: k.intakeKeyId,
      wrappedSecretKey: toBase64(
        s,
        wrapIntakeSecretKey(sumo, unwrapIntakeKeyPair(sumo, fromBase64(s, k.wrappedSecretKey), admin.keys.boxKeyPair).privateKey, frank.keys.boxKeyPair.publicKey),
      ),
    }));
    expect((await call(t.app, admin, 'POST', `/mod/api/team/${frank.id}/grants`, { grants, assertion: await freshAssertion(t.app, admin) })).statusCode).toBe(200);
    const oldSubmission = await submit();

    // A rotation must seal to the rotating administrator; mod has no grant of the old key, which is fine.
    const team = ((await call(t.app, admin, 'GET', '/mod/api/team')).json() as { members: { id: string; status: string; boxPublicKey: string | null }[] }).members;
    const fresh = generateIntakeKeyPair(s);
    const wrapFor = (m: { boxPublicKey: string | null }) => toBase64(s, wrapIntakeSecretKey(sumo, fresh.privateKey, fromBase64(s, m.boxPublicKey!)));
    const active = team.filter((m) => m.status === 'active');
    const incomplete = await call(t.app, admin, 'POST', '/mod/api/intake-keys', {
      publicKey: toBase64(s, fresh.publicKey),
      grants: active.slice(1).map((m) => ({ moderatorId: m.id, wrappedSecretKey: wrapFor(m) })),
    });
    expect(incomplete.statusCode).toBe(400);
    const rotated = await call(t.app, admin, 'POST', '/mod/api/intake-keys', {
      publicKey: toBase64(s, fresh.publicKey),
      grants: active.map((m) => ({ moderatorId: m.id, wrappedSecretKey: wrapFor(m) })),
    });
    expect(rotated.statusCode, rotated.body).toBe(201);
    const newId = (rotated.json() as { intakeKeyId: string }).intakeKeyId;

    const page = await t.app.inject({ url: '/submit' });
    expect(page.body).toContain(`data-intake-key-id="${newId}"`);
    const newSubmission = await submit();
    const frankRing = new Map((await ownKeys(frank)).map((k) => [k.intakeKeyId, unwrapIntakeKeyPair(sumo, fromBase64(s, k.wrappedSecretKey), frank.keys.boxKeyPair)]));
    for (const id of [oldSubmission, newSubmission]) {
      const view = (await call(t.app, frank, 'GET', `/mod/api/submissions/${id}`)).json() as { intakeKeyId: string; envelope: string };
      expect(openAccount(s, fromBase64(s, view.envelope), frankRing.get(view.intakeKeyId)!)).toEqual({ ...sampleAccount(), withdrawalTag: expect.any(String) });
    }
    expect((await call(t.app, frank, 'GET', `/mod/api/submissions/${newSubmission}`)).json().intakeKeyId).toBe(newId);

    // Disabling frank: session ends at once, wrapped keys are deleted.
    expect((await call(t.app, admin, 'POST', `/mod/api/team/${frank.id}/disable`, {})).statusCode).toBe(200);
    expect((await call(t.app, frank, 'GET', '/mod/api/keys')).statusCode).toBe(401);
    expect(await t.database.db.selectFrom('intake_key_grants').selectAll().where('moderator_id', '=', frank.id).execute()).toEqual([]);
    const login = await signedLogin(t.app, await visit(t.app), 'frank', 'frank lantern orbit meadow', ORIGIN);
    expect((await call(t.app, await visit(t.app), 'POST', '/mod/api/login', { handle: 'frank', challenge: login.challenge, signature: login.signature })).statusCode).toBe(401);
  });
});

describe('audit', () => {
  it('every action above is in a verifiable chain', async () => {
    const audit = (await call(t.app, admin, 'GET', '/mod/api/audit')).json() as { entries: { action: string }[]; verification: { ok: boolean } };
    expect(audit.verification.ok).toBe(true);
    const actions = new Set(audit.entries.map((e) => e.action));
    for (const action of [
      'moderator.invited',
      'moderator.enrolled',
      'intake_key.created',
      'session.login',
      'submission.accepted',
      'story.approved',
      'story.returned',
      'intake_key.granted',
      'intake_key.rotated',
      'moderator.disabled',
      'submission.question_asked',
    ]) {
      expect(actions, action).toContain(action);
    }
  });
});
