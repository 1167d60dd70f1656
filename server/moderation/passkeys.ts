// Moderators' passkeys (issue 19): WebAuthn registration and assertion through
// @simplewebauthn/server, one relying party per origin we serve (the public origin's host; an
// onion origin is its own). The PRF output never reaches the server: only what it wraps does.
import { randomUUID } from 'node:crypto';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { Kysely } from 'kysely';
import { todayUtc } from '../db/day.js';
import type { Database, Day } from '../db/schema.js';
import { CodedError } from '../../common/errors.js';
import type { PasskeyStanding } from '../../common/moderation/access-view.js';
import { loadSodiumSumo } from '../../common/protocol/sodium-sumo.js';
import { LOGIN_CHALLENGE_BYTES, randomBytes } from '../../common/protocol/moderator-keys.js';
import { PRF_SALT_BYTES, SEED_BYTES } from '../../common/protocol/passkey-prf.js';

export const RELYING_PARTY_NAME = 'Offscript moderation';
export const PASSKEY_REGISTRATION_LIFETIME_MS = 5 * 60_000;
// The browser waits this long for the authenticator; a login challenge lives 60 s anyway.
const WEBAUTHN_TIMEOUT_MS = 60_000;

export interface RelyingParty {
  id: string;
  origin: string;
}

/** Every origin the console is served at: the public one, the onion, the console's own onion. */
export function consoleOrigins(config: { publicOrigin: string; onionOrigin: string | undefined; moderatorOnionOrigin?: string | undefined }): string[] {
  return [config.publicOrigin, ...[config.onionOrigin, config.moderatorOnionOrigin].filter((o): o is string => o !== undefined)];
}

/** The relying party of the origin a request was made to: the onion origin (or the console's onion) when its host was asked for, else the public origin. */
export function relyingPartyFor(config: { publicOrigin: string; onionOrigin: string | undefined; moderatorOnionOrigin?: string | undefined }, host: string | undefined): RelyingParty {
  const origin = consoleOrigins(config).find((o) => host === new URL(o).host) ?? config.publicOrigin;
  return { id: new URL(origin).hostname, origin };
}

const base64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

export const PASSKEY_REFUSED = (): CodedError => new CodedError('passkey_refused');

/** Options for navigator.credentials.create(), with a single-use challenge stored for this moderator. */
export async function registrationOptions(
  db: Kysely<Database>,
  rp: RelyingParty,
  moderator: { id: string; handle: string },
  now = new Date(),
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const sumo = await loadSodiumSumo();
  const challenge = randomBytes(sumo, LOGIN_CHALLENGE_BYTES);
  const existing = await db.selectFrom('passkeys').select(['credential_id', 'transports']).where('moderator_id', '=', moderator.id).where('rp_id', '=', rp.id).execute();
  await db.deleteFrom('passkey_registrations').where('expires_at', '<', now).execute();
  await db
    .insertInto('passkey_registrations')
    .values({ challenge, moderator_id: moderator.id, rp_id: rp.id, expires_at: new Date(now.getTime() + PASSKEY_REGISTRATION_LIFETIME_MS) })
    .execute();
  return generateRegistrationOptions({
    rpName: RELYING_PARTY_NAME,
    rpID: rp.id,
    userName: moderator.handle,
    // The random moderator id: what the authenticator keeps says nothing about the person.
    userID: new Uint8Array(Buffer.from(moderator.id.replaceAll('-', ''), 'hex')),
    // Copied: the library wants bytes on a plain ArrayBuffer.
    challenge: new Uint8Array(challenge),
    timeout: WEBAUTHN_TIMEOUT_MS,
    attestationType: 'none',
    excludeCredentials: existing.map((p) => ({ id: p.credential_id, ...(p.transports ? { transports: p.transports.split(',') } : {}) })),
    // Discoverable: a login names no credential, so the login page tells nobody which handles have which.
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
  });
}

/** The moderator's PRF input, drawn on first need; it is not secret, only stable. */
export async function prfSaltOf(db: Kysely<Database>, moderatorId: string): Promise<Uint8Array> {
  const row = await db.selectFrom('moderators').select('prf_salt').where('id', '=', moderatorId).executeTakeFirstOrThrow();
  if (row.prf_salt) return row.prf_salt;
  const salt = randomBytes(await loadSodiumSumo(), PRF_SALT_BYTES);
  await db.updateTable('moderators').set({ prf_salt: salt }).where('id', '=', moderatorId).where('prf_salt', 'is', null).execute();
  return (await db.selectFrom('moderators').select('prf_salt').where('id', '=', moderatorId).executeTakeFirstOrThrow()).prf_salt!;
}

/**
 * Verifies a registration against a challenge issued to this very moderator on this relying
 * party (consumed, so it cannot be replayed) and stores the passkey. Throws passkey_refused.
 */
export async function storePasskey(
  db: Kysely<Database>,
  rp: RelyingParty,
  moderatorId: string,
  registration: { response: RegistrationResponseJSON; wrappedSeed: Uint8Array | null },
  now = new Date(),
): Promise<{ id: string; createdOn: Day }> {
  const consumeChallenge = async (challenge: string) => {
    const bytes = Buffer.from(challenge, 'base64url');
    const row = await db
      .deleteFrom('passkey_registrations')
      .where('challenge', '=', bytes)
      .where('moderator_id', '=', moderatorId)
      .where('rp_id', '=', rp.id)
      .returning('expires_at')
      .executeTakeFirst();
    return row !== undefined && new Date(row.expires_at).getTime() >= now.getTime();
  };
  let verified: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
  try {
    verified = await verifyRegistrationResponse({
      response: registration.response,
      expectedChallenge: consumeChallenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      // A passkey is a factor only when the authenticator verified the person (PIN, biometrics).
      requireUserVerification: true,
    });
  } catch {
    throw PASSKEY_REFUSED();
  }
  if (!verified.verified) throw PASSKEY_REFUSED();
  if (registration.wrappedSeed && registration.wrappedSeed.length !== SEED_BYTES) {
    throw new CodedError('bad_length', { field: 'passkey.wrappedSeed', expected: SEED_BYTES, actual: registration.wrappedSeed.length });
  }
  const { credential } = verified.registrationInfo;
  const taken = await db.selectFrom('passkeys').select('id').where('credential_id', '=', credential.id).executeTakeFirst();
  if (taken) throw new CodedError('passkey_taken');
  const id = randomUUID();
  const createdOn = todayUtc(now);
  await db
    .insertInto('passkeys')
    .values({
      id,
      moderator_id: moderatorId,
      credential_id: credential.id,
      public_key: credential.publicKey,
      counter: credential.counter,
      transports: (credential.transports ?? []).join(','),
      rp_id: rp.id,
      // The column has one shape for every passkey (issue 23): random bytes where nothing is wrapped.
      wrapped_seed: registration.wrappedSeed ?? randomBytes(await loadSodiumSumo(), SEED_BYTES),
      binds_keys: registration.wrappedSeed !== null,
      created_on: createdOn,
    })
    .execute();
  return { id, createdOn };
}

/** Options for navigator.credentials.get() on a login challenge; the browser adds the PRF input. */
export function authenticationOptions(
  rp: RelyingParty,
  challenge: Uint8Array,
  allowCredentials: { id: string; transports?: string[] }[] = [],
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  return generateAuthenticationOptions({
    rpID: rp.id,
    challenge: new Uint8Array(challenge),
    timeout: WEBAUTHN_TIMEOUT_MS,
    userVerification: 'required',
    allowCredentials,
  });
}

/** Verifies an assertion by one of this moderator's passkeys on this relying party; the passkey, or undefined. */
export async function verifyPasskeyAssertion(
  db: Kysely<Database>,
  rp: RelyingParty,
  moderatorId: string,
  response: AuthenticationResponseJSON,
  challenge: Uint8Array,
  now = new Date(),
): Promise<{ id: string; wrappedSeed: Uint8Array | null } | undefined> {
  const passkey = await db.selectFrom('passkeys').selectAll().where('credential_id', '=', response.id).where('moderator_id', '=', moderatorId).where('rp_id', '=', rp.id).executeTakeFirst();
  if (!passkey) return undefined;
  try {
    const { verified, authenticationInfo } = await verifyAuthenticationResponse({
      response,
      expectedChallenge: base64url(challenge),
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      credential: { id: passkey.credential_id, publicKey: new Uint8Array(passkey.public_key), counter: Number(passkey.counter) },
      // UV=false (presence only) is refused at login and for every fresh assertion.
      requireUserVerification: true,
    });
    if (!verified) return undefined;
    await db
      .updateTable('passkeys')
      .set({ counter: authenticationInfo.newCounter, last_used_on: todayUtc(now) })
      .where('id', '=', passkey.id)
      .execute();
  } catch {
    return undefined;
  }
  return { id: passkey.id, wrappedSeed: passkey.binds_keys ? passkey.wrapped_seed : null };
}

/** Where a moderator stands: passkeys, whether their keys are bound to them, and the grace period (PASSKEY_GRACE_DAYS). */
export async function passkeyStanding(db: Kysely<Database>, moderatorId: string, graceDays: number, now = new Date()): Promise<PasskeyStanding> {
  const rows = await db.selectFrom('passkeys').select('binds_keys').where('moderator_id', '=', moderatorId).execute();
  if (rows.length > 0) return { passkeys: rows.length, keysBoundToPasskey: rows.every((r) => r.binds_keys), mayOpenSubmissions: true };
  const { passkey_asked_on: askedOn } = await db.selectFrom('moderators').select('passkey_asked_on').where('id', '=', moderatorId).executeTakeFirstOrThrow();
  const graceEnds = askedOn ? new Date(`${askedOn}T00:00:00Z`).getTime() + graceDays * 86_400_000 : 0;
  return { passkeys: 0, keysBoundToPasskey: false, mayOpenSubmissions: graceDays > 0 && now.getTime() < graceEnds };
}

export const PASSKEY_REQUIRED = (): CodedError => new CodedError('passkey_required');
