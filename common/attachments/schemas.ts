import type { FromSchema } from 'json-schema-to-ts';
import { errorResponseSchema } from '../errors.js';

export const uploadDeclarationSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['v', 'files'],
  properties: {
    v: { const: 1 },
    // The count limit is the operator's and is checked in the service, with its own message.
    files: {
      type: 'array',
      maxItems: 100,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['paddedSize', 'sha256'],
        properties: {
          paddedSize: { type: 'integer', minimum: 1 },
          sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
        },
      },
    },
  },
} as const;

const errors = { '4xx': errorResponseSchema, '5xx': errorResponseSchema } as const;

export const uploadCreatedSchemas = {
  201: {
    type: 'object',
    required: ['uploadId', 'chunkBytes', 'files'],
    properties: {
      uploadId: { type: 'string' },
      chunkBytes: { type: 'integer' },
      files: { type: 'array', items: { type: 'object', required: ['chunks'], properties: { chunks: { type: 'integer' } } } },
    },
  },
  ...errors,
} as const;

export const chunkStoredSchemas = {
  201: { type: 'object', required: ['stored'], properties: { stored: { type: 'boolean', const: true } } },
  ...errors,
} as const;

/** A moderator's browser fetching one sealed file of a submission. */
export const sealedFileParamsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'file'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    file: { type: 'integer', minimum: 0, maximum: 1000 },
  },
} as const;

/** A moderator's browser fetching one sealed file of a source's reply. */
export const replyFileParamsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'messageId', 'file'],
  properties: { ...sealedFileParamsSchema.properties, messageId: { type: 'string', format: 'uuid' } },
} as const;

export type UploadDeclaration = FromSchema<typeof uploadDeclarationSchema>;
export type DeclaredFile = UploadDeclaration['files'][number];
export type CreatedUpload = FromSchema<(typeof uploadCreatedSchemas)[201]>;
