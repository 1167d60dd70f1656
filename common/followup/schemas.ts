import type { FromSchema } from 'json-schema-to-ts';
import { daySchema, sealedMessagesSchema } from './message-schema.js';
import { SUBMISSION_STATUSES } from '../workflow.js';
import { errorResponseSchema } from '../errors.js';
import { TIMELINE_EVENTS } from './timeline.js';

// Lengths are checked on decoded bytes in the service; these caps only stop absurd input early.
const lookupToken = { type: 'string', minLength: 1, maxLength: 64 } as const;

const refusals = { '4xx': errorResponseSchema, '5xx': errorResponseSchema } as const;
const status = { type: 'string', enum: SUBMISSION_STATUSES } as const;
const day = daySchema;

export const lookupBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['lookupToken'],
  // The receipt's withdrawal tag finds the story and the account: nothing stored links them to the submission.
  properties: { lookupToken, withdrawalTag: lookupToken },
} as const;

export const statusResponseSchemas = {
  200: {
    type: 'object',
    additionalProperties: false,
    required: ['status', 'timeline', 'messages', 'canReply', 'canWithdraw', 'fileAllowance'],
    properties: {
      status,
      timeline: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['event', 'day'],
          properties: { event: { type: 'string', enum: TIMELINE_EVENTS }, day },
        },
      },
      messages: sealedMessagesSchema,
      story: {
        type: 'object',
        additionalProperties: false,
        required: ['url'],
        properties: { url: { type: 'string' } },
      },
      canReply: { type: 'boolean' },
      canWithdraw: { type: 'boolean' },
      // What a reply's files may still take: the per-account limits cover the account and its replies.
      fileAllowance: {
        type: 'object',
        additionalProperties: false,
        required: ['files', 'paddedBytes'],
        properties: { files: { type: 'integer', minimum: 0 }, paddedBytes: { type: 'integer', minimum: 0 } },
      },
    },
  },
  ...refusals,
} as const;

/** What POST /api/v1/status answers: derived from its schema, for the service and the status page. */
export type SourceStatus = FromSchema<(typeof statusResponseSchemas)[200]>;

export const messageBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['lookupToken', 'ciphertext'],
  properties: {
    lookupToken,
    // Up to the body limit, so that a message over the largest bucket gets its own 413.
    ciphertext: { type: 'string', minLength: 1, maxLength: 131_072 },
    // The complete upload whose files the sealed message lists (docs/attachments.md, Reply files).
    uploadId: { type: 'string', format: 'uuid' },
  },
} as const;

export const messageResponseSchemas = {
  201: { type: 'object', additionalProperties: false, required: ['status'], properties: { status } },
  ...refusals,
} as const;

export const withdrawResponseSchemas = {
  200: { type: 'object', additionalProperties: false, required: ['status'], properties: { status: { type: 'string', const: 'withdrawn' } } },
  ...refusals,
} as const;

// The no-JavaScript form: one form for viewing, answering and withdrawing.
export const statusFormBodySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    words: { type: 'string', maxLength: 2000 },
    action: { type: 'string', enum: ['view', 'reply', 'withdraw'] },
    // Up to the body limit, so that a message over the largest bucket gets its own 413.
    message: { type: 'string', maxLength: 131_072 },
    confirm: { type: 'string', maxLength: 10 },
  },
} as const;
