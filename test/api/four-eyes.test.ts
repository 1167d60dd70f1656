// No single person (issue 26, docs/team-changes.md), driven through the API with software passkeys:
// an administrator alone cannot pass four eyes through an account they invited; with two
// administrators a team change waits for the other's approval; a stolen session cookie cannot
// change passkeys or approve; UV=false is refused; the intake key goes only to PRF-bound keys
// (issue 23); every release publishes the audit head, and audit:verify checks the log against it.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBase64, toBase64 } from '../../common/protocol/encoding.js';
import { loadSodiumSumo } from '../../common/protocol/sodium-sumo.js';
import { generateIntakeKeyPair } from '../../common/protocol/intake-key.js';
import { unwrapIntakeKeyPair, wrapIntakeSecretKey } from '../../common/protocol/moderator-keys.js';
import type { PasskeyOptionsView } from '../../common/moderation/access-view.js';
import { runCommand } from '../../server/control/commands.js';
import { inviteModerator } from '../../server/moderation/team-service.js';
import { signVerification } from '../../common/protocol/key-verification.js';
import { releaseDueBatch } from '../../server/publishing/release.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { call, enrolViaApi, freshAssertion, logInViaApi, passkeysOf, registerPasskey, s, signedLogin, visit, type TestModerator } from '../support/moderation.js';
import { draftStory } from '../support/publishing.js';

const ORIGIN = 'http://127.0.0.1:3000';
let t: TestApp;
let ann: TestModerator; // the first administrator, PRF-bound
let mo: TestModerator; // a moderator the operator invited, keys on the passphrase (no PRF)

const sumo = await loadSodiumSumo();

beforeAll(async () => {
  t = await startTestApp({ BATCH_MIN: '1', BATCH_DELAY_DAYS: '0' });
  await enrolViaApi(t.app, t.database.db, 'ann', 'administrator', { createIntakeKey: true, prf: true });
  ann = await logInViaApi(t.app, 'ann', 'ann lantern orbit meadow', ORIGIN);
  await enrolViaApi(t.app, t.database.db, 'mo', 'moderator');
  mo = await logInViaApi(t.app, 'mo', 'mo lantern orbit meadow', ORIGIN);
});
afterAll(() => t?.close());

const db = () => t.database.db;
const auditCount = async () => (await db().selectFrom('audit_log').select('seq').execute()).length;
const storyStatus = async (id: string) => (await db().selectFrom('stories').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
const moderatorRow = (handle: string) => db().selectFrom('moderators').selectAll().where('handle', '=', handle).executeTakeFirstOrThrow();
const story = { title: 'Rated answers for a month', body: 'We rated chatbot answers for weeks and the pay stopped without notice.' };

/** Intake keys ann holds, sealed to another moderator's box key, as ann's browser would. */
async function grantsFromAnn(to: TestModerator) {
  const keys = (await call(t.app, ann, 'GET', '/mod/api/keys')).json() as { keys: { intakeKeyId: string; wrappedSecretKey: string }[] };
  return keys.keys.map((k) => ({
    intakeKeyId: k.intakeKeyId,
    wrappedSecretKey: toBase64(s, wrapIntakeSecretKey(sumo, unwrapIntakeKeyPair(sumo, fromBase64(s, k.wrappedSecretKey), ann.keys.boxKeyPair).privateKey, to.keys.boxKeyPair.publicKey)),
  }));
}

/** An administrator invites through the API (alone: at once) and the invitee enrols from the link and logs in. */
async function invitedBy(admin: TestModerator, handle: string, role: 'moderator' | 'administrator', prf = false): Promise<TestModerator> {
  const invited = await call(t.app, admin, 'POST', '/mod/api/team/invitations', { handle, role });
  expect(invited.statusCode).toBe(201);
  await enrolViaApi(t.app, db(), handle, role, { prf, invitationUrl: invited.json().url as string });
  return logInViaApi(t.app, handle, `${handle} lantern orbit meadow`, ORIGIN);
}

describe('with one administrator', () => {
  it('an account the administrator invited cannot approve their draft until the waiting period has passed', async () => {
    const pal = await invitedBy(ann, 'pal', 'moderator');
    expect((await moderatorRow('pal')).invited_by).toBe(ann.id);
    const draft = await draftStory(t.app, db(), ann, story);
    const refused = await call(t.app, pal, 'POST', `/mod/api/stories/${draft}/approve`, {});
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('invited_by_author');
    expect(refused.json().error.message).toMatch(/second administrator/);
    expect(await storyStatus(draft)).toBe('awaiting_second_review');
    // A moderator the operator invited is a second pair of eyes at once.
    const other = await draftStory(t.app, db(), ann, story);
    expect((await call(t.app, mo, 'POST', `/mod/api/stories/${other}/approve`, {})).statusCode).toBe(200);
    // Once INVITED_REVIEWER_WAIT_DAYS (14) have passed since the invitation, pal may review.
    await db()
      .updateTable('moderators')
      .set({ invited_on: new Date(Date.now() - 15 * 86_400_000).toISOString().slice(0, 10) })
      .where('handle', '=', 'pal')
      .execute();
    expect((await call(t.app, pal, 'POST', `/mod/api/stories/${draft}/approve`, {})).statusCode).toBe(200);
    // The invitation was announced with nobody approving it: the team news says so.
    const invited = (await db().selectFrom('audit_log').select('entry').execute()).map((r) => JSON.parse(r.entry) as { action: string; details?: Record<string, unknown> });
    expect(invited.find((e) => e.action === 'moderator.invited' && e.details?.handle === 'pal')?.details).not.toHaveProperty('approvedBy');
  });

  it('UV=false assertions are refused at login, for a fresh assertion and at registration', async () => {
    const passkey = passkeysOf('mo')[0]!;
    passkey.userVerified = false;
    try {
      const who = await visit(t.app);
      const signed = await signedLogin(t.app, who, 'mo', mo.passphrase, ORIGIN, passkey);
      expect(signed.passkeyStatus).toBe(401);
      expect((await call(t.app, who, 'POST', '/mod/api/login', { handle: 'mo', challenge: signed.challenge, signature: signed.signature })).statusCode).toBe(401);
      const options = (await call(t.app, mo, 'POST', '/mod/api/passkeys/options', {})).json() as PasskeyOptionsView;
      expect(options.options.authenticatorSelection?.userVerification).toBe('required');
      const before = (await db().selectFrom('passkeys').select('id').where('moderator_id', '=', mo.id).execute()).length;
      const refused = await call(t.app, mo, 'POST', '/mod/api/passkeys', { ...registerPasskeyWithoutUv(options), assertion: await freshAssertion(t.app, mo, passkey) });
      expect(refused.statusCode).toBe(403);
      expect(refused.json().error.code).toBe('fresh_assertion_refused');
      expect((await db().selectFrom('passkeys').select('id').where('moderator_id', '=', mo.id).execute()).length).toBe(before);
    } finally {
      passkey.userVerified = true;
    }
    // With UV, a registration by a presence-only authenticator is refused as well.
    const options = (await call(t.app, mo, 'POST', '/mod/api/passkeys/options', {})).json() as PasskeyOptionsView;
    const refusedRegistration = await call(t.app, mo, 'POST', '/mod/api/passkeys', { ...registerPasskeyWithoutUv(options), assertion: await freshAssertion(t.app, mo) });
    expect(refusedRegistration.statusCode).toBe(400);
    expect(refusedRegistration.json().error.code).toBe('passkey_refused');
  });

  it('the intake key goes to no moderator whose keys no PRF passkey binds: grant and rotation refused (409), nothing stored', async () => {
    const grant = await call(t.app, ann, 'POST', `/mod/api/team/${mo.id}/grants`, { grants: await grantsFromAnn(mo), assertion: await freshAssertion(t.app, ann) });
    expect(grant.statusCode).toBe(409);
    expect(grant.json().error).toMatchObject({ code: 'keys_not_prf_bound', details: { handles: ['mo'] } });
    expect(grant.json().error.message).toMatch(/PRF/);
    expect(await db().selectFrom('intake_key_grants').select('moderator_id').where('moderator_id', '=', mo.id).execute()).toEqual([]);
    const fresh = generateIntakeKeyPair(s);
    const sealTo = (m: TestModerator) => ({ moderatorId: m.id, wrappedSecretKey: toBase64(s, wrapIntakeSecretKey(sumo, fresh.privateKey, m.keys.boxKeyPair.publicKey)) });
    const keysBefore = (await db().selectFrom('intake_keys').select('id').execute()).length;
    const rotation = await call(t.app, ann, 'POST', '/mod/api/intake-keys', { publicKey: toBase64(s, fresh.publicKey), grants: [sealTo(ann), sealTo(mo)] });
    expect(rotation.statusCode).toBe(409);
    expect(rotation.json().error.code).toBe('keys_not_prf_bound');
    expect((await db().selectFrom('intake_keys').select('id').execute()).length).toBe(keysBefore);
    // Sealed to ann alone, the rotation goes through; mo is told at his next login that he was left out.
    expect((await call(t.app, ann, 'POST', '/mod/api/intake-keys', { publicKey: toBase64(s, fresh.publicKey), grants: [sealTo(ann)] })).statusCode).toBe(201);
    mo = await logInViaApi(t.app, 'mo', 'mo lantern orbit meadow', ORIGIN);
    const console_ = (await call(t.app, mo, 'GET', '/mod')).body;
    expect(console_).toMatch(/Intake key rotated[^]*made by <strong>ann<\/strong>, approved by <strong>nobody: the only administrator made it alone<\/strong>[^]*data-testid="left-out"/);
    // An administrator without the intake key is told who holds it, not a schema error (issue 28).
    const nothing = await call(t.app, ann, 'POST', `/mod/api/team/${mo.id}/grants`, { grants: [] });
    expect(nothing.statusCode).toBe(409);
    expect(nothing.json().error.message).toContain('ann');
    // One column shape for every passkey: the dump does not single out mo by a null.
    const shapes = await db().selectFrom('passkeys').select(['moderator_id', 'wrapped_seed', 'binds_keys']).where('moderator_id', 'in', [ann.id, mo.id]).execute();
    expect(shapes.map((p) => p.wrapped_seed.length)).toEqual(shapes.map(() => 32));
    expect(shapes.find((p) => p.moderator_id === mo.id)!.binds_keys).toBe(false);
    // The team page shows each moderator's binding.
    const team = (await call(t.app, ann, 'GET', '/mod/api/team')).json() as { members: { handle: string; keysBoundToPasskey: boolean }[] };
    expect(Object.fromEntries(team.members.map((m) => [m.handle, m.keysBoundToPasskey]))).toMatchObject({ ann: true, mo: false });
  });

  it('a stolen session cookie cannot add or remove a passkey, nor grant, without a fresh assertion', async () => {
    const thief = { cookies: { ...mo.cookies }, csrf: mo.csrf, handle: 'mo' };
    const passkeysBefore = await db().selectFrom('passkeys').select('id').where('moderator_id', '=', mo.id).execute();
    const options = (await call(t.app, thief, 'POST', '/mod/api/passkeys/options', {})).json() as PasskeyOptionsView;
    const added = await call(t.app, thief, 'POST', '/mod/api/passkeys', registerPasskey(t.app, options).registration);
    expect(added.statusCode).toBe(403);
    expect(added.json().error.code).toBe('fresh_assertion_required');
    const removed = await call(t.app, thief, 'POST', `/mod/api/passkeys/${passkeysBefore[0]!.id}/remove`, {});
    expect(removed.statusCode).toBe(403);
    // An assertion of another session's challenge (here ann's, by her passkey) does not count for this session.
    const elsewhere = await freshAssertion(t.app, ann);
    expect((await call(t.app, thief, 'POST', `/mod/api/passkeys/${passkeysBefore[0]!.id}/remove`, { assertion: elsewhere })).json().error.code).toBe('fresh_assertion_refused');
    // One assertion, one change: a replay is refused.
    const once = await freshAssertion(t.app, mo);
    const spare = registerPasskey(t.app, (await call(t.app, mo, 'POST', '/mod/api/passkeys/options', {})).json() as PasskeyOptionsView);
    expect((await call(t.app, mo, 'POST', '/mod/api/passkeys', { ...spare.registration, assertion: once })).statusCode).toBe(201);
    const again = registerPasskey(t.app, (await call(t.app, mo, 'POST', '/mod/api/passkeys/options', {})).json() as PasskeyOptionsView);
    expect((await call(t.app, mo, 'POST', '/mod/api/passkeys', { ...again.registration, assertion: once })).json().error.code).toBe('fresh_assertion_refused');
    expect(await db().selectFrom('passkeys').select('id').where('moderator_id', '=', mo.id).execute()).toHaveLength(passkeysBefore.length + 1);
    // An administrator's stolen cookie grants nothing.
    const adminThief = { cookies: { ...ann.cookies }, csrf: ann.csrf };
    const pal = await logInViaApi(t.app, 'pal', 'pal lantern orbit meadow', ORIGIN);
    expect((await call(t.app, adminThief, 'POST', `/mod/api/team/${pal.id}/grants`, { grants: await grantsFromAnn(pal) })).json().error.code).toBe('fresh_assertion_required');
  });
});

/** Without UV: the software authenticator registers with the UV flag off. */
function registerPasskeyWithoutUv(options: PasskeyOptionsView) {
  const made = registerPasskey(t.app, options);
  made.passkey.userVerified = false;
  return { response: made.passkey.register(options.options) };
}

describe('with two administrators', () => {
  let bea: TestModerator;
  beforeAll(async () => {
    bea = await invitedBy(ann, 'bea', 'administrator', true);
  });

  it('an administrator without the intake key is offered no grant and told who holds it (issue 28)', async () => {
    const page = (await call(t.app, bea, 'GET', '/mod/team')).body;
    expect(page).toMatch(/data-testid="no-intake-key"[^]*Ask one who does: <strong>ann<\/strong>/);
    expect(page).not.toContain('Grant key to');
    expect((await call(t.app, ann, 'GET', '/mod/team')).body).not.toContain('data-testid="no-intake-key"');
  });

  it('a re-enrolment is a proposal: the inviting administrator cannot take over a handle without the second', async () => {
    const passkeysBefore = await db().selectFrom('passkeys').select('id').where('moderator_id', '=', mo.id).execute();
    const proposed = await call(t.app, ann, 'POST', `/mod/api/team/${mo.id}/reenrol`, {});
    expect(proposed.statusCode).toBe(202);
    const { id } = proposed.json().proposal as { id: string };
    // Nothing happened to mo: still active, same passkeys, session alive, no invitation anyone could use.
    expect((await moderatorRow('mo')).status).toBe('active');
    expect(await db().selectFrom('passkeys').select('id').where('moderator_id', '=', mo.id).execute()).toEqual(passkeysBefore);
    expect((await call(t.app, mo, 'GET', '/mod/api/passkeys')).statusCode).toBe(200);
    expect(await db().selectFrom('invitations').select('id').where('moderator_id', '=', mo.id).where('used_on', 'is', null).execute()).toEqual([]);
    // The proposer cannot approve it; the second administrator needs a fresh assertion.
    expect((await call(t.app, ann, 'POST', `/mod/api/team-changes/${id}/approve`, { assertion: await freshAssertion(t.app, ann) })).json().error.code).toBe('own_proposal');
    expect((await call(t.app, bea, 'POST', `/mod/api/team-changes/${id}/approve`, {})).json().error.code).toBe('fresh_assertion_required');
    expect((await call(t.app, mo, 'POST', `/mod/api/team-changes/${id}/approve`, {})).statusCode).toBe(403);
    expect((await moderatorRow('mo')).status).toBe('active');
    const approved = await call(t.app, bea, 'POST', `/mod/api/team-changes/${id}/approve`, { assertion: await freshAssertion(t.app, bea) });
    expect(approved.statusCode).toBe(200);
    expect(approved.json()).toMatchObject({ kind: 'reenrol', url: expect.stringContaining('/mod/enrol/') });
    expect(await moderatorRow('mo')).toMatchObject({ status: 'invited', invited_by: ann.id, invitation_confirmed_by: bea.id });
    expect((await call(t.app, bea, 'POST', `/mod/api/team-changes/${id}/approve`, { assertion: await freshAssertion(t.app, bea) })).json().error.code).toBe('not_proposed');
  });

  it('an invitation waits for the second administrator; an account invited alone is confirmed by the other, not the inviter', async () => {
    const proposed = await call(t.app, ann, 'POST', '/mod/api/team/invitations', { handle: 'quinn', role: 'moderator' });
    expect(proposed.statusCode).toBe(202);
    expect((await call(t.app, bea, 'GET', '/mod/api/team-changes')).json().changes).toEqual([
      expect.objectContaining({ kind: 'invite', proposedBy: 'ann', summary: 'Invite quinn (Moderator)' }),
    ]);
    const approved = await call(t.app, bea, 'POST', `/mod/api/team-changes/${proposed.json().proposal.id}/approve`, { assertion: await freshAssertion(t.app, bea) });
    await enrolViaApi(t.app, db(), 'quinn', 'moderator', { invitationUrl: approved.json().url as string });
    const quinn = await logInViaApi(t.app, 'quinn', 'quinn lantern orbit meadow', ORIGIN);
    // Approved by bea, so quinn is a second pair of eyes on ann's drafts at once.
    const draft = await draftStory(t.app, db(), ann, story);
    expect((await call(t.app, quinn, 'POST', `/mod/api/stories/${draft}/approve`, {})).statusCode).toBe(200);

    // pal, invited by ann alone (above), is back inside the waiting period: bea confirms, ann may not.
    await db()
      .updateTable('moderators')
      .set({ invited_on: new Date().toISOString().slice(0, 10) })
      .where('handle', '=', 'pal')
      .execute();
    const pal = await logInViaApi(t.app, 'pal', 'pal lantern orbit meadow', ORIGIN);
    const second = await draftStory(t.app, db(), ann, story);
    expect((await call(t.app, pal, 'POST', `/mod/api/stories/${second}/approve`, {})).json().error.code).toBe('invited_by_author');
    expect((await call(t.app, ann, 'POST', `/mod/api/team/${pal.id}/confirm`, { assertion: await freshAssertion(t.app, ann) })).json().error.code).toBe('own_invitation');
    expect((await call(t.app, bea, 'POST', `/mod/api/team/${pal.id}/confirm`, {})).json().error.code).toBe('fresh_assertion_required');
    expect((await call(t.app, bea, 'POST', `/mod/api/team/${pal.id}/confirm`, { assertion: await freshAssertion(t.app, bea) })).statusCode).toBe(200);
    expect((await call(t.app, pal, 'POST', `/mod/api/stories/${second}/approve`, {})).statusCode).toBe(200);
  });

  it('bad input to every new route is a clear 4xx and changes nothing', async () => {
    const proposed = await call(t.app, ann, 'POST', `/mod/api/team/${(await moderatorRow('pal')).id}/role`, { role: 'administrator', assertion: await freshAssertion(t.app, ann) });
    expect(proposed.statusCode).toBe(202);
    const id = proposed.json().proposal.id as string;
    const before = { audit: await auditCount(), changes: await db().selectFrom('team_changes').selectAll().orderBy('id').execute(), pal: await moderatorRow('pal') };
    const unknown = '00000000-0000-4000-8000-000000000000';
    const cases: [TestModerator, string, unknown, number, string][] = [
      [bea, '/mod/api/team-changes/not-a-uuid/approve', {}, 400, 'invalid_request'],
      [bea, `/mod/api/team-changes/${id}/approve`, { assertion: 'not an assertion' }, 400, 'invalid_request'],
      [bea, `/mod/api/team-changes/${id}/approve`, { extra: true }, 400, 'invalid_request'],
      [bea, `/mod/api/team-changes/${unknown}/refuse`, {}, 404, 'unknown_team_change'],
      [bea, `/mod/api/team-changes/${id}/withdraw`, {}, 403, 'not_proposer'],
      [ann, `/mod/api/team-changes/${id}/refuse`, {}, 409, 'own_proposal'],
      [mo, `/mod/api/team-changes/${id}/refuse`, {}, 401, 'not_logged_in'],
      [bea, `/mod/api/team/${unknown}/role`, { role: 'king' }, 400, 'invalid_request'],
      [bea, `/mod/api/team/${id}/confirm`, { assertion: { id: 'x' } }, 400, 'invalid_request'],
      [bea, '/mod/api/assertions/options', { challenge: 'mine' }, 400, 'invalid_request'],
    ];
    for (const [who, url, body, status, code] of cases) {
      const response = await call(t.app, who, 'POST', url, body);
      expect([url, response.statusCode, response.json().error.code]).toEqual([url, status, code]);
      expect(response.json().error.message.length).toBeGreaterThan(10);
    }
    // A change that could not apply is refused when proposed, not stored for approval.
    expect((await call(t.app, ann, 'POST', '/mod/api/team/invitations', { handle: 'bea', role: 'moderator' })).json().error.code).toBe('handle_taken');
    expect((await call(t.app, ann, 'POST', `/mod/api/team/${unknown}/disable`, {})).json().error.code).toBe('unknown_moderator');
    expect((await call(t.app, ann, 'POST', `/mod/api/team/${(await moderatorRow('mo')).id}/disable`, {})).json().error.code).toBe('moderator_not_active');
    expect((await call(t.app, bea, 'POST', `/mod/api/team-changes/${unknown}/approve`, { assertion: await freshAssertion(t.app, bea) })).statusCode).toBe(404);
    expect((await call(t.app, bea, 'POST', `/mod/api/team/${unknown}/confirm`, { assertion: await freshAssertion(t.app, bea) })).statusCode).toBe(404);
    expect(await auditCount()).toBe(before.audit);
    expect(await db().selectFrom('team_changes').selectAll().orderBy('id').execute()).toEqual(before.changes);
    expect(await moderatorRow('pal')).toEqual(before.pal);
    // The proposer may withdraw it.
    expect((await call(t.app, ann, 'POST', `/mod/api/team-changes/${id}/withdraw`, {})).statusCode).toBe(200);
    expect((await moderatorRow('pal')).role).toBe('moderator');
  });

  it('each team change since the last login is shown at the next, with who made and who approved it', async () => {
    const page = (await call(t.app, await logInViaApi(t.app, 'pal', 'pal lantern orbit meadow', ORIGIN), 'GET', '/mod')).body;
    expect(page).toContain('data-testid="team-news"');
    expect(page).toMatch(/Role change proposed|Team change proposed/);
    expect(page).toContain('Invitation confirmed by a second administrator');
  });
});

describe('break glass: an administrator invited from the shell', () => {
  it('is announced, and rotates the intake key only after another moderator verified their fingerprint', async () => {
    const { token } = await inviteModerator(db(), { handle: 'ops', role: 'administrator' }, 'operator');
    expect((await moderatorRow('ops')).invited_from_shell).toBe(true);
    const entries = (await db().selectFrom('audit_log').select('entry').orderBy('seq').execute()).map((r) => JSON.parse(r.entry) as { action: string; details?: Record<string, unknown> });
    expect(entries.at(-1)).toMatchObject({ action: 'moderator.invited', details: { handle: 'ops', fromShell: true } });
    const opsUrl = `${ORIGIN}/mod/enrol/${token}`;
    await enrolViaApi(t.app, db(), 'ops', 'administrator', { prf: true, invitationUrl: opsUrl });
    const ops = await logInViaApi(t.app, 'ops', 'ops lantern orbit meadow', ORIGIN);
    const fresh = generateIntakeKeyPair(s);
    const rotation = {
      publicKey: toBase64(s, fresh.publicKey),
      grants: [{ moderatorId: ops.id, wrappedSecretKey: toBase64(s, wrapIntakeSecretKey(sumo, fresh.privateKey, ops.keys.boxKeyPair.publicKey)) }],
    };
    const refused = await call(t.app, ops, 'POST', '/mod/api/intake-keys', rotation);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('shell_administrator_unverified');
    expect(await db().selectFrom('team_changes').select('id').where('kind', '=', 'rotate').where('status', '=', 'proposed').execute()).toEqual([]);
    // ann compares ops's fingerprint and signs it: now ops may propose a rotation (three administrators: a proposal).
    const signature = signVerification(sumo, ops.id, { boxPublicKey: ops.keys.boxKeyPair.publicKey, signPublicKey: ops.keys.signKeyPair.publicKey }, ann.keys.signKeyPair.privateKey);
    expect((await call(t.app, ann, 'POST', `/mod/api/team/${ops.id}/verification`, { signature: toBase64(s, signature) })).statusCode).toBe(200);
    expect((await call(t.app, ops, 'POST', '/mod/api/intake-keys', rotation)).statusCode).toBe(202);
  });
});

describe('every release publishes the audit head; audit:verify checks the log against it', () => {
  it('shows the head on /releases/N and its JSON; truncating the log fails verification naming the release', async () => {
    const batch = await releaseDueBatch(db(), t.config);
    expect(batch).toBeDefined();
    const n = batch!.sequence;
    const head = await db().selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    const json = (await t.app.inject({ url: `/api/v1/releases/${n}` })).json() as { auditHead: { length: number; hash: string } };
    expect(json.auditHead).toEqual({ length: head.seq, hash: Buffer.from(head.hash).toString('hex') });
    const html = (await t.app.inject({ url: `/releases/${n}` })).body;
    expect(html).toContain(Buffer.from(head.hash).toString('hex'));
    const intact = await runCommand(db(), t.config, { command: 'audit:verify', args: {} });
    expect(intact.exitCode).toBe(0);
    // Later entries are fine; cutting the log short of the published head is not.
    await db()
      .deleteFrom('audit_log')
      .where('seq', '>=', head.seq - 2)
      .execute();
    const cut = await runCommand(db(), t.config, { command: 'audit:verify', args: {} });
    expect(cut.exitCode).toBe(1);
    expect(cut.lines.join('\n')).toContain(`release ${n}`);
    await sql`truncate audit_log`.execute(db());
    const truncated = await runCommand(db(), t.config, { command: 'audit:verify', args: {} });
    expect(truncated.exitCode).toBe(1);
    expect(truncated.lines.join('\n')).toMatch(new RegExp(`release ${n}: it published ${head.seq} entries`));
  });
});
