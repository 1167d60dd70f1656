// What the team routes, /mod/api/keys and /mod/api/watch-list answer: their response schemas, and
// the types derived from them that the team service returns and the console's pages read.
// Imports nothing server-only, so that the browser bundles' typecheck can follow it.
import type { FromSchema } from 'json-schema-to-ts';
import { daySchema } from '../followup/message-schema.js';
import { moderatorRoles } from '../vocabulary.js';
import { TEAM_CHANGE_KINDS } from '../workflow.js';

const day = daySchema;
const nullableText = { type: ['string', 'null'] } as const;

const teamMemberSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'handle', 'role', 'status', 'invitedOn', 'enrolledOn', 'boxPublicKey', 'signPublicKey', 'keyFingerprint', 'holdsCurrentKey', 'keysBoundToPasskey'],
  properties: {
    id: { type: 'string' },
    handle: { type: 'string' },
    role: { type: 'string', enum: moderatorRoles.keys },
    status: { type: 'string', enum: ['invited', 'active', 'disabled'] },
    invitedOn: day,
    enrolledOn: { type: ['string', 'null'] },
    boxPublicKey: nullableText,
    signPublicKey: nullableText,
    // Over both public keys (protocol/key-verification.ts); browsers recompute it, never trust this one.
    keyFingerprint: nullableText,
    holdsCurrentKey: { type: 'boolean' },
    // Every passkey wraps the key seed with PRF: only such moderators may hold the intake key (issue 23).
    keysBoundToPasskey: { type: 'boolean' },
  },
} as const;

const keyVerificationSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['verifierId', 'subjectId', 'signature'],
  properties: { verifierId: { type: 'string' }, subjectId: { type: 'string' }, signature: { type: 'string' } },
} as const;

export const teamViewSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['members', 'verifications'],
  properties: { members: { type: 'array', items: teamMemberSchema }, verifications: { type: 'array', items: keyVerificationSchema } },
} as const;

/** A team change as a proposal (issue 26): what a change answers when a second administrator must approve it. */
export const proposalViewSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['proposal'],
  properties: {
    proposal: {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'kind'],
      properties: { id: { type: 'string' }, kind: { type: 'string', enum: TEAM_CHANGE_KINDS } },
    },
  },
} as const;

const teamChangeSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'kind', 'subjectHandle', 'proposedBy', 'proposedOn', 'summary'],
  properties: {
    id: { type: 'string' },
    kind: { type: 'string', enum: TEAM_CHANGE_KINDS },
    subjectHandle: nullableText,
    proposedBy: { type: 'string' },
    proposedOn: day,
    summary: { type: 'string' },
  },
} as const;

/** What GET /mod/api/team-changes answers: the proposals waiting for a second administrator. */
export const teamChangesViewSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['changes'],
  properties: { changes: { type: 'array', items: teamChangeSchema } },
} as const;

/** What approving a proposal answers: the link of an invitation or re-enrolment, or the new key of a rotation. */
export const teamChangeOutcomeViewSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['kind'],
  properties: { kind: { type: 'string', enum: TEAM_CHANGE_KINDS }, url: { type: 'string' }, intakeKeyId: { type: 'string' }, fingerprint: { type: 'string' } },
} as const;

const wrappedKeySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['intakeKeyId', 'publicKey', 'wrappedSecretKey', 'current'],
  properties: { intakeKeyId: { type: 'string' }, publicKey: { type: 'string' }, wrappedSecretKey: { type: 'string' }, current: { type: 'boolean' } },
} as const;

/** What GET /mod/api/keys answers: the intake keys sealed to the moderator asking. */
export const wrappedKeysViewSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['keys'],
  properties: { keys: { type: 'array', items: wrappedKeySchema } },
} as const;

/** What an invitation or a re-enrolment answers: the link the administrator passes on. */
export const invitationViewSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['url'],
  properties: { url: { type: 'string' } },
} as const;

/** What a rotation of the intake key answers. */
export const intakeKeyRotationViewSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['intakeKeyId', 'fingerprint'],
  properties: { intakeKeyId: { type: 'string' }, fingerprint: { type: 'string' } },
} as const;

/** What GET /mod/api/watch-list answers: the list sealed to the current intake key, or nulls before there is one. */
export const watchListViewSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['intakeKeyId', 'ciphertext'],
  properties: { intakeKeyId: nullableText, ciphertext: nullableText },
} as const;

export type WrappedKey = FromSchema<typeof wrappedKeySchema>;
export type WrappedKeysView = FromSchema<typeof wrappedKeysViewSchema>;
export type TeamView = FromSchema<typeof teamViewSchema>;
export type TeamMember = FromSchema<typeof teamMemberSchema>;
export type KeyVerification = FromSchema<typeof keyVerificationSchema>;
export type InvitationView = FromSchema<typeof invitationViewSchema>;
export type IntakeKeyRotationView = FromSchema<typeof intakeKeyRotationViewSchema>;
export type WatchListView = FromSchema<typeof watchListViewSchema>;
export type ProposalView = FromSchema<typeof proposalViewSchema>;
export type TeamChangeView = FromSchema<typeof teamChangeSchema>;
export type TeamChangeOutcomeView = FromSchema<typeof teamChangeOutcomeViewSchema>;
