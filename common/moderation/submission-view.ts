// What GET /mod/api/submissions/:id answers: its response schema, and the type derived from it
// that the queue service returns and the console's submission page reads. Imports nothing
// server-only, so that the browser bundle's typecheck can follow it.
import type { FromSchema } from 'json-schema-to-ts';
import { daySchema, sealedMessagesSchema } from '../followup/message-schema.js';
import { SUBMISSION_STATUSES } from '../workflow.js';

const day = daySchema;

export const submissionViewSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'receivedOn', 'status', 'paddingBucket', 'intakeKeyId', 'envelope', 'replyPublicKey', 'messages'],
  properties: {
    id: { type: 'string' },
    receivedOn: day,
    status: { type: 'string', enum: SUBMISSION_STATUSES },
    paddingBucket: { type: 'integer' },
    intakeKeyId: { type: 'string' },
    // Null once retention has purged the ciphertext.
    envelope: { type: ['string', 'null'] },
    replyPublicKey: { type: 'string' },
    messages: sealedMessagesSchema,
  },
} as const;

export type SubmissionForModerator = FromSchema<typeof submissionViewSchema>;
