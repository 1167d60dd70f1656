// What GET /mod/api/submissions/:id answers: its response schema, and the type derived from it
// that the queue service returns and the console's submission page reads. Imports nothing
// server-only, so that the browser bundle's typecheck can follow it.
import type { FromSchema } from 'json-schema-to-ts';
import { daySchema } from '../followup/message-schema.js';
import { SUBMISSION_STATUSES } from '../workflow.js';

const day = daySchema;

// The source's status answer has its own message schema: the team's intake-key copies of its
// questions are for moderators only.
const moderatorMessagesSchema = {
  type: 'array',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['id', 'direction', 'ciphertext', 'sentOn', 'intakeCiphertext'],
    properties: {
      // Names the message when its files are fetched (a source's reply may carry some).
      id: { type: 'string' },
      direction: { type: 'string', enum: ['to_source', 'from_source'] },
      ciphertext: { type: 'string' },
      sentOn: day,
      // A question's copy sealed to the intake key; null for the source's messages and for questions asked before migration 0012.
      intakeCiphertext: { type: ['string', 'null'] },
    },
  },
} as const;

export const submissionViewSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'receivedOn', 'status', 'statusText', 'claim', 'paddingBucket', 'intakeKeyId', 'envelope', 'replyPublicKey', 'messages'],
  properties: {
    id: { type: 'string' },
    receivedOn: day,
    status: { type: 'string', enum: SUBMISSION_STATUSES },
    statusText: { type: 'string' },
    // Who is reviewing it now; null when nobody has started.
    claim: {
      anyOf: [{ type: 'null' }, { type: 'object', additionalProperties: false, required: ['id', 'handle'], properties: { id: { type: 'string' }, handle: { type: 'string' } } }],
    },
    paddingBucket: { type: 'integer' },
    intakeKeyId: { type: 'string' },
    // Null once retention has purged the ciphertext.
    envelope: { type: ['string', 'null'] },
    replyPublicKey: { type: ['string', 'null'] },
    messages: moderatorMessagesSchema,
  },
} as const;

export type SubmissionForModerator = FromSchema<typeof submissionViewSchema>;
