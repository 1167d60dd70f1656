// The moderation team (DESIGN §3 Moderators): invitations, enrolment, intake-key grants,
// disabling and key rotation. Every secret here was sealed in a browser; the server only
// checks shapes and stores.
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { decodeField } from '../binary-fields.js';
import { todayUtc } from '../db/day.js';
import type { AccountRole, Database, ModeratorRole } from '../db/schema.js';
import { moderatorRoles } from '../../common/vocabulary.js';
import { JOURNALIST_ROLE, mayEnter } from '../../common/workflow.js';
import { CodedError } from '../../common/errors.js';
import { allows, transition } from '../../common/workflow.js';
import { insertIntakeKey } from '../intake/service.js';
import { loadSodiumSumo } from '../../common/protocol/sodium-sumo.js';
import { toBase64 } from '../../common/protocol/encoding.js';
import { BOX_PUBLIC_KEY_BYTES } from '../../common/protocol/intake-key.js';
import { moderatorKeyFingerprint, verificationIsValid } from '../../common/protocol/key-verification.js';
import { MODERATOR_SALT_BYTES } from '../../common/protocol/moderator-keys.js';
import { invitationTokenHash, newOpaqueToken } from '../../common/protocol/opaque-tokens.js';
import { loadSodium } from '../../common/protocol/sodium.js';
import { appendAuditEntry } from '../audit/log.js';
import type { Json } from '../../common/protocol/canonical-json.js';
import type { FromSchema } from 'json-schema-to-ts';
import type { IntakeKeyRotationView, KeyVerification, TeamMember, WatchListView, WrappedKey } from '../../common/moderation/team-view.js';
import type { EnrolmentView, PasskeyOptionsView, PasskeyRegistration, PasskeySummary } from '../../common/moderation/access-view.js';
import { passkeyStanding, prfSaltOf, registrationOptions, storePasskey, type RelyingParty } from './passkeys.js';
import { HANDLE_PATTERN, type enrolSchema, type grantsSchema, type rotationSchema, type watchListSchema } from './schemas.js';
import { SEED_BYTES } from '../../common/protocol/passkey-prf.js';

export const INVITATION_LIFETIME_MS = 48 * 3600 * 1000;
const SIGN_PUBLIC_KEY_BYTES = 32;
// crypto_box_seal of a 32-byte secret key.
const WRAPPED_SECRET_KEY_BYTES = 32 + 48;

export interface ModeratorIdentity {
  id: string;
  handle: string;
  /** A journalist's press account shares the login machinery; common/workflow.ts mayEnter keeps it out of the console. */
  role: AccountRole;
}

export type Actor = ModeratorIdentity | 'operator';

function auditActor(actor: Actor): { id: string; handle: string } | 'system' {
  return actor === 'operator' ? 'system' : { id: actor.id, handle: actor.handle };
}

/** An invitation link on the origin people reach the site at (PUBLIC_ORIGIN), never a default port. */
export function invitationUrl(config: { publicOrigin: string }, token: string): string {
  return `${config.publicOrigin}/mod/enrol/${token}`;
}

export interface Invitation {
  moderatorId: string;
  token: string;
}

async function insertInvitation(trx: Transaction<Database>, moderatorId: string, token: string, now: Date): Promise<void> {
  await trx
    .insertInto('invitations')
    .values({ id: randomUUID(), moderator_id: moderatorId, token_hash: invitationTokenHash(token), expires_at: new Date(now.getTime() + INVITATION_LIFETIME_MS) })
    .execute();
}

/**
 * The second administrator who approved a team change (issue 26), when it went through a proposal;
 * undefined when one administrator made it alone (then it is announced to everyone, not approved).
 */
export type ApprovedBy = ModeratorIdentity | undefined;

const approvalDetails = (approvedBy: ApprovedBy): { [name: string]: Json } => (approvedBy ? { approvedBy: approvedBy.handle } : {});

/** Invites a new moderator (or re-invites one who never enrolled); returns the one-time token. */
export async function inviteModerator(db: Kysely<Database>, invitation: { handle: string; role: AccountRole }, by: Actor, now = new Date()): Promise<Invitation> {
  return db.transaction().execute((trx) => applyInvitation(trx, invitation, by, undefined, now));
}

/** An invitation inside the caller's transaction: alone, or approved by a second administrator. */
export async function applyInvitation(
  trx: Transaction<Database>,
  { handle, role }: { handle: string; role: AccountRole },
  by: Actor,
  approvedBy: ApprovedBy,
  now = new Date(),
): Promise<Invitation> {
  if (!new RegExp(HANDLE_PATTERN).test(handle)) {
    throw new CodedError('bad_handle');
  }
  const sumo = await loadSodiumSumo();
  const token = newOpaqueToken(sumo);
  const existing = await trx.selectFrom('moderators').select(['id', 'status']).where('handle', '=', handle).forUpdate().executeTakeFirst();
  if (existing && !allows('moderator', existing.status, 'invite')) {
    throw new CodedError('handle_taken', { handle });
  }
  // Break glass: an administrator invited from the shell while another is enrolled is announced, and may not rotate until verified.
  const fromShell = by === 'operator' && role === 'administrator' && (await administratorEnrolled(trx));
  const provenance = {
    invited_by: by === 'operator' ? null : by.id,
    invitation_confirmed_by: approvedBy?.id ?? null,
    invited_from_shell: fromShell,
  };
  const id = existing?.id ?? randomUUID();
  if (existing) {
    await trx
      .updateTable('moderators')
      .set({ role, ...provenance })
      .where('id', '=', id)
      .execute();
    await trx.deleteFrom('invitations').where('moderator_id', '=', id).execute();
  } else {
    await trx
      .insertInto('moderators')
      .values({ id, handle, role, status: transition('moderator', null, 'invite', by === 'operator' ? 'operator' : 'administrator'), invited_on: todayUtc(now), ...provenance })
      .execute();
  }
  await insertInvitation(trx, id, token, now);
  await appendAuditEntry(trx, {
    actor: auditActor(by),
    action: 'moderator.invited',
    subject: { type: 'moderator', id },
    details: { handle, role, ...approvalDetails(approvedBy), ...(fromShell ? { fromShell: true as Json } : {}) },
  });
  return { moderatorId: id, token };
}

export const FIRST_ADMINISTRATOR_HANDLE = 'admin';

/** Whether an administrator has enrolled: until then /mod/login says where the invitation is. */
export async function administratorEnrolled(db: Kysely<Database> | Transaction<Database>): Promise<boolean> {
  const row = await db.selectFrom('moderators').select('id').where('role', '=', 'administrator').where('status', '=', 'active').limit(1).executeTakeFirst();
  return row !== undefined;
}

export type FirstAdministrator = { state: 'enrolled' } | { state: 'invitation_pending'; expiresAt: Date } | { state: 'invited'; handle: string; token: string };

/**
 * On a fresh install, invites the first administrator once: while an unused administrator
 * invitation is still valid, no other is made (it was printed when it was made).
 */
export async function inviteFirstAdministrator(db: Kysely<Database>, now = new Date()): Promise<FirstAdministrator> {
  if (await administratorEnrolled(db)) return { state: 'enrolled' };
  const pending = await db
    .selectFrom('invitations')
    .innerJoin('moderators', 'moderators.id', 'invitations.moderator_id')
    .select('invitations.expires_at')
    .where('moderators.role', '=', 'administrator')
    .where('moderators.status', '=', 'invited')
    .where('invitations.used_on', 'is', null)
    .where('invitations.expires_at', '>', now)
    .orderBy('invitations.expires_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (pending) return { state: 'invitation_pending', expiresAt: new Date(pending.expires_at) };
  const { token } = await inviteModerator(db, { handle: FIRST_ADMINISTRATOR_HANDLE, role: 'administrator' }, 'operator', now);
  return { state: 'invited', handle: FIRST_ADMINISTRATOR_HANDLE, token };
}

export interface OpenInvitation {
  moderatorId: string;
  handle: string;
  role: AccountRole;
  /** The first administrator's browser creates the intake key pair at enrolment. */
  createsIntakeKey: boolean;
}

async function lockInvitation(db: Kysely<Database> | Transaction<Database>, token: string, now: Date) {
  const row = await db
    .selectFrom('invitations')
    .innerJoin('moderators', 'moderators.id', 'invitations.moderator_id')
    .select(['invitations.id as invitationId', 'invitations.expires_at', 'invitations.used_on', 'moderators.id', 'moderators.handle', 'moderators.role', 'moderators.status'])
    .where('invitations.token_hash', '=', invitationTokenHash(token))
    // Two browsers enrolling with one link: the second waits here, then finds it used.
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw new CodedError('unknown_invitation');
  if (row.used_on !== null || row.status !== 'invited') {
    throw new CodedError('invitation_used');
  }
  if (new Date(row.expires_at).getTime() <= now.getTime()) {
    throw new CodedError('invitation_expired');
  }
  return row;
}

async function intakeKeyExists(db: Kysely<Database> | Transaction<Database>): Promise<boolean> {
  return (await db.selectFrom('intake_keys').select('id').limit(1).executeTakeFirst()) !== undefined;
}

export async function openInvitation(db: Kysely<Database>, token: string, now = new Date()): Promise<OpenInvitation> {
  const row = await lockInvitation(db, token, now);
  return {
    moderatorId: row.id,
    handle: row.handle,
    role: row.role,
    createsIntakeKey: row.role === 'administrator' && !(await intakeKeyExists(db)),
  };
}

/** An enrolment's keys; only the first administrator's also carries the new intake key, its secret sealed to their box key. */
export type Enrolment = Omit<FromSchema<(typeof enrolSchema)['body']>, 'token' | 'passkey'>;

async function passkeyOptions(db: Kysely<Database>, rp: RelyingParty, moderator: { id: string; handle: string }, keysBoundToPasskey: boolean): Promise<PasskeyOptionsView> {
  const sodium = await loadSodium();
  const prfSalt = await prfSaltOf(db, moderator.id);
  return { options: await registrationOptions(db, rp, moderator), prfSalt: toBase64(sodium, prfSalt), keysBoundToPasskey };
}

/** Registration options for the passkey an invited moderator registers as they enrol. */
export async function enrolmentPasskeyOptions(db: Kysely<Database>, token: string, rp: RelyingParty, now = new Date()): Promise<PasskeyOptionsView> {
  const invitation = await lockInvitation(db, token, now);
  return passkeyOptions(db, rp, invitation, false);
}

/** Audits a refused passkey registration outside the transaction it rolled back, then refuses. */
async function auditRefusedPasskey(db: Kysely<Database>, moderatorId: string | undefined, step: string, error: unknown): Promise<never> {
  if (moderatorId && error instanceof CodedError && error.is('passkey_refused')) {
    await appendAuditEntry(db, { actor: 'system', action: 'passkey.refused', subject: { type: 'moderator', id: moderatorId }, details: { step } });
  }
  throw error;
}

const optionalSeed = (wrappedSeed: string | undefined) => (wrappedSeed === undefined ? null : decodeField(wrappedSeed, 'passkey.wrappedSeed', SEED_BYTES));

/**
 * Enrols an invited moderator with their public keys and, from the enrolment page always (the
 * route requires it), the passkey they registered; with PRF, it wraps the key seed. The demo seed
 * enrols without one: such moderators are asked for a passkey at login, like those enrolled before.
 */
export async function enrolModerator(
  db: Kysely<Database>,
  token: string,
  enrolment: Enrolment,
  passkey?: { rp: RelyingParty; registration: PasskeyRegistration },
  now = new Date(),
): Promise<EnrolmentView> {
  const sodium = await loadSodium();
  const salt = decodeField(enrolment.salt, 'salt', MODERATOR_SALT_BYTES);
  const signPublicKey = decodeField(enrolment.signPublicKey, 'signPublicKey', SIGN_PUBLIC_KEY_BYTES);
  const boxPublicKey = decodeField(enrolment.boxPublicKey, 'boxPublicKey', BOX_PUBLIC_KEY_BYTES);
  const intake = enrolment.intakeKey && {
    publicKey: decodeField(enrolment.intakeKey.publicKey, 'intakeKey.publicKey', BOX_PUBLIC_KEY_BYTES),
    wrapped: decodeField(enrolment.intakeKey.wrappedSecretKey, 'intakeKey.wrappedSecretKey', WRAPPED_SECRET_KEY_BYTES),
  };
  const wrappedSeed = optionalSeed(passkey?.registration.wrappedSeed);
  let invitedId: string | undefined;
  await db
    .transaction()
    .execute(async (trx) => {
      const invitation = await lockInvitation(trx, token, now);
      invitedId = invitation.id;
      const needsIntakeKey = invitation.role === 'administrator' && !(await intakeKeyExists(trx));
      if (needsIntakeKey && !intake) {
        throw new CodedError('intake_key_required');
      }
      if (!needsIntakeKey && intake) {
        throw new CodedError('intake_key_exists');
      }
      const day = todayUtc(now);
      await trx.updateTable('invitations').set({ used_on: day }).where('id', '=', invitation.invitationId).execute();
      // Team news starts from the day they join: the history before is in the audit log.
      const head = (await trx.selectFrom('audit_log').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirst())?.seq ?? 0;
      await trx
        .updateTable('moderators')
        .set({
          status: transition('moderator', invitation.status, 'enrol', 'invitee'),
          salt,
          sign_public_key: signPublicKey,
          box_public_key: boxPublicKey,
          enrolled_on: day,
          news_seen_seq: head,
        })
        .where('id', '=', invitation.id)
        .execute();
      // Verified against a challenge issued for this invitation's moderator: another handle's registration fails here.
      const stored = passkey && (await storePasskey(trx, passkey.rp, invitation.id, { response: passkey.registration.response, wrappedSeed }, now));
      const actor = { id: invitation.id, handle: invitation.handle };
      await appendAuditEntry(trx, { actor, action: 'moderator.enrolled', subject: { type: 'moderator', id: invitation.id } });
      if (stored) {
        await appendAuditEntry(trx, { actor, action: 'passkey.added', subject: { type: 'moderator', id: invitation.id }, details: { passkey: stored.id, keysBound: wrappedSeed !== null } });
      }
      if (intake) {
        const key = await insertIntakeKey(trx, intake.publicKey);
        await trx.insertInto('intake_key_grants').values({ intake_key_id: key.id, moderator_id: invitation.id, wrapped_secret_key: intake.wrapped }).execute();
        await appendAuditEntry(trx, {
          actor,
          action: 'intake_key.created',
          subject: { type: 'intake_key', id: key.id },
          details: { fingerprint: key.fingerprint },
        });
      }
    })
    .catch((error: unknown) => auditRefusedPasskey(db, invitedId, 'enrolment', error));
  return { keyFingerprint: moderatorKeyFingerprint(sodium, { boxPublicKey, signPublicKey }) };
}

export type { KeyVerification, TeamMember };

export async function listTeam(db: Kysely<Database>): Promise<TeamMember[]> {
  const sodium = await loadSodium();
  const current = await db.selectFrom('intake_keys').select('id').where('retired_on', 'is', null).executeTakeFirst();
  // Press accounts are not the team: they hold no keys and are listed on the press page (server/press/).
  const rows = (await db.selectFrom('moderators').selectAll().orderBy('handle').execute()).filter((m): m is typeof m & { role: ModeratorRole } => moderatorRoles.has(m.role));
  const grants = current
    ? new Set((await db.selectFrom('intake_key_grants').select('moderator_id').where('intake_key_id', '=', current.id).execute()).map((g) => g.moderator_id))
    : new Set<string>();
  const bound = await keysBoundByMember(db);
  return rows.map((m) => ({
    id: m.id,
    handle: m.handle,
    role: m.role,
    status: m.status,
    invitedOn: m.invited_on,
    enrolledOn: m.enrolled_on,
    boxPublicKey: m.box_public_key && toBase64(sodium, m.box_public_key),
    signPublicKey: m.sign_public_key && toBase64(sodium, m.sign_public_key),
    keyFingerprint: m.box_public_key && m.sign_public_key && moderatorKeyFingerprint(sodium, { boxPublicKey: m.box_public_key, signPublicKey: m.sign_public_key }),
    holdsCurrentKey: grants.has(m.id),
    keysBoundToPasskey: bound.has(m.id),
  }));
}

/** The moderators whose keys are bound to passkeys with PRF: at least one passkey, and every one wraps the seed. */
async function keysBoundByMember(db: Kysely<Database> | Transaction<Database>, ids?: string[]): Promise<Set<string>> {
  let query = db.selectFrom('passkeys').select(['moderator_id', 'binds_keys']);
  if (ids) query = query.where('moderator_id', 'in', ids.length > 0 ? ids : ['00000000-0000-0000-0000-000000000000']);
  const rows = await query.execute();
  const unbound = new Set(rows.filter((r) => !r.binds_keys).map((r) => r.moderator_id));
  return new Set(rows.map((r) => r.moderator_id).filter((id) => !unbound.has(id)));
}

/** Whether the operator lets the intake key go to moderators without PRF (ALLOW_KEYS_WITHOUT_PRF). */
export interface KeyPolicy {
  allowKeysWithoutPrf: boolean;
}

/**
 * Refuses to seal the intake key to anyone whose keys no PRF passkey binds (issue 23), unless the
 * operator allows it; then answers their handles, for the audit entry and the standing warning.
 */
async function refuseUnboundHolders(trx: Transaction<Database>, policy: KeyPolicy, moderatorIds: string[]): Promise<string[]> {
  const bound = await keysBoundByMember(trx, moderatorIds);
  const unboundIds = moderatorIds.filter((id) => !bound.has(id));
  if (unboundIds.length === 0) return [];
  const handles = (await trx.selectFrom('moderators').select('handle').where('id', 'in', unboundIds).orderBy('handle').execute()).map((m) => m.handle);
  if (!policy.allowKeysWithoutPrf) throw new CodedError('keys_not_prf_bound', { handles });
  return handles;
}

/** Who holds the current intake key, for the words an administrator without it reads (issue 28). */
export async function currentKeyHolders(db: Kysely<Database> | Transaction<Database>): Promise<string[]> {
  return (
    await db
      .selectFrom('intake_key_grants')
      .innerJoin('intake_keys', 'intake_keys.id', 'intake_key_grants.intake_key_id')
      .innerJoin('moderators', 'moderators.id', 'intake_key_grants.moderator_id')
      .select('moderators.handle')
      .where('intake_keys.retired_on', 'is', null)
      .where('moderators.status', '=', 'active')
      .orderBy('moderators.handle')
      .execute()
  ).map((m) => m.handle);
}

/** Every stored verification; browsers check each signature themselves before trusting it. */
export async function listKeyVerifications(db: Kysely<Database>): Promise<KeyVerification[]> {
  const sodium = await loadSodium();
  const rows = await db.selectFrom('key_verifications').select(['verifier_id', 'subject_id', 'signature']).orderBy('verified_on').execute();
  return rows.map((r) => ({ verifierId: r.verifier_id, subjectId: r.subject_id, signature: toBase64(sodium, r.signature) }));
}

/**
 * Stores an administrator's signature over a moderator's current public keys. Checked here too,
 * so that a mistaken or stale signature is a clear 400 rather than a record every browser ignores.
 */
export async function recordKeyVerification(db: Kysely<Database>, admin: ModeratorIdentity, subjectId: string, signatureBase64: string): Promise<void> {
  const sumo = await loadSodiumSumo();
  const sodium = await loadSodium();
  const signature = decodeField(signatureBase64, 'signature', 64);
  await db.transaction().execute(async (trx) => {
    const subject = await activeMember(trx, subjectId);
    const verifier = await trx.selectFrom('moderators').select('sign_public_key').where('id', '=', admin.id).executeTakeFirstOrThrow();
    const keys = subject.box_public_key && subject.sign_public_key && { boxPublicKey: subject.box_public_key, signPublicKey: subject.sign_public_key };
    if (!keys || !verifier.sign_public_key || !verificationIsValid(sumo, signature, subject.id, keys, verifier.sign_public_key)) {
      throw new CodedError('bad_verification');
    }
    await trx
      .insertInto('key_verifications')
      .values({ verifier_id: admin.id, subject_id: subject.id, signature, verified_on: todayUtc() })
      .onConflict((oc) => oc.columns(['verifier_id', 'subject_id']).doUpdateSet({ signature, verified_on: todayUtc() }))
      .execute();
    await appendAuditEntry(trx, {
      actor: { id: admin.id, handle: admin.handle },
      action: 'moderator.key_verified',
      subject: { type: 'moderator', id: subject.id },
      details: { handle: subject.handle, fingerprint: moderatorKeyFingerprint(sodium, keys) },
    });
  });
}

export type { WrappedKey };

/** The intake keys sealed to one moderator, for their browser to unwrap. */
export async function wrappedKeysFor(db: Kysely<Database>, moderatorId: string): Promise<WrappedKey[]> {
  const sodium = await loadSodium();
  const rows = await db
    .selectFrom('intake_key_grants')
    .innerJoin('intake_keys', 'intake_keys.id', 'intake_key_grants.intake_key_id')
    .select(['intake_keys.id', 'intake_keys.public_key', 'intake_keys.retired_on', 'intake_key_grants.wrapped_secret_key'])
    .where('intake_key_grants.moderator_id', '=', moderatorId)
    .orderBy('intake_keys.created_on', 'desc')
    .execute();
  return rows.map((r) => ({
    intakeKeyId: r.id,
    publicKey: toBase64(sodium, r.public_key),
    wrappedSecretKey: toBase64(sodium, r.wrapped_secret_key),
    current: r.retired_on === null,
  }));
}

export type GrantInput = FromSchema<(typeof grantsSchema)['body']>['grants'][number];

async function activeMember(trx: Transaction<Database>, moderatorId: string) {
  const member = await trx.selectFrom('moderators').selectAll().where('id', '=', moderatorId).forUpdate().executeTakeFirst();
  if (!member) throw new CodedError('unknown_moderator');
  if (member.status !== 'active') throw new CodedError('moderator_not_active', { handle: member.handle });
  return member;
}

/** Checks the shape of grants sealed in an administrator's browser: a 400 before anything is stored or proposed. */
export function decodeGrants(grants: GrantInput[]) {
  return grants.map((g) => ({ id: g.intakeKeyId, wrapped: decodeField(g.wrappedSecretKey, 'wrappedSecretKey', WRAPPED_SECRET_KEY_BYTES) }));
}

/** Stores intake keys an administrator's browser sealed to another moderator's box key. */
export async function grantIntakeKeys(db: Kysely<Database>, policy: KeyPolicy, admin: ModeratorIdentity, moderatorId: string, grants: GrantInput[]): Promise<void> {
  decodeGrants(grants);
  await db.transaction().execute((trx) => applyGrant(trx, policy, admin, moderatorId, grants, undefined));
}

export async function applyGrant(trx: Transaction<Database>, policy: KeyPolicy, admin: ModeratorIdentity, moderatorId: string, grants: GrantInput[], approvedBy: ApprovedBy): Promise<void> {
  const decoded = decodeGrants(grants);
  const member = await activeMember(trx, moderatorId);
  if (!mayEnter(member.role, 'console')) throw new CodedError('journalists_hold_no_keys');
  const withoutPrf = await refuseUnboundHolders(trx, policy, [member.id]);
  const known = new Set((await trx.selectFrom('intake_keys').select('id').execute()).map((k) => k.id));
  for (const grant of decoded) {
    if (!known.has(grant.id)) throw new CodedError('grant_unknown_key');
    await trx
      .insertInto('intake_key_grants')
      .values({ intake_key_id: grant.id, moderator_id: member.id, wrapped_secret_key: grant.wrapped })
      .onConflict((oc) => oc.columns(['intake_key_id', 'moderator_id']).doUpdateSet({ wrapped_secret_key: grant.wrapped }))
      .execute();
  }
  await appendAuditEntry(trx, {
    actor: { id: admin.id, handle: admin.handle },
    action: 'intake_key.granted',
    subject: { type: 'moderator', id: member.id },
    details: { handle: member.handle, keys: decoded.length, ...approvalDetails(approvedBy), ...(withoutPrf.length ? { withoutPrf: withoutPrf as Json } : {}) },
  });
}

async function refuseLastAdministrator(trx: Transaction<Database>, member: { role: AccountRole }): Promise<void> {
  if (member.role !== 'administrator') return;
  const admins = await trx.selectFrom('moderators').select('id').where('role', '=', 'administrator').where('status', '=', 'active').execute();
  if (admins.length <= 1) throw new CodedError('last_administrator');
}

export async function applyDisable(trx: Transaction<Database>, admin: ModeratorIdentity, moderatorId: string, approvedBy: ApprovedBy, now = new Date()): Promise<void> {
  const member = await activeMember(trx, moderatorId);
  await refuseLastAdministrator(trx, member);
  await trx
    .updateTable('moderators')
    .set({ status: transition('moderator', member.status, 'disable', 'administrator'), disabled_on: todayUtc(now) })
    .where('id', '=', member.id)
    .execute();
  await trx.deleteFrom('sessions').where('moderator_id', '=', member.id).execute();
  await trx.deleteFrom('intake_key_grants').where('moderator_id', '=', member.id).execute();
  await appendAuditEntry(trx, {
    actor: { id: admin.id, handle: admin.handle },
    action: 'moderator.disabled',
    subject: { type: 'moderator', id: member.id },
    details: { handle: member.handle, ...approvalDetails(approvedBy) },
  });
}

/** Changes a moderator's role; the last active administrator stays one. */
export async function applyRoleChange(trx: Transaction<Database>, admin: ModeratorIdentity, moderatorId: string, role: ModeratorRole, approvedBy: ApprovedBy): Promise<void> {
  const member = await activeMember(trx, moderatorId);
  if (member.role === role) return;
  await refuseLastAdministrator(trx, member);
  await trx.updateTable('moderators').set({ role }).where('id', '=', member.id).execute();
  await appendAuditEntry(trx, {
    actor: { id: admin.id, handle: admin.handle },
    action: 'moderator.role_changed',
    subject: { type: 'moderator', id: member.id },
    details: { handle: member.handle, role, ...approvalDetails(approvedBy) },
  });
}

/**
 * A new intake key, its secret sealed to the active moderators whose keys the administrator's
 * browser trusts (pinning; the others are granted later, after verification; always the
 * rotator's own), and the watch list re-sealed to it if there is one.
 */
export type Rotation = FromSchema<(typeof rotationSchema)['body']>;

/** Checks a rotation's shape: a 400 before anything is stored or proposed. */
export function decodeRotation(rotation: Rotation) {
  return {
    publicKey: decodeField(rotation.publicKey, 'publicKey', BOX_PUBLIC_KEY_BYTES),
    grants: rotation.grants.map((g) => ({ moderatorId: g.moderatorId, wrapped: decodeField(g.wrappedSecretKey, 'wrappedSecretKey', WRAPPED_SECRET_KEY_BYTES) })),
    watchList: rotation.watchList === undefined ? undefined : decodeField(rotation.watchList, 'watchList'),
  };
}

/**
 * An administrator invited from the shell (break glass) rotates only once another moderator has
 * verified their fingerprint: otherwise the operator alone could take the intake key from the team.
 */
export async function refuseUnverifiedShellAdministrator(trx: Transaction<Database>, admin: ModeratorIdentity): Promise<void> {
  const row = await trx.selectFrom('moderators').select('invited_from_shell').where('id', '=', admin.id).executeTakeFirstOrThrow();
  if (!row.invited_from_shell) return;
  const verified = await trx.selectFrom('key_verifications').select('verifier_id').where('subject_id', '=', admin.id).where('verifier_id', '!=', admin.id).executeTakeFirst();
  if (!verified) throw new CodedError('shell_administrator_unverified');
}

export async function applyRotation(trx: Transaction<Database>, policy: KeyPolicy, admin: ModeratorIdentity, rotation: Rotation, approvedBy: ApprovedBy): Promise<IntakeKeyRotationView> {
  const { publicKey, grants, watchList } = decodeRotation(rotation);
  // Journalists' press accounts never hold the intake key (issue 32): they are not left out, they are not the team.
  const activeRows = await trx.selectFrom('moderators').select(['id', 'handle']).where('status', '=', 'active').where('role', '!=', JOURNALIST_ROLE).orderBy('handle').execute();
  const active = new Set(activeRows.map((m) => m.id));
  const granted = new Set(grants.map((g) => g.moderatorId));
  if (granted.size !== grants.length || [...granted].some((id) => !active.has(id)) || !granted.has(admin.id)) {
    throw new CodedError('bad_grants');
  }
  await refuseUnverifiedShellAdministrator(trx, admin);
  const withoutPrf = await refuseUnboundHolders(trx, policy, [...granted]);
  const key = await insertIntakeKey(trx, publicKey);
  for (const grant of grants) {
    await trx.insertInto('intake_key_grants').values({ intake_key_id: key.id, moderator_id: grant.moderatorId, wrapped_secret_key: grant.wrapped }).execute();
  }
  if (watchList) {
    await trx.insertInto('watch_lists').values({ intake_key_id: key.id, ciphertext: watchList, updated_on: todayUtc() }).execute();
  }
  // Everyone left out is told so at their next login (the team news names them).
  const leftOut = activeRows.filter((m) => !granted.has(m.id)).map((m) => m.handle);
  await appendAuditEntry(trx, {
    actor: { id: admin.id, handle: admin.handle },
    action: 'intake_key.rotated',
    subject: { type: 'intake_key', id: key.id },
    details: { fingerprint: key.fingerprint, moderators: grants.length, leftOut, ...approvalDetails(approvedBy), ...(withoutPrf.length ? { withoutPrf: withoutPrf as Json } : {}) },
  });
  return { intakeKeyId: key.id, fingerprint: key.fingerprint };
}

/** The watch list of show titles and code names, sealed to the current intake key. */
export async function currentWatchList(db: Kysely<Database>): Promise<WatchListView | undefined> {
  const sodium = await loadSodium();
  const row = await db
    .selectFrom('watch_lists')
    .innerJoin('intake_keys', 'intake_keys.id', 'watch_lists.intake_key_id')
    .select(['watch_lists.intake_key_id', 'watch_lists.ciphertext'])
    .where('intake_keys.retired_on', 'is', null)
    .executeTakeFirst();
  return row && { intakeKeyId: row.intake_key_id, ciphertext: toBase64(sodium, row.ciphertext) };
}

export async function saveWatchList(db: Kysely<Database>, admin: ModeratorIdentity, input: FromSchema<(typeof watchListSchema)['body']>): Promise<void> {
  const ciphertext = decodeField(input.ciphertext, 'ciphertext');
  await db.transaction().execute(async (trx) => {
    const key = await trx.selectFrom('intake_keys').select(['id', 'retired_on']).where('id', '=', input.intakeKeyId).executeTakeFirst();
    if (!key || key.retired_on !== null) throw new CodedError('watch_list_retired_key');
    await trx
      .insertInto('watch_lists')
      .values({ intake_key_id: key.id, ciphertext, updated_on: todayUtc() })
      .onConflict((oc) => oc.column('intake_key_id').doUpdateSet({ ciphertext, updated_on: todayUtc() }))
      .execute();
    await appendAuditEntry(trx, { actor: { id: admin.id, handle: admin.handle }, action: 'watch_list.updated' });
  });
}

export async function listPasskeys(db: Kysely<Database>, moderatorId: string): Promise<PasskeySummary[]> {
  const rows = await db.selectFrom('passkeys').selectAll().where('moderator_id', '=', moderatorId).orderBy('created_on').orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, createdOn: r.created_on, lastUsedOn: r.last_used_on, relyingParty: r.rp_id, bindsKeys: r.binds_keys }));
}

/** Registration options for another passkey of the moderator asking (a spare, or a first one). */
export async function addPasskeyOptions(db: Kysely<Database>, rp: RelyingParty, me: ModeratorIdentity): Promise<PasskeyOptionsView> {
  const standing = await passkeyStanding(db, me.id, 0);
  return passkeyOptions(db, rp, me, standing.keysBoundToPasskey);
}

/**
 * Stores another passkey. Keys bound to passkeys stay bound: a new one must wrap the seed (PRF);
 * keys on the passphrase alone stay so (binding them means new keys: re-enrolment).
 */
export async function addPasskey(db: Kysely<Database>, rp: RelyingParty, me: ModeratorIdentity, registration: PasskeyRegistration, now = new Date()): Promise<PasskeySummary> {
  const wrappedSeed = optionalSeed(registration.wrappedSeed);
  const standing = await passkeyStanding(db, me.id, 0, now);
  if (standing.keysBoundToPasskey && !wrappedSeed) {
    throw new CodedError('passkey_needs_prf');
  }
  if (!standing.keysBoundToPasskey && wrappedSeed) {
    throw new CodedError('passkey_seed_unexpected');
  }
  const actor = { id: me.id, handle: me.handle };
  return db
    .transaction()
    .execute(async (trx) => {
      const passkey = await storePasskey(trx, rp, me.id, { response: registration.response, wrappedSeed }, now);
      await appendAuditEntry(trx, { actor, action: 'passkey.added', subject: { type: 'moderator', id: me.id }, details: { passkey: passkey.id, keysBound: wrappedSeed !== null } });
      return { id: passkey.id, createdOn: passkey.createdOn, lastUsedOn: null, relyingParty: rp.id, bindsKeys: wrappedSeed !== null };
    })
    .catch((error: unknown) => auditRefusedPasskey(db, me.id, 'add', error));
}

/** Removes one of the moderator's own passkeys; never the last, which would leave the passphrase alone at login. */
export async function removePasskey(db: Kysely<Database>, me: ModeratorIdentity, passkeyId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const own = await trx.selectFrom('passkeys').select('id').where('moderator_id', '=', me.id).forUpdate().execute();
    if (!own.some((p) => p.id === passkeyId)) throw new CodedError('unknown_passkey');
    if (own.length <= 1) throw new CodedError('last_passkey');
    await trx.deleteFrom('passkeys').where('id', '=', passkeyId).execute();
    await appendAuditEntry(trx, { actor: { id: me.id, handle: me.handle }, action: 'passkey.removed', subject: { type: 'moderator', id: me.id }, details: { passkey: passkeyId } });
  });
}

export async function applyReenrolment(trx: Transaction<Database>, admin: ModeratorIdentity, moderatorId: string, approvedBy: ApprovedBy, now = new Date()): Promise<Invitation> {
  if (moderatorId === admin.id) throw new CodedError('reenrol_self');
  const sumo = await loadSodiumSumo();
  const token = newOpaqueToken(sumo);
  const member = await activeMember(trx, moderatorId);
  await trx.deleteFrom('intake_key_grants').where('moderator_id', '=', member.id).execute();
  await trx.deleteFrom('passkeys').where('moderator_id', '=', member.id).execute();
  await trx.deleteFrom('sessions').where('moderator_id', '=', member.id).execute();
  await trx
    .deleteFrom('key_verifications')
    .where((eb) => eb.or([eb('subject_id', '=', member.id), eb('verifier_id', '=', member.id)]))
    .execute();
  await trx.deleteFrom('invitations').where('moderator_id', '=', member.id).execute();
  await trx
    .updateTable('moderators')
    .set({
      status: transition('moderator', member.status, 'reenrol', 'administrator'),
      salt: null,
      sign_public_key: null,
      box_public_key: null,
      prf_salt: null,
      enrolled_on: null,
      passkey_asked_on: null,
      invited_on: todayUtc(now),
      invited_by: admin.id,
      invitation_confirmed_by: approvedBy?.id ?? null,
      invited_from_shell: false,
    })
    .where('id', '=', member.id)
    .execute();
  await insertInvitation(trx, member.id, token, now);
  await appendAuditEntry(trx, {
    actor: { id: admin.id, handle: admin.handle },
    action: 'moderator.reenrolment_started',
    subject: { type: 'moderator', id: member.id },
    details: { handle: member.handle, ...approvalDetails(approvedBy) },
  });
  return { moderatorId, token };
}

/** Accounts another administrator invited alone, which `viewerId` may confirm (the team page's buttons). */
export async function invitationsToConfirm(db: Kysely<Database>, viewerId: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('moderators')
    .select('id')
    .where('invited_by', 'is not', null)
    .where('invited_by', '!=', viewerId)
    .where('invitation_confirmed_by', 'is', null)
    .where('status', '!=', 'disabled')
    .execute();
  return new Set(rows.map((r) => r.id));
}

/**
 * A second administrator confirms an account another administrator invited alone: from now on it
 * may review that administrator's drafts (before, only after INVITED_REVIEWER_WAIT_DAYS).
 */
export async function confirmInvitation(db: Kysely<Database>, admin: ModeratorIdentity, moderatorId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const member = await trx.selectFrom('moderators').select(['id', 'handle', 'invited_by', 'invitation_confirmed_by']).where('id', '=', moderatorId).forUpdate().executeTakeFirst();
    if (!member) throw new CodedError('unknown_moderator');
    if (member.invitation_confirmed_by !== null || member.invited_by === null) throw new CodedError('invitation_confirmed');
    if (member.invited_by === admin.id || member.id === admin.id) throw new CodedError('own_invitation');
    await trx.updateTable('moderators').set({ invitation_confirmed_by: admin.id }).where('id', '=', member.id).execute();
    await appendAuditEntry(trx, {
      actor: { id: admin.id, handle: admin.handle },
      action: 'moderator.invitation_confirmed',
      subject: { type: 'moderator', id: member.id },
      details: { handle: member.handle },
    });
  });
}
