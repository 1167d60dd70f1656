// Schemas of the public API; vocabularies come from the one source of truth.
import type { FromSchema } from 'json-schema-to-ts';
import { errorResponseSchema } from '../../common/errors.js';
import { conditions, documentKinds, platforms, roles, taskTypes, verificationTiers } from '../../common/vocabulary.js';
import { FIGURE_STATUSES } from './disclosure.js';
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
          required: ['slug', 'url', 'title', 'body', 'pullQuotes', 'attribution', 'tags', 'publishedOn', 'batch', 'verification'],
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
            verification: {
              type: ['object', 'null'],
              description: 'The verification tier recorded at acceptance; null when none was (nothing is then said about documents)',
              required: ['tier', 'documentKinds', 'statement'],
              properties: {
                tier: { type: 'string', enum: verificationTiers.keys },
                documentKinds: { type: 'array', items: { type: 'string', enum: documentKinds.keys } },
                statement: { type: 'string', description: 'The tier in plain words, as the story page shows it' },
              },
            },
          },
        },
      },
      nextCursor: { type: ['string', 'null'] },
    },
  },
  '4xx': errorResponseSchema,
} as const;

export const statsQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    table: { type: 'string', maxLength: 1000, description: 'Comma-separated table ids (e.g. platform_by_pay_band,hours_band); all tables when absent' },
  },
} as const;

export type StatsQuery = FromSchema<typeof statsQuerySchema>;

const status = {
  type: 'string',
  enum: [...FIGURE_STATUSES],
  description: 'shown: count is a number. fewer_than_k: 1 to kMin−1 accounts (after noise). withheld: hidden so that a small count elsewhere cannot be worked out, or because its row or column holds fewer than kMin accounts; any number.',
} as const;
const figure = {
  type: 'object',
  required: ['count', 'status'],
  properties: { count: { type: ['integer', 'null'], description: 'Approximate (noisy) count; null unless status is shown' }, status },
} as const;
const shareFigure = { type: 'object', properties: { share: { type: ['number', 'null'], description: 'Between 0 and 1; null unless status is shown' }, status } } as const;
const keyLabel = { type: 'object', properties: { key: { type: 'string' }, label: { type: 'string' } } } as const;

const statisticsSnapshot = {
  type: ['object', 'null'],
  description: 'The figures as published (null before the first refresh). Every count carries two-sided geometric noise; totals are sums of the noisy cells.',
  properties: {
    format: { type: 'integer', const: 2 },
    kMin: { type: 'integer' },
    figuresUpdatedOn: { type: 'string', format: 'date', description: 'The day these figures were drawn; they carry over unchanged between refreshes' },
    epsilon: { type: 'object', properties: { perCount: { type: 'number' }, perRefresh: { type: 'number' } } },
    headline: {
      type: 'object',
      properties: {
        accounts: figure,
        platforms: figure,
        conditions: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              key: { type: 'string' },
              label: { type: 'string' },
              yes: figure,
              answered: figure,
              share: shareFigure,
            },
          },
        },
        verification: {
          type: 'object',
          description: 'Accounts where a moderator saw documents supporting the account (the verification tier), of all counted accounts: the figures of the table verification_tier; absent from figures drawn before it existed',
          properties: {
            label: { type: 'string' },
            documentsSeen: figure,
            accounts: { ...figure, description: 'Every counted account: the sum of the noisy counts with and without documents seen (the table\'s total)' },
            share: shareFigure,
          },
        },
      },
    },
    scorecardPlatforms: {
      type: 'array',
      items: { type: 'string' },
      description: 'Platforms named by at least kMin accounts after noise: those with a scorecard at /api/v1/platforms',
    },
    tables: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          title: { type: 'string' },
          description: { type: 'string' },
          rowTitle: { type: 'string' },
          columnTitle: { type: 'string' },
          rows: { type: 'array', items: keyLabel },
          columns: { type: 'array', items: keyLabel },
          cells: { type: 'array', items: { type: 'array', items: figure } },
          rowTotals: { type: 'array', items: figure },
          columnTotals: { type: 'array', items: figure },
          total: figure,
          medians: { type: 'array', items: { type: 'object', properties: { band: { type: ['string', 'null'] }, status } } },
        },
      },
    },
  },
} as const;

export const statsResponseSchema = {
  200: {
    type: 'object',
    required: ['batch', 'releasedOn', 'statistics'],
    properties: {
      batch: { type: ['integer', 'null'] },
      releasedOn: { type: ['string', 'null'], format: 'date' },
      statistics: statisticsSnapshot,
    },
  },
  '4xx': errorResponseSchema,
} as const;

// Releases: the release number is checked by the service, which names it when it is not one.
export const releaseParamsSchema = {
  type: 'object',
  required: ['n'],
  properties: { n: { type: 'string', maxLength: 20, description: 'The release (batch) number: 1, 2, 3 …' } },
} as const;

export type ReleaseParams = FromSchema<typeof releaseParamsSchema>;

const releaseSummary = {
  type: 'object',
  required: ['sequence', 'releasedOn', 'storyCount', 'hasFigures', 'figuresUpdatedOn', 'figuresFrom', 'url'],
  properties: {
    sequence: { type: 'integer', description: 'The release number (the batch number of its stories)' },
    releasedOn: { type: 'string', format: 'date' },
    storyCount: { type: 'integer', description: 'Stories published in this release (withdrawn ones included)' },
    hasFigures: { type: 'boolean' },
    figuresUpdatedOn: { type: ['string', 'null'], format: 'date', description: 'The day its figures were drawn' },
    figuresFrom: { type: ['integer', 'null'], description: 'The release that drew its figures: itself, or an earlier one they carried over from' },
    url: { type: 'string', description: 'Its permanent page' },
  },
} as const;

export const releasesResponseSchema = {
  200: { type: 'object', required: ['releases'], properties: { releases: { type: 'array', items: releaseSummary } } },
  '4xx': errorResponseSchema,
} as const;

export const releaseResponseSchema = {
  200: {
    type: 'object',
    required: ['release', 'citation', 'statistics', 'stories'],
    properties: {
      release: releaseSummary,
      citation: { type: 'string', description: 'The suggested citation' },
      statistics: statisticsSnapshot,
      stories: {
        type: 'array',
        items: {
          type: 'object',
          required: ['slug', 'status'],
          properties: {
            slug: { type: 'string' },
            status: { type: 'string', enum: ['published', 'retracted'], description: 'retracted: withdrawn at its source\'s request; nothing of it stays public' },
            title: { type: 'string' },
            attribution: { type: 'string' },
            url: { type: 'string' },
          },
        },
      },
    },
  },
  '4xx': errorResponseSchema,
} as const;

export const platformKeyParamsSchema = {
  type: 'object',
  required: ['key'],
  properties: { key: { type: 'string', pattern: '^[a-z0-9_]{1,40}$', description: 'A platform key, e.g. outlier; an unknown one is a 404' } },
} as const;

const scorecard = {
  type: 'object',
  required: ['key', 'label', 'accounts', 'principles'],
  properties: {
    key: { type: 'string' },
    label: { type: 'string' },
    accounts: { ...figure, description: 'Accounts naming the platform (approximate)' },
    principles: {
      type: 'array',
      items: {
        type: 'object',
        required: ['key', 'label', 'statements'],
        properties: {
          key: { type: 'string' },
          label: { type: 'string' },
          statements: {
            type: 'array',
            items: {
              type: 'object',
              required: ['key', 'says', 'answered', 'text'],
              properties: {
                key: { type: 'string' },
                says: { ...figure, description: 'Accounts saying it (approximate)' },
                answered: { ...figure, description: 'Accounts that answered the question (approximate; not-asked and skipped excluded)' },
                text: { type: 'string' },
              },
            },
          },
        },
      },
    },
  },
} as const;

const scorecardEnvelope = {
  batch: { type: ['integer', 'null'] },
  figuresUpdatedOn: { type: ['string', 'null'], format: 'date' },
  kMin: { type: 'integer' },
} as const;

export const platformsResponseSchema = {
  200: {
    type: 'object',
    required: ['batch', 'figuresUpdatedOn', 'kMin', 'platforms'],
    properties: { ...scorecardEnvelope, platforms: { type: 'array', items: scorecard, description: 'Only platforms named by at least kMin accounts' } },
  },
  '4xx': errorResponseSchema,
} as const;

export const platformResponseSchema = {
  200: {
    type: 'object',
    required: ['batch', 'figuresUpdatedOn', 'kMin', 'platform', 'hasScorecard'],
    properties: { ...scorecardEnvelope, platform: scorecard, hasScorecard: { type: 'boolean' } },
  },
  '4xx': errorResponseSchema,
} as const;
