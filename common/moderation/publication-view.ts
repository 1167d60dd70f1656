// What the console shows of a draft's publication (attribution, tags, reasons): its schema and
// the type derived from it. Imports nothing server-only, so browser bundles can follow it.
import type { FromSchema } from 'json-schema-to-ts';

/** A story's tag keys as published (only values shared by at least K_MIN accounts): stored, sent and shown. */
export const publicTagsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    platforms: { type: 'array', items: { type: 'string' } },
    roles: { type: 'array', items: { type: 'string' } },
    taskTypes: { type: 'array', items: { type: 'string' } },
    conditions: { type: 'array', items: { type: 'string' } },
  },
} as const;

/** The attribution key and tag keys as published: what approval records and a release compares. */
export const publicationSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['attribution', 'tags'],
  properties: { attribution: { type: 'string', maxLength: 40 }, tags: publicTagsSchema },
} as const;

export const publicationPreviewSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['chosenAttribution', 'attribution', 'attributionText', 'attributionReason', 'publication', 'tags'],
  properties: {
    chosenAttribution: { type: 'string' },
    attribution: { type: 'string' },
    attributionText: { type: 'string' },
    attributionReason: { type: ['string', 'null'] },
    publication: publicationSchema,
    tags: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['kind', 'key', 'label', 'published', 'reason'],
        properties: {
          kind: { type: 'string', enum: ['platforms', 'roles', 'taskTypes', 'conditions'] },
          key: { type: 'string' },
          label: { type: 'string' },
          published: { type: 'boolean' },
          reason: { type: ['string', 'null'] },
        },
      },
    },
  },
} as const;

export type PublicationPreview = FromSchema<typeof publicationPreviewSchema>;
export type ApprovedPublication = FromSchema<typeof publicationSchema>;

/** A story's state as its console page re-renders it after an action. */
export const storyStateViewSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['status', 'statusText', 'reviewNote', 'canReview', 'canRevise', 'publication'],
  properties: {
    status: { type: 'string' },
    statusText: { type: 'string' },
    reviewNote: { type: ['string', 'null'] },
    canReview: { type: 'boolean' },
    canRevise: { type: 'boolean' },
    publication: publicationPreviewSchema,
  },
} as const;

export type StoryStateView = FromSchema<typeof storyStateViewSchema>;
