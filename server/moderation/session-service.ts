// Moderator login by challenge–response and the sessions it opens (DESIGN §3, §7).
// No password hash exists: the server holds only public keys and salts.
import type { FromSchema } from 'json-schema-to-ts';
import type { Kysely } from 'kysely';
import { decodeField } from '../binary-fields.js';
import { todayUtc } from '../db/day.js';
import type { Database } from '../db/schema.js';
import { CodedError } from '../../common/errors.js';
import { loginHandleHash } from '../../common/protocol/digest.js';
import { loadSodiumSumo } from '../../common/protocol/sodium-sumo.js';
import { toBase64 } from '../../common/protocol/encoding.js';
import { decoySalt, LOGIN_CHALLENGE_BYTES, randomBytes, verifyLogin } from '../../common/protocol/moderator-keys.js';
import { newOpaqueToken, sessionIdHash } from '../../common/protocol/opaque-tokens.js';
import { loadSodium } from '../../common/protocol/sodium.js';
import { PRF_SALT_BYTES } from '../../common/protocol/passkey-prf.js';
import { appendAuditEntry } from '../audit/log.js';
import type { HandleFailures } from './login-limits.js';
import { admitLoginChallenge, type LoginWork } from './login-work.js';
import { countRefusedLogin, type RefusedStep } from './refused-logins.js';
import { authenticationOptions, verifyPasskeyAssertion, type RelyingParty } from './passkeys.js';
import { serverSecret } from '../db/server-secret.js';
import type { ModeratorIdentity } from './team-service.js';
import type { loginPasskeySchema, loginSchema } from './schemas.js';
import type { LoginChallengeView, PasskeyLoginView, WebAuthnTypes } from '../../common/moderation/access-view.js';

export const CHALLENGE_LIFETIME_MS = 60_000;
export const SESSION_ABSOLUTE_MS = 12 * 3600 * 1000;
export const SESSION_IDLE_MS = 30 * 60 * 1000;
// Refreshing last_seen_at on every request would write on every page view.
const SESSION_TOUCH_MS = 60_000;

const LOGIN_FAILED = (): CodedError => new CodedError('login_failed');

/** Server secrets the login path needs, read once at start so that every request does the same work. */
export interface LoginSecrets {
  decoySalt: Uint8Array;
  handleHash: Uint8Array;
  /** Signs login puzzles (login-work.ts). */
  workKey: Uint8Array;
}

export async function loadLoginSecrets(db: Kysely<Database>): Promise<LoginSecrets> {
  return { decoySalt: await serverSecret(db, 'decoy-salt'), handleHash: await serverSecret(db, 'login-handle'), workKey: await serverSecret(db, 'login-work') };
}

export async function issueLoginChallenge(db: Kysely<Database>, secrets: LoginSecrets, handle: string, rp: RelyingParty, work?: LoginWork, now = new Date()): Promise<LoginChallengeView> {
  const sodium = await loadSodium();
  const sumo = await loadSodiumSumo();
  // The same queries and hashes for every handle, known or not: timing tells nothing either.
  const decoy = decoySalt(sumo, secrets.decoySalt, handle);
  const decoyPrf = sumo.crypto_generichash(PRF_SALT_BYTES, `offscript/decoy-prf-salt/v1:${handle}`, secrets.decoySalt);
  const moderator = await db.selectFrom('moderators').select(['salt', 'status', 'prf_salt']).where('handle', '=', handle).executeTakeFirst();
  // Unknown, unenrolled and disabled handles get a stable decoy salt: the answer never tells which.
  const known = moderator?.status === 'active' && moderator.salt;
  const salt = known ? moderator.salt! : decoy;
  const prfSalt = known && moderator.prf_salt ? moderator.prf_salt : decoyPrf;
  const challenge = randomBytes(sumo, LOGIN_CHALLENGE_BYTES);
  const handleHash = loginHandleHash(secrets.handleHash, handle);
  await db.deleteFrom('login_challenges').where('expires_at', '<', now).execute();
  // Never refused, but past an allowance it costs the asker a proof of work.
  await admitLoginChallenge(db, secrets.workKey, handleHash, work, now);
  await db
    .insertInto('login_challenges')
    .values({ challenge, handle_hash: handleHash, expires_at: new Date(now.getTime() + CHALLENGE_LIFETIME_MS) })
    .execute();
  return { salt: toBase64(sodium, salt), challenge: toBase64(sodium, challenge), prfSalt: toBase64(sodium, prfSalt), passkey: await authenticationOptions(rp, challenge) };
}

// A moderator id no row has: an unknown handle looks for its passkey as a known one does, and finds none.
const NO_MODERATOR = '00000000-0000-4000-8000-000000000000';

/**
 * A refused attempt on a challenge issued for the handle: counted for the console (one row per
 * handle and day, never an audit entry per attempt) and against the handle's failure window.
 */
async function failedAttempt(db: Kysely<Database>, failures: HandleFailures, handleHash: Uint8Array, step: RefusedStep, now: Date): Promise<CodedError> {
  await countRefusedLogin(db, handleHash, step, now);
  const pausedFor = await failures.recordFailure(handleHash, now.getTime());
  if (pausedFor > 0) {
    return new CodedError('login_paused', { minutes: Math.ceil(pausedFor / 60) }, { retryAfterSeconds: pausedFor });
  }
  return LOGIN_FAILED();
}

/**
 * The passkey step of a login: an assertion on a challenge issued for this handle, by one of its
 * passkeys. Marks the challenge (once: a replay finds it marked) and answers the passkey's
 * wrapped seed, which only the PRF output and the passphrase together unwrap. A refused
 * assertion on an issued challenge is counted (not audited one by one) and counts against the
 * handle like a bad signature, whether the handle is known or not: the same work either way.
 * An attempt on a challenge never issued for the handle counts nowhere.
 */
export async function verifyLoginPasskey(
  db: Kysely<Database>,
  secrets: LoginSecrets,
  failures: HandleFailures,
  input: FromSchema<(typeof loginPasskeySchema)['body'], WebAuthnTypes>,
  rp: RelyingParty,
  now = new Date(),
): Promise<PasskeyLoginView> {
  const sodium = await loadSodium();
  const challenge = decodeField(input.challenge, 'challenge', LOGIN_CHALLENGE_BYTES);
  const handleHash = loginHandleHash(secrets.handleHash, input.handle);
  const issued = await db.selectFrom('login_challenges').select(['expires_at', 'passkey_id']).where('challenge', '=', challenge).where('handle_hash', '=', handleHash).executeTakeFirst();
  const moderator = await db.selectFrom('moderators').select(['id', 'handle', 'status']).where('handle', '=', input.handle).executeTakeFirst();
  if (!issued) throw LOGIN_FAILED();
  const open = issued.passkey_id === null && new Date(issued.expires_at).getTime() >= now.getTime();
  const passkey = open ? await verifyPasskeyAssertion(db, rp, moderator?.status === 'active' ? moderator.id : NO_MODERATOR, input.assertion, challenge, now) : undefined;
  // Set only while unset: of two concurrent replays, one finds nothing to update.
  const marked = passkey && (await db.updateTable('login_challenges').set({ passkey_id: passkey.id }).where('challenge', '=', challenge).where('passkey_id', 'is', null).executeTakeFirst());
  if (!passkey || !marked || marked.numUpdatedRows === 0n) throw await failedAttempt(db, failures, handleHash, 'passkey', now);
  return { wrappedSeed: passkey.wrappedSeed && toBase64(sodium, passkey.wrappedSeed) };
}

export interface LoggedIn {
  sessionId: string;
  moderator: ModeratorIdentity;
  /** No passkey yet (enrolled before passkeys): the console asks for one before submissions open. */
  passkeyNeeded: boolean;
}

/**
 * Verifies a signed challenge and opens a session; every failure looks the same. A moderator with
 * passkeys must have passed the passkey step on this very challenge; one without any (enrolled
 * before passkeys) logs in and is asked to add one. Only a failed attempt on a challenge issued for
 * this handle counts against it, and past the limit such failures answer 429; a valid signature
 * after a valid passkey always logs in (DESIGN §7).
 */
export async function logIn(
  db: Kysely<Database>,
  secrets: LoginSecrets,
  failures: HandleFailures,
  input: FromSchema<(typeof loginSchema)['body']>,
  origin: string,
  now = new Date(),
): Promise<LoggedIn> {
  const sumo = await loadSodiumSumo();
  const challenge = decodeField(input.challenge, 'challenge', LOGIN_CHALLENGE_BYTES);
  const signature = decodeField(input.signature, 'signature', 64);
  const handleHash = loginHandleHash(secrets.handleHash, input.handle);
  // Deleting the challenge as it is read makes it single-use, even under concurrent replays.
  const issued = await db.deleteFrom('login_challenges').where('challenge', '=', challenge).where('handle_hash', '=', handleHash).returning(['expires_at', 'passkey_id']).executeTakeFirst();
  if (!issued || new Date(issued.expires_at).getTime() < now.getTime()) throw LOGIN_FAILED();
  const moderator = await db.selectFrom('moderators').select(['id', 'handle', 'role', 'status', 'sign_public_key']).where('handle', '=', input.handle).executeTakeFirst();
  // The same query for an unknown handle: a refusal takes as long whoever was named.
  const passkeys = await db
    .selectFrom('passkeys')
    .select('id')
    .where('moderator_id', '=', moderator?.id ?? NO_MODERATOR)
    .execute();
  const passkeyPassed = passkeys.length === 0 || passkeys.some((p) => p.id === issued.passkey_id);
  const valid = moderator?.status === 'active' && moderator.sign_public_key !== null && passkeyPassed && verifyLogin(sumo, signature, challenge, origin, moderator.sign_public_key);
  if (!moderator || !valid) throw await failedAttempt(db, failures, handleHash, 'signature', now);

  const sessionId = newOpaqueToken(sumo);
  const identity: ModeratorIdentity = { id: moderator.id, handle: moderator.handle, role: moderator.role };
  const passkeyNeeded = passkeys.length === 0;
  await db.transaction().execute(async (trx) => {
    // The team news this session shows (issue 26): every audit entry since this moderator last logged in.
    const { news_seen_seq: newsFrom } = await trx.selectFrom('moderators').select('news_seen_seq').where('id', '=', moderator.id).forUpdate().executeTakeFirstOrThrow();
    const head = (await trx.selectFrom('audit_log').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirst())?.seq ?? 0;
    await trx
      .insertInto('sessions')
      .values({ id_hash: sessionIdHash(sessionId), moderator_id: moderator.id, created_at: now, last_seen_at: now, news_from_seq: Math.min(newsFrom, head), news_upto_seq: head })
      .execute();
    await trx.updateTable('moderators').set({ news_seen_seq: head }).where('id', '=', moderator.id).execute();
    // The grace period (PASSKEY_GRACE_DAYS) counts from the first login that asked for a passkey.
    if (passkeyNeeded)
      await trx
        .updateTable('moderators')
        .set({ passkey_asked_on: todayUtc(now) })
        .where('id', '=', moderator.id)
        .where('passkey_asked_on', 'is', null)
        .execute();
    await appendAuditEntry(trx, { actor: { id: identity.id, handle: identity.handle }, action: 'session.login', details: { passkey: !passkeyNeeded } });
  });
  return { sessionId, moderator: identity, passkeyNeeded };
}

/** The moderator behind a session cookie, or undefined when it is unknown, expired or disabled. */
/**
 * The moderator a session cookie belongs to, or undefined once it has ended. `activity: false` (a
 * page refreshing itself in the background) does not count as use, so an open, unattended
 * console still reaches its idle limit.
 */
/** A live session's moderator, with the console language they chose (null: follow the browser). */
export type SessionModerator = ModeratorIdentity & { consoleLanguage: string | null };

export async function authenticate(
  db: Kysely<Database>,
  sessionId: string,
  { activity = true, now = new Date() }: { activity?: boolean; now?: Date } = {},
): Promise<SessionModerator | undefined> {
  const idHash = sessionIdHash(sessionId);
  const row = await db
    .selectFrom('sessions')
    .innerJoin('moderators', 'moderators.id', 'sessions.moderator_id')
    .select(['sessions.created_at', 'sessions.last_seen_at', 'moderators.id', 'moderators.handle', 'moderators.role', 'moderators.status', 'moderators.console_language'])
    .where('sessions.id_hash', '=', idHash)
    .executeTakeFirst();
  if (!row) return undefined;
  const created = new Date(row.created_at).getTime();
  const lastSeen = new Date(row.last_seen_at).getTime();
  if (row.status !== 'active' || now.getTime() - created > SESSION_ABSOLUTE_MS || now.getTime() - lastSeen > SESSION_IDLE_MS) {
    await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
    return undefined;
  }
  if (activity && now.getTime() - lastSeen > SESSION_TOUCH_MS) {
    await db.updateTable('sessions').set({ last_seen_at: now }).where('id_hash', '=', idHash).execute();
  }
  return { id: row.id, handle: row.handle, role: row.role, consoleLanguage: row.console_language };
}

export async function logOut(db: Kysely<Database>, sessionId: string, moderator: ModeratorIdentity): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('sessions').where('id_hash', '=', sessionIdHash(sessionId)).execute();
    await appendAuditEntry(trx, { actor: { id: moderator.id, handle: moderator.handle }, action: 'session.logout' });
  });
}

/** Log out by cookie: ends the session behind it if it is still live (audited); an ended one needs nothing. */
export async function logOutSession(db: Kysely<Database>, sessionId: string | undefined): Promise<void> {
  if (!sessionId) return;
  const moderator = await authenticate(db, sessionId, { activity: false });
  if (moderator) await logOut(db, sessionId, moderator);
}
