// Passkeys through the API (issue 19): bad input changes nothing and is audited where a moderator
// is known; re-enrolment restores access only through a fresh grant; moderators enrolled before
// passkeys are asked for one and cannot open submissions until they add it (or during a grace period).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSodiumSumo } from '../../common/protocol/sodium-sumo.js';
import { fromBase64, toBase64 } from '../../common/protocol/encoding.js';
import {
  deriveModeratorKeys,
  MODERATOR_SALT_BYTES,
  moderatorKeysFromSeed,
  passphraseSeed,
  randomBytes,
  unwrapIntakeKeyPair,
  wrapIntakeSecretKey,
} from '../../common/protocol/moderator-keys.js';
import { enrolModerator, inviteModerator } from '../../server/moderation/team-service.js';
import { loadLoginSecrets } from '../../server/moderation/session-service.js';
import { loginHandleHash } from '../../common/protocol/digest.js';
import type { PasskeyOptionsView as PasskeyOptions } from '../../common/moderation/access-view.js';
import { startTestApp, type TestApp, TEST_ORIGIN as ORIGIN } from '../support/app.js';
import { createIntakeKey } from '../support/intake.js';
import { SoftwarePasskey } from '../support/passkey.js';
import { call, enrolAdminAndModerator, freshAssertion, enrolViaApi, logInViaApi, passkeysOf, registerPasskey, s, signedLogin, visit, type TestModerator } from '../support/moderation.js';

let t: TestApp;
let admin: TestModerator;
let mod: TestModerator;

beforeAll(async () => {
  t = await startTestApp();
  ({ admin, mod } = await enrolAdminAndModerator(t.app, t.database.db, ORIGIN));
});
afterAll(() => t?.close());

const auditActions = async () =>
  (await t.database.db.selectFrom('audit_log').select('entry').orderBy('seq').execute()).map(
    (r) => JSON.parse(r.entry) as { action: string; subject?: { id: string }; details?: Record<string, unknown> },
  );
const refusalsFor = async (moderatorId: string) => (await auditActions()).filter((e) => e.action === 'passkey.refused' && e.subject?.id === moderatorId);
/** Refused login passkeys for a handle, as counted per day (issue 25: no audit entry per attempt). */
const refusedLoginsOf = async (handle: string) => {
  const hash = loginHandleHash((await loadLoginSecrets(t.database.db)).handleHash, handle);
  const rows = await t.database.db.selectFrom('refused_login_counts').select('refused').where('handle_hash', '=', hash).where('step', '=', 'passkey').execute();
  return rows.reduce((sum, r) => sum + r.refused, 0);
};
const sessionsOf = async (moderatorId: string) => (await t.database.db.selectFrom('sessions').select('id_hash').where('moderator_id', '=', moderatorId).execute()).length;

interface Challenge {
  challenge: string;
  passkey: { challenge: string };
}

describe('the passkey step of a login refuses bad input, changes nothing and counts the attempt', () => {
  it('a malformed assertion is a 400 naming the field; a forged one a 401; both change nothing', async () => {
    const who = await visit(t.app);
    const { challenge } = (await call(t.app, who, 'POST', '/mod/api/login/challenge', { handle: 'mod' })).json() as Challenge;
    const genuine = passkeysOf('mod')[0]!.assert(challenge.replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, ''));
    const malformed = await call(t.app, who, 'POST', '/mod/api/login/passkey', {
      handle: 'mod',
      challenge,
      assertion: { ...genuine, response: { ...genuine.response, signature: 'not base64url!' } },
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.message).toMatch(/signature/);
    const before = await refusedLoginsOf('mod');
    const entries = (await auditActions()).length;
    const forged = await call(t.app, who, 'POST', '/mod/api/login/passkey', {
      handle: 'mod',
      challenge,
      assertion: { ...genuine, response: { ...genuine.response, signature: genuine.response.signature.slice(0, -4) + 'AAAA' } },
    });
    expect(forged.statusCode).toBe(401);
    expect(await refusedLoginsOf('mod')).toBe(before + 1);
    expect((await auditActions()).length).toBe(entries);
    const row = await t.database.db.selectFrom('login_challenges').select('passkey_id').where('challenge', '=', fromBase64(s, challenge)).executeTakeFirstOrThrow();
    expect(row.passkey_id).toBeNull();
  });

  it('a replayed assertion is refused (401) and counted; the signature step then fails too', async () => {
    const who = await visit(t.app);
    const { challenge, passkey } = (await call(t.app, who, 'POST', '/mod/api/login/challenge', { handle: 'mod' })).json() as Challenge;
    const assertion = passkeysOf('mod')[0]!.assert(passkey.challenge);
    expect((await call(t.app, who, 'POST', '/mod/api/login/passkey', { handle: 'mod', challenge, assertion })).statusCode).toBe(200);
    const before = await refusedLoginsOf('mod');
    expect((await call(t.app, who, 'POST', '/mod/api/login/passkey', { handle: 'mod', challenge, assertion })).statusCode).toBe(401);
    expect(await refusedLoginsOf('mod')).toBe(before + 1);
    // On a fresh challenge, the old assertion (another challenge, an old counter) is refused as well.
    const fresh = (await call(t.app, who, 'POST', '/mod/api/login/challenge', { handle: 'mod' })).json() as Challenge;
    expect((await call(t.app, who, 'POST', '/mod/api/login/passkey', { handle: 'mod', challenge: fresh.challenge, assertion })).statusCode).toBe(401);
  });

  it("another moderator's credential is refused (401), counted for the handle tried, and opens no session", async () => {
    const who = await visit(t.app);
    const { challenge, passkey } = (await call(t.app, who, 'POST', '/mod/api/login/challenge', { handle: 'mod' })).json() as Challenge;
    const sessions = await sessionsOf(mod.id);
    const before = await refusedLoginsOf('mod');
    const adminsPasskey = passkeysOf('admin')[0]!.assert(passkey.challenge);
    expect((await call(t.app, who, 'POST', '/mod/api/login/passkey', { handle: 'mod', challenge, assertion: adminsPasskey })).statusCode).toBe(401);
    expect(await refusedLoginsOf('mod')).toBe(before + 1);
    // With the right passphrase but without a passed passkey step, the signature is refused.
    const signed = await signedLogin(t.app, who, 'mod', mod.passphrase, ORIGIN, null);
    expect((await call(t.app, who, 'POST', '/mod/api/login', { handle: 'mod', challenge: signed.challenge, signature: signed.signature })).statusCode).toBe(401);
    expect(await sessionsOf(mod.id)).toBe(sessions);
  });

  it('an unknown handle gets decoy salts, stable per handle, and no audit entry', async () => {
    const who = await visit(t.app);
    const ask = async (handle: string) => (await call(t.app, who, 'POST', '/mod/api/login/challenge', { handle })).json() as { salt: string; prfSalt: string };
    const [a, b] = [await ask('nobody-here'), await ask('nobody-here')];
    expect(a.prfSalt).toBe(b.prfSalt);
    expect(fromBase64(s, a.prfSalt)).toHaveLength(32);
    const entries = (await auditActions()).length;
    const { challenge, passkey } = (await call(t.app, who, 'POST', '/mod/api/login/challenge', { handle: 'nobody-here' })).json() as Challenge;
    expect((await call(t.app, who, 'POST', '/mod/api/login/passkey', { handle: 'nobody-here', challenge, assertion: passkeysOf('mod')[0]!.assert(passkey.challenge) })).statusCode).toBe(401);
    expect((await auditActions()).length).toBe(entries);
  });
});

describe('registrations', () => {
  it('a registration made for another handle is refused (400), enrols nobody, and is audited', async () => {
    const { token: carolToken } = await inviteModerator(t.database.db, { handle: 'carol', role: 'moderator' }, 'operator');
    const { token: daveToken } = await inviteModerator(t.database.db, { handle: 'dave', role: 'moderator' }, 'operator');
    const who = await visit(t.app);
    const carolOptions = (await call(t.app, who, 'POST', '/mod/api/enrol/passkey-options', { token: carolToken })).json() as PasskeyOptions;
    const { registration } = registerPasskey(t.app, carolOptions);
    const sumo = await loadSodiumSumo();
    const keys = deriveModeratorKeys(sumo, 'dave lantern orbit meadow', randomBytes(sumo, MODERATOR_SALT_BYTES));
    const response = await call(t.app, who, 'POST', '/mod/api/enrol', {
      token: daveToken,
      salt: toBase64(s, randomBytes(sumo, MODERATOR_SALT_BYTES)),
      signPublicKey: toBase64(s, keys.signKeyPair.publicKey),
      boxPublicKey: toBase64(s, keys.boxKeyPair.publicKey),
      passkey: registration,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('passkey_refused');
    const dave = await t.database.db.selectFrom('moderators').selectAll().where('handle', '=', 'dave').executeTakeFirstOrThrow();
    expect(dave.status).toBe('invited');
    expect(await t.database.db.selectFrom('passkeys').select('id').where('moderator_id', '=', dave.id).execute()).toHaveLength(0);
    expect(await refusalsFor(dave.id)).toHaveLength(1);
  });

  it('the last passkey cannot be removed (409); a spare can be added (201), then the first removed, both audited', async () => {
    const options = (await call(t.app, mod, 'POST', '/mod/api/passkeys/options', {})).json() as PasskeyOptions;
    expect(options.keysBoundToPasskey).toBe(false);
    const [only] = (await call(t.app, mod, 'GET', '/mod/api/passkeys')).json().passkeys as { id: string }[];
    expect((await call(t.app, mod, 'POST', `/mod/api/passkeys/${only!.id}/remove`, { assertion: await freshAssertion(t.app, mod) })).statusCode).toBe(409);
    const { passkey, registration } = registerPasskey(t.app, options);
    expect((await call(t.app, mod, 'POST', '/mod/api/passkeys', { ...registration, assertion: await freshAssertion(t.app, mod) })).statusCode).toBe(201);
    expect((await call(t.app, mod, 'POST', `/mod/api/passkeys/${only!.id}/remove`, { assertion: await freshAssertion(t.app, mod) })).statusCode).toBe(200);
    passkeysOf('mod').unshift(passkey);
    // Another moderator's passkey is not theirs to remove.
    const [adminsOnly] = (await call(t.app, admin, 'GET', '/mod/api/passkeys')).json().passkeys as { id: string }[];
    expect((await call(t.app, mod, 'POST', `/mod/api/passkeys/${adminsOnly!.id}/remove`, { assertion: await freshAssertion(t.app, mod) })).statusCode).toBe(404);
    const who = await visit(t.app);
    const signed = await signedLogin(t.app, who, 'mod', mod.passphrase, ORIGIN, passkey);
    expect(signed.passkeyStatus).toBe(200);
    expect((await call(t.app, who, 'POST', '/mod/api/login', { handle: 'mod', challenge: signed.challenge, signature: signed.signature })).statusCode).toBe(200);
    const actions = (await auditActions()).filter((e) => e.subject?.id === mod.id).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['passkey.added', 'passkey.removed']));
  });

  it('keys bound to passkeys need a PRF-wrapped seed from every new passkey', async () => {
    const bound = await enrolViaApi(t.app, t.database.db, 'erin', 'moderator', { prf: true });
    const erin = await logInViaApi(t.app, 'erin', bound.passphrase, ORIGIN);
    expect(Buffer.from(erin.keys.signKeyPair.publicKey).equals(Buffer.from(bound.keys.signKeyPair.publicKey))).toBe(true);
    const options = (await call(t.app, erin, 'POST', '/mod/api/passkeys/options', {})).json() as PasskeyOptions;
    expect(options.keysBoundToPasskey).toBe(true);
    const refused = await call(t.app, erin, 'POST', '/mod/api/passkeys', { ...registerPasskey(t.app, options).registration, assertion: await freshAssertion(t.app, erin) });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.code).toBe('passkey_needs_prf');
  });
});

describe('recovery after a lost authenticator', () => {
  it('re-enrolment gives new keys and restores access to submissions only through a fresh grant', async () => {
    const sumo = await loadSodiumSumo();
    // Only keys bound to a PRF passkey may hold the intake key (issue 23).
    await enrolViaApi(t.app, t.database.db, 'frank', 'moderator', { prf: true });
    let frank = await logInViaApi(t.app, 'frank', 'frank lantern orbit meadow', ORIGIN);
    const keysOf = async (who: TestModerator) => ((await call(t.app, who, 'GET', '/mod/api/keys')).json() as { keys: { intakeKeyId: string; wrappedSecretKey: string }[] }).keys;
    const grantTo = async (who: TestModerator) => {
      const grants = (await keysOf(admin)).map((k) => ({
        intakeKeyId: k.intakeKeyId,
        wrappedSecretKey: toBase64(
          s,
          wrapIntakeSecretKey(sumo, unwrapIntakeKeyPair(sumo, fromBase64(s, k.wrappedSecretKey), admin.keys.boxKeyPair).privateKey, who.keys.boxKeyPair.publicKey),
        ),
      }));
      expect((await call(t.app, admin, 'POST', `/mod/api/team/${who.id}/grants`, { grants, assertion: await freshAssertion(t.app, admin) })).statusCode).toBe(200);
    };
    await grantTo(frank);
    expect(await keysOf(frank)).toHaveLength(1);

    // frank lost his authenticator: an administrator re-enrols him (not himself, not a moderator).
    expect((await call(t.app, mod, 'POST', `/mod/api/team/${frank.id}/reenrol`, {})).statusCode).toBe(403);
    expect((await call(t.app, admin, 'POST', `/mod/api/team/${admin.id}/reenrol`, {})).statusCode).toBe(409);
    const reenrol = await call(t.app, admin, 'POST', `/mod/api/team/${frank.id}/reenrol`, {});
    expect(reenrol.statusCode).toBe(200);
    const token = /\/mod\/enrol\/(\S+)$/.exec(reenrol.json().url as string)![1]!;
    // His old session and grants are gone at once.
    expect((await call(t.app, frank, 'GET', '/mod/api/keys')).statusCode).toBe(401);
    expect(await t.database.db.selectFrom('intake_key_grants').select('moderator_id').where('moderator_id', '=', frank.id).execute()).toHaveLength(0);

    // He enrols again from the new link with a new passphrase and passkey: new keys, nothing to open yet.
    const who = await visit(t.app);
    const options = (await call(t.app, who, 'POST', '/mod/api/enrol/passkey-options', { token })).json() as PasskeyOptions;
    const salt = randomBytes(sumo, MODERATOR_SALT_BYTES);
    const seed = randomBytes(sumo, 32);
    const newKeys = moderatorKeysFromSeed(sumo, seed);
    const { passkey, registration } = registerPasskey(t.app, options, { argon: passphraseSeed(sumo, 'frank second lantern orbit', salt), seed });
    const enrolled = await call(t.app, who, 'POST', '/mod/api/enrol', {
      token,
      salt: toBase64(s, salt),
      signPublicKey: toBase64(s, newKeys.signKeyPair.publicKey),
      boxPublicKey: toBase64(s, newKeys.boxKeyPair.publicKey),
      passkey: registration,
    });
    expect(enrolled.statusCode).toBe(201);
    passkeysOf('frank').unshift(passkey);
    frank = await logInViaApi(t.app, 'frank', 'frank second lantern orbit', ORIGIN);
    expect(Buffer.from(frank.keys.boxKeyPair.publicKey).equals(Buffer.from(newKeys.boxKeyPair.publicKey))).toBe(true);
    expect(await keysOf(frank)).toHaveLength(0);
    // The administrator compares the new fingerprint and grants again: only now does he hold the key.
    await grantTo(frank);
    expect(await keysOf(frank)).toHaveLength(1);
    expect((await auditActions()).some((e) => e.action === 'moderator.reenrolment_started' && e.subject?.id === frank.id)).toBe(true);
  });
});

describe('moderators enrolled before passkeys', () => {
  async function legacyModerator(handle: string): Promise<TestModerator> {
    const sumo = await loadSodiumSumo();
    const { token } = await inviteModerator(t.database.db, { handle, role: 'moderator' }, 'operator');
    const salt = randomBytes(sumo, MODERATOR_SALT_BYTES);
    const keys = deriveModeratorKeys(sumo, `${handle} lantern orbit meadow`, salt);
    // As the seed script (and every enrolment before passkeys) did: keys, no passkey.
    await enrolModerator(t.database.db, token, { salt: toBase64(s, salt), signPublicKey: toBase64(s, keys.signKeyPair.publicKey), boxPublicKey: toBase64(s, keys.boxKeyPair.publicKey) });
    return logInViaApi(t.app, handle, `${handle} lantern orbit meadow`, ORIGIN);
  }

  it('log in, are asked for a passkey, and open no submission until they add one', async () => {
    const gina = await legacyModerator('gina');
    const page = await call(t.app, gina, 'GET', '/mod');
    expect(page.body).toContain('data-testid="passkey-missing"');
    const refused = await call(t.app, gina, 'GET', '/mod/api/keys');
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('passkey_required');
    const options = (await call(t.app, gina, 'POST', '/mod/api/passkeys/options', {})).json() as PasskeyOptions;
    const { passkey, registration } = registerPasskey(t.app, options);
    expect((await call(t.app, gina, 'POST', '/mod/api/passkeys', registration)).statusCode).toBe(201);
    expect((await call(t.app, gina, 'GET', '/mod/api/keys')).statusCode).toBe(200);
    // From now on the passphrase alone is not enough; with the passkey it is; the keys rest on the passphrase.
    const who = await visit(t.app);
    const without = await signedLogin(t.app, who, 'gina', gina.passphrase, ORIGIN, null);
    expect((await call(t.app, who, 'POST', '/mod/api/login', { handle: 'gina', challenge: without.challenge, signature: without.signature })).statusCode).toBe(401);
    const withPasskey = await signedLogin(t.app, who, 'gina', gina.passphrase, ORIGIN, passkey);
    const loggedIn = await call(t.app, who, 'POST', '/mod/api/login', { handle: 'gina', challenge: withPasskey.challenge, signature: withPasskey.signature });
    expect(loggedIn.json()).toMatchObject({ passkeyNeeded: false });
    expect((await call(t.app, who, 'GET', '/mod')).body).toContain('data-testid="keys-on-passphrase"');
  });

  it("may open submissions during the operator's grace period (PASSKEY_GRACE_DAYS)", async () => {
    const graceful = await startTestApp({ PASSKEY_GRACE_DAYS: '7' });
    try {
      const sumo = await loadSodiumSumo();
      const { token } = await inviteModerator(graceful.database.db, { handle: 'hana', role: 'moderator' }, 'operator');
      const salt = randomBytes(sumo, MODERATOR_SALT_BYTES);
      const keys = deriveModeratorKeys(sumo, 'hana lantern orbit meadow', salt);
      await enrolModerator(graceful.database.db, token, {
        salt: toBase64(s, salt),
        signPublicKey: toBase64(s, keys.signKeyPair.publicKey),
        boxPublicKey: toBase64(s, keys.boxKeyPair.publicKey),
      });
      const hana = await logInViaApi(graceful.app, 'hana', 'hana lantern orbit meadow', ORIGIN);
      expect((await call(graceful.app, hana, 'GET', '/mod/api/keys')).statusCode).toBe(200);
      expect((await call(graceful.app, hana, 'GET', '/mod')).body).toContain('grace period');
      // A passphrase-only session reads; it does not decide (issue 26).
      const decided = await call(graceful.app, hana, 'POST', '/mod/api/submissions/00000000-0000-4000-8000-000000000000/reject', { reason: 'not for us' });
      expect(decided.statusCode).toBe(403);
      expect(decided.json().error.code).toBe('passkey_required');
      // Holding wrapped intake keys, she may not register from this passphrase-only session the passkey that would unlock them.
      const key = await createIntakeKey(graceful.database.db);
      await graceful.database.db
        .insertInto('intake_key_grants')
        .values({ intake_key_id: key.id, moderator_id: hana.id, wrapped_secret_key: wrapIntakeSecretKey(sumo, key.keyPair.privateKey, keys.boxKeyPair.publicKey) })
        .execute();
      const options = (await call(graceful.app, hana, 'POST', '/mod/api/passkeys/options', {})).json() as PasskeyOptions;
      const first = await call(graceful.app, hana, 'POST', '/mod/api/passkeys', registerPasskey(graceful.app, options).registration);
      expect(first.statusCode).toBe(403);
      expect(first.json().error.code).toBe('passkey_needs_approval');
      expect(await graceful.database.db.selectFrom('passkeys').select('id').where('moderator_id', '=', hana.id).execute()).toEqual([]);
      // Eight days after she was first asked, the grace period is over.
      await graceful.database.db
        .updateTable('moderators')
        .set({ passkey_asked_on: new Date(Date.now() - 8 * 86_400_000).toISOString().slice(0, 10) })
        .where('id', '=', hana.id)
        .execute();
      expect((await call(graceful.app, hana, 'GET', '/mod/api/keys')).statusCode).toBe(403);
    } finally {
      await graceful.close();
    }
  });
});

it('a software passkey registered for another relying party is refused', async () => {
  const { token } = await inviteModerator(t.database.db, { handle: 'ivan', role: 'moderator' }, 'operator');
  const who = await visit(t.app);
  const options = (await call(t.app, who, 'POST', '/mod/api/enrol/passkey-options', { token })).json() as PasskeyOptions;
  const elsewhere = new SoftwarePasskey('evil.example', 'https://evil.example').register(options.options);
  const response = await call(t.app, who, 'POST', '/mod/api/enrol', {
    token,
    salt: toBase64(s, new Uint8Array(16)),
    signPublicKey: toBase64(s, new Uint8Array(32)),
    boxPublicKey: toBase64(s, new Uint8Array(32)),
    passkey: { response: elsewhere },
  });
  expect(response.statusCode).toBe(400);
});
