// Schemas of the public API; vocabularies come from the one source of truth.
import { errorResponseSchema } from '../errors.js';
import { conditions, platforms, roles, taskTypes } from '../vocabulary.js';
import { SEARCH_MAX_CHARS } from './stories.js';

// The filter form sends every field; an empty one means "any".
export const storiesQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    platform: { type: 'string', enum: [...platforms.keys, ''] },
    role: { type: 'string', enum: [...roles.keys, ''] },
    taskType: { type: 'string', enum: [...taskTypes.keys, ''] },
    condition: { type: 'string', enum: [...conditions.keys, ''], description: 'Stories whose source answered yes' },
    q: { type: 'string', maxLength: SEARCH_MAX_CHARS, description: 'Full-text search (web search syntax)' },
    cursor: { type: 'string', maxLength: 400, description: 'nextCursor of the previous page' },
  },
} as const;

export const slugParamsSchema = {
  type: 'object',
  required: ['slug'],
  properties: { slug: { type: 'string', pattern: '^[a-z0-9-]{1,80}$' } },
} as const;

const stringList = { type: 'array', items: { type: 'string' } } as const;

export const storiesResponseSchema = {
  200: {
    type: 'object',
    required: ['stories', 'nextCursor'],
    properties: {
      stories: {
        type: 'array',
        items: {
          type: 'object',
          required: ['slug', 'url', 'title', 'body', 'pullQuotes', 'attribution', 'tags', 'publishedOn', 'batch'],
          properties: {
            slug: { type: 'string' },
            url: { type: 'string' },
            title: { type: 'string' },
            body: { type: 'string' },
            pullQuotes: stringList,
            attribution: { type: 'string' },
            tags: { type: 'object', properties: { platforms: stringList, roles: stringList, taskTypes: stringList, conditions: stringList } },
            publishedOn: { type: 'string', format: 'date' },
            batch: { type: 'integer' },
          },
        },
      },
      nextCursor: { type: ['string', 'null'] },
    },
  },
  '4xx': errorResponseSchema,
} as const;

const nullableCount = { type: ['integer', 'null'] } as const;
const keyLabel = { type: 'object', properties: { key: { type: 'string' }, label: { type: 'string' } } } as const;

export const statsResponseSchema = {
  200: {
    type: 'object',
    required: ['batch', 'releasedOn', 'statistics'],
    properties: {
      batch: { type: ['integer', 'null'] },
      releasedOn: { type: ['string', 'null'] },
      statistics: {
        type: ['object', 'null'],
        description: 'null values are fewer than kMin accounts (suppressed), including complementary suppression',
        properties: {
          kMin: { type: 'integer' },
          computedOn: { type: 'string' },
          headline: {
            type: 'object',
            properties: {
              accounts: nullableCount,
              platforms: nullableCount,
              conditions: { type: 'array', items: { type: 'object', properties: { key: { type: 'string' }, label: { type: 'string' }, share: { type: ['number', 'null'] }, answered: nullableCount } } },
            },
          },
          tables: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                id: { type: 'string' },
                title: { type: 'string' },
                description: { type: 'string' },
                rows: { type: 'array', items: keyLabel },
                columns: { type: 'array', items: keyLabel },
                cells: { type: 'array', items: { type: 'array', items: nullableCount } },
                rowTotals: { type: 'array', items: nullableCount },
                columnTotals: { type: 'array', items: nullableCount },
                total: nullableCount,
                medians: { type: 'array', items: { type: ['string', 'null'] } },
              },
            },
          },
        },
      },
    },
  },
} as const;
