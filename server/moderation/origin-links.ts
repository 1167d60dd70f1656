// Adding a passkey at another origin of the console (issue 25, docs/onion-service.md). Each origin
// (clearnet, onion, the console's own onion) is a WebAuthn relying party of its own, so a passkey
// made at one never answers at another, and a moderator who logs in at one cannot log in at the
// other until a passkey is registered there. From a session at the first, with a fresh assertion,
// the moderator asks for a one-time link to the second; opened there (in Tor Browser) within ten
// minutes, it registers one passkey for that origin. The key seed, when keys are bound to
// passkeys, travels in the link's fragment, sealed under the passphrase (common/protocol/origin-link.ts).
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { CodedError } from '../../common/errors.js';
import { newOpaqueToken, originLinkTokenHash } from '../../common/protocol/opaque-tokens.js';
import { loadSodiumSumo } from '../../common/protocol/sodium-sumo.js';
import { toBase64 } from '../../common/protocol/encoding.js';
import type { PasskeyOptionsView, PasskeyRegistration, PasskeySummary } from '../../common/moderation/access-view.js';
import { appendAuditEntry } from '../audit/log.js';
import type { RelyingParty } from './passkeys.js';
import { addPasskey, addPasskeyOptions, type ModeratorIdentity } from './team-service.js';

export const ORIGIN_LINK_LIFETIME_MS = 10 * 60_000;

export interface OriginLink {
  url: string;
  /** The token, which the browser seals the seed to (it is also the link's last path segment). */
  token: string;
  expiresAt: string;
}

/**
 * A one-time link to add a passkey at `targetOrigin`, one of the console's other origins. The
 * caller has checked a fresh assertion: a stolen session cookie alone makes no link.
 */
export async function makeOriginLink(db: Kysely<Database>, me: ModeratorIdentity, here: RelyingParty, consoleOrigins: string[], targetOrigin: string, now = new Date()): Promise<OriginLink> {
  if (targetOrigin === here.origin || !consoleOrigins.includes(targetOrigin)) throw new CodedError('unknown_console_origin');
  const token = newOpaqueToken(await loadSodiumSumo());
  const expiresAt = new Date(now.getTime() + ORIGIN_LINK_LIFETIME_MS);
  const target = new URL(targetOrigin);
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('passkey_origin_links').where('expires_at', '<', now).execute();
    await trx
      .insertInto('passkey_origin_links')
      .values({ token_hash: originLinkTokenHash(token), moderator_id: me.id, rp_id: target.hostname, expires_at: expiresAt })
      .execute();
    await appendAuditEntry(trx, { actor: { id: me.id, handle: me.handle }, action: 'passkey.origin_link', subject: { type: 'moderator', id: me.id }, details: { origin: targetOrigin } });
  });
  return { url: `${targetOrigin}/mod/passkeys/link/${token}`, token, expiresAt: expiresAt.toISOString() };
}

/** The moderator a live link at this origin belongs to; any other link (used, expired, made for another origin) is unknown. */
async function linkedModerator(db: Kysely<Database>, token: string, rp: RelyingParty, now: Date): Promise<ModeratorIdentity & { salt: Uint8Array | null }> {
  const row = await db
    .selectFrom('passkey_origin_links')
    .innerJoin('moderators', 'moderators.id', 'passkey_origin_links.moderator_id')
    .select(['moderators.id', 'moderators.handle', 'moderators.role', 'moderators.status', 'moderators.salt', 'passkey_origin_links.expires_at'])
    .where('passkey_origin_links.token_hash', '=', originLinkTokenHash(token))
    .where('passkey_origin_links.rp_id', '=', rp.id)
    .executeTakeFirst();
  if (!row || row.status !== 'active' || new Date(row.expires_at).getTime() < now.getTime()) throw new CodedError('unknown_origin_link');
  return { id: row.id, handle: row.handle, role: row.role, salt: row.salt };
}

/** What the link's page shows: whose link it is. */
export async function openOriginLink(db: Kysely<Database>, token: string, rp: RelyingParty, now = new Date()): Promise<{ handle: string }> {
  return { handle: (await linkedModerator(db, token, rp, now)).handle };
}

/** Registration options at this origin for the link's moderator, with their passphrase salt (to open a sealed seed). */
export async function originLinkPasskeyOptions(
  db: Kysely<Database>,
  token: string,
  rp: RelyingParty,
  now = new Date(),
): Promise<{ passkey: PasskeyOptionsView; salt: string; handle: string }> {
  const moderator = await linkedModerator(db, token, rp, now);
  const sodium = await loadSodiumSumo();
  return { passkey: await addPasskeyOptions(db, rp, moderator), salt: moderator.salt ? toBase64(sodium, moderator.salt) : '', handle: moderator.handle };
}

/** Spends the link (once, whatever follows) and registers its passkey at this origin, as a spare is added. */
export async function addPasskeyByOriginLink(db: Kysely<Database>, token: string, rp: RelyingParty, registration: PasskeyRegistration, now = new Date()): Promise<PasskeySummary> {
  const moderator = await linkedModerator(db, token, rp, now);
  const spent = await db.deleteFrom('passkey_origin_links').where('token_hash', '=', originLinkTokenHash(token)).returning('moderator_id').executeTakeFirst();
  if (!spent) throw new CodedError('unknown_origin_link');
  return addPasskey(db, rp, moderator, registration, now);
}
