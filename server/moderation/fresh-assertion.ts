// Fresh passkey assertions (issue 26, DESIGN §3): adding or removing a passkey, approving a team
// change and granting keys need the moderator's passkey, with user verification, on a challenge
// issued to this very session a moment ago — a stolen session cookie alone cannot do them.
import type { AuthenticationResponseJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { CodedError } from '../../common/errors.js';
import { LOGIN_CHALLENGE_BYTES, randomBytes } from '../../common/protocol/moderator-keys.js';
import { sessionIdHash } from '../../common/protocol/opaque-tokens.js';
import { loadSodiumSumo } from '../../common/protocol/sodium-sumo.js';
import { authenticationOptions, verifyPasskeyAssertion, type RelyingParty } from './passkeys.js';

export const ASSERTION_CHALLENGE_LIFETIME_MS = 2 * 60_000;

export type FreshAssertion = AuthenticationResponseJSON;

/** Options for navigator.credentials.get() on a single-use challenge bound to this session. */
export async function issueAssertionChallenge(
  db: Kysely<Database>,
  sessionId: string,
  moderatorId: string,
  rp: RelyingParty,
  now = new Date(),
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const challenge = randomBytes(await loadSodiumSumo(), LOGIN_CHALLENGE_BYTES);
  await db.deleteFrom('assertion_challenges').where('expires_at', '<', now).execute();
  await db
    .insertInto('assertion_challenges')
    .values({ challenge, session_hash: sessionIdHash(sessionId), expires_at: new Date(now.getTime() + ASSERTION_CHALLENGE_LIFETIME_MS) })
    .execute();
  // Only this moderator's passkeys may answer: the browser asks the authenticator that holds one.
  const own = await db.selectFrom('passkeys').select(['credential_id', 'transports']).where('moderator_id', '=', moderatorId).where('rp_id', '=', rp.id).execute();
  return authenticationOptions(
    rp,
    challenge,
    own.map((p) => ({ id: p.credential_id, ...(p.transports ? { transports: p.transports.split(',') } : {}) })),
  );
}

function challengeOf(assertion: FreshAssertion): Uint8Array | undefined {
  try {
    const clientData = JSON.parse(Buffer.from(assertion.response.clientDataJSON, 'base64url').toString('utf8')) as { challenge?: unknown };
    return typeof clientData.challenge === 'string' ? new Uint8Array(Buffer.from(clientData.challenge, 'base64url')) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Checks a fresh assertion by one of the moderator's passkeys, with user verification, on a
 * challenge this session was issued; the challenge is consumed whatever the outcome. Throws
 * fresh_assertion_required without one, fresh_assertion_refused when it does not verify.
 */
export async function requireFreshAssertion(
  db: Kysely<Database>,
  rp: RelyingParty,
  session: { sessionId: string; moderatorId: string },
  assertion: FreshAssertion | undefined,
  now = new Date(),
): Promise<void> {
  if (!assertion) throw new CodedError('fresh_assertion_required');
  const challenge = challengeOf(assertion);
  const issued =
    challenge &&
    (await db.deleteFrom('assertion_challenges').where('challenge', '=', challenge).where('session_hash', '=', sessionIdHash(session.sessionId)).returning('expires_at').executeTakeFirst());
  if (!challenge || !issued || new Date(issued.expires_at).getTime() < now.getTime()) throw new CodedError('fresh_assertion_refused');
  const passkey = await verifyPasskeyAssertion(db, rp, session.moderatorId, assertion, challenge, now);
  if (!passkey) throw new CodedError('fresh_assertion_refused');
}
