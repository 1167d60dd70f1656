// What GET /mod/api/team and /mod/api/keys answer: its response schema, and the types derived from it that the
// team service returns and the console's team page reads. Imports nothing server-only, so that
// the browser bundle's typecheck can follow it.
import type { FromSchema } from 'json-schema-to-ts';
import { daySchema } from '../followup/message-schema.js';

const day = daySchema;
const nullableText = { type: ['string', 'null'] } as const;

const teamMemberSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'handle', 'role', 'status', 'invitedOn', 'enrolledOn', 'boxPublicKey', 'signPublicKey', 'keyFingerprint', 'holdsCurrentKey'],
  properties: {
    id: { type: 'string' },
    handle: { type: 'string' },
    role: { type: 'string', enum: ['administrator', 'moderator'] },
    status: { type: 'string', enum: ['invited', 'active', 'disabled'] },
    invitedOn: day,
    enrolledOn: { type: ['string', 'null'] },
    boxPublicKey: nullableText,
    signPublicKey: nullableText,
    // Over both public keys (protocol/key-verification.ts); browsers recompute it, never trust this one.
    keyFingerprint: nullableText,
    holdsCurrentKey: { type: 'boolean' },
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

export type WrappedKey = FromSchema<typeof wrappedKeySchema>;
export type WrappedKeysView = FromSchema<typeof wrappedKeysViewSchema>;
export type TeamView = FromSchema<typeof teamViewSchema>;
export type TeamMember = FromSchema<typeof teamMemberSchema>;
export type KeyVerification = FromSchema<typeof keyVerificationSchema>;
