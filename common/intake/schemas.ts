import type { FromSchema } from 'json-schema-to-ts';
import { errorResponseSchema } from '../errors.js';

// Lengths are checked on decoded bytes in the service; these caps only stop absurd input early.
// The ciphertext has none: the 128 KiB body limit already does that, and Ajv's length keywords count
// code points one by one (~34 µs for a 4 KiB bucket's base64 on every submission).
export const submissionBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['v', 'intakeKeyId', 'ciphertext', 'replyPublicKey', 'lookupToken'],
  properties: {
    v: { const: 1 },
    intakeKeyId: { type: 'string', format: 'uuid' },
    ciphertext: { type: 'string', contentEncoding: 'base64' },
    replyPublicKey: { type: 'string', minLength: 1, maxLength: 64 },
    lookupToken: { type: 'string', minLength: 1, maxLength: 64 },
    /** The upload holding this account's sealed files (docs/attachments.md), when it has any. */
    uploadId: { type: 'string', format: 'uuid' },
  },
} as const;

export const submissionResponseSchemas = {
  201: {
    type: 'object',
    required: ['status'],
    properties: { status: { type: 'string', const: 'received' } },
  },
  '4xx': errorResponseSchema,
  '5xx': errorResponseSchema,
} as const;

// The no-JavaScript form: field rules live in account.ts; here only the shape of a form body.
export const submitFormBodySchema = {
  type: 'object',
  additionalProperties: {
    anyOf: [
      { type: 'string', maxLength: 70_000 },
      { type: 'array', items: { type: 'string', maxLength: 100 }, maxItems: 20 },
    ],
  },
} as const;

/** Form fields as both `URLSearchParams`-style bodies and `FormData` deliver them: one value or several. */
export type FormFields = FromSchema<typeof submitFormBodySchema>;

/** What a browser POSTs to /api/v1/submissions (DESIGN §3 step 4). */
export type SealedSubmission = FromSchema<typeof submissionBodySchema>;
