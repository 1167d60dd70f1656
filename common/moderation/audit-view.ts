// What GET /mod/api/audit answers: its response schema, and the types derived from it that the
// audit module returns and the console's audit page reads. Imports nothing server-only.
import type { FromSchema } from 'json-schema-to-ts';

/**
 * An entry as stored (canonical JSON), plus its hash. Only seq and hash are declared: the rest
 * passes through untouched, so the browser hashes exactly what the server stored.
 */
const listedAuditEntrySchema = {
  type: 'object',
  additionalProperties: true,
  required: ['seq', 'hash'],
  properties: { seq: { type: 'integer' }, hash: { type: 'string' } },
} as const;

/** The server's own walk of the chain (verifyAuditChain). */
export const auditVerificationSchema = {
  anyOf: [
    {
      type: 'object',
      additionalProperties: false,
      required: ['ok', 'entries', 'headHash'],
      properties: { ok: { const: true }, entries: { type: 'integer' }, headHash: { type: 'string' } },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['ok', 'entries', 'brokenAt', 'reason'],
      properties: { ok: { const: false }, entries: { type: 'integer' }, brokenAt: { type: 'integer' }, reason: { type: 'string' } },
    },
  ],
} as const;

export const auditListViewSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['entries', 'verification'],
  properties: { entries: { type: 'array', items: listedAuditEntrySchema }, verification: auditVerificationSchema },
} as const;

export type AuditVerification = FromSchema<typeof auditVerificationSchema>;
export type AuditListView = FromSchema<typeof auditListViewSchema>;
