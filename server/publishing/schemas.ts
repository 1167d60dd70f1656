// Schemas of the public API, and the types the publishing services derive from them (one
// definition each: what the service returns is what is documented); vocabularies come from the one source of truth.
import type { FromSchema } from 'json-schema-to-ts';
import { errorResponseSchema } from '../../common/errors.js';
import { publicTagsSchema } from '../../common/moderation/publication-view.js';
import { attributionLabels, conditions, documentKinds, platforms, roles, taskTypes, verificationTiers } from '../../common/vocabulary.js';
import { LANGUAGES } from '../../common/languages.js';

// Constants the schemas below are built from live here, at the bottom of the import graph, so that
// the services importing these schemas' types are not imported back.
export const SEARCH_MAX_CHARS = 200;

/** The shape of the published snapshot; older snapshots (plain nulls) are not shown. */
export const STATISTICS_FORMAT = 2;

/**
 * The three states of every published figure, the same in HTML, charts, CSV and JSON:
 * `shown` (a number); `fewer_than_k` (1 to kMin−1 accounts); `withheld` (hidden so that a small
 * count elsewhere cannot be worked out, or because its row or column holds fewer than kMin
 * accounts; it may hold any number, zero included).
 */
export const FIGURE_STATUSES = ['shown', 'fewer_than_k', 'withheld'] as const;
export type FigureStatus = (typeof FIGURE_STATUSES)[number];

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

/** A story's status as the public sees it; the service keeps it, the story list does not send it. */
const publicStoryStatusSchema = {
  type: 'string',
  enum: ['published', 'retracted'],
  description: "retracted: withdrawn at its source's request; nothing of it stays public",
} as const;

const storyVerificationSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['tier', 'documentKinds', 'statement'],
  properties: {
    tier: { type: 'string', enum: verificationTiers.keys },
    documentKinds: { type: 'array', items: { type: 'string', enum: documentKinds.keys } },
    statement: { type: 'string', description: 'The tier in plain words, as the story page shows it' },
  },
} as const;

/** One published story as /api/v1/stories sends it. */
const storySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['slug', 'url', 'title', 'body', 'pullQuotes', 'attribution', 'tags', 'publishedOn', 'batch', 'verification'],
  properties: {
    slug: { type: 'string' },
    url: { type: 'string' },
    title: { type: 'string' },
    body: { type: 'string' },
    pullQuotes: { type: 'array', items: { type: 'string' } },
    attribution: { type: 'string', description: 'The attribution in English words (attributionKey names it in every language)' },
    tags: publicTagsSchema,
    publishedOn: { type: 'string', format: 'date' },
    batch: { type: 'integer' },
    // Optional, so last on the wire for old clients; absent only from a withdrawn story's notice.
    attributionKey: { type: 'string', enum: attributionLabels.keys, description: "The attribution's vocabulary key, the same in every language (issue 31)" },
    verification: {
      ...storyVerificationSchema,
      type: ['object', 'null'],
      description: 'The verification tier recorded at acceptance; null when none was (nothing is then said about documents)',
    },
  },
} as const;

/** The tier a moderator recorded at acceptance, as a story carries it. */
export type StoryVerification = FromSchema<typeof storyVerificationSchema>;

/** A published or retracted story as the feed, its page and a release read it: the wire's story without its url, with its status. */
export type PublicStory = Omit<FromSchema<typeof storySchema>, 'url'> & { status: FromSchema<typeof publicStoryStatusSchema> };

export const storiesResponseSchema = {
  200: {
    type: 'object',
    additionalProperties: false,
    required: ['stories', 'nextCursor'],
    properties: {
      stories: { type: 'array', items: storySchema },
      nextCursor: { type: ['string', 'null'] },
    },
  },
  '4xx': errorResponseSchema,
} as const;

/** `?lang=` of the JSON API and the Atom feed: the language of labels; keys and figures are the same in every one. */
const languageParameter = {
  type: 'string',
  enum: [...LANGUAGES],
  description: 'Language of the labels (keys and figures are the same in every language); the path prefix’s, or English, when absent',
} as const;

export const languageQuerySchema = { type: 'object', additionalProperties: false, properties: { lang: languageParameter } } as const;

export const statsQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    table: { type: 'string', maxLength: 1000, description: 'Comma-separated table ids (e.g. platform_by_pay_band,hours_band); all tables when absent' },
    lang: languageParameter,
  },
} as const;

const status = {
  type: 'string',
  enum: FIGURE_STATUSES,
  description:
    'shown: count is a number (with continual release, its noisy value reached kMin plus a margin, so that it rests on kMin or more accounts with the stated confidence). fewer_than_k: fewer than kMin after noise (the noisy value fell below that threshold; the true count may be 0, or sometimes more). withheld: hidden so that a small count elsewhere cannot be worked out, or because its row or column holds fewer than kMin accounts after noise; any number.',
} as const;

const figureSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['count', 'status'],
  properties: {
    count: { type: ['integer', 'null'], description: 'Approximate (noisy) count; null unless status is shown' },
    status,
    margin: {
      type: 'integer',
      minimum: 0,
      description:
        'Margin of error of a shown count: its noise lies within ± margin with the confidence stated in release.confidence ("about 47 ± 6"); absent from figures drawn before continual release',
    },
  },
} as const;

/** A published figure: `count` is a number exactly when `status` is `shown`. */
export type Figure = FromSchema<typeof figureSchema>;

const shareFigureSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['share', 'status'],
  description: 'The share (0..1) answering yes: a number exactly when status is shown',
  properties: { share: { type: ['number', 'null'], description: 'Between 0 and 1; null unless status is shown' }, status },
} as const;

export type ShareFigure = FromSchema<typeof shareFigureSchema>;

const medianFigureSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['band', 'status'],
  description: "A row's median band: band is a key exactly when status is shown and the row is not empty",
  properties: { band: { type: ['string', 'null'] }, status },
} as const;

export type MedianFigure = FromSchema<typeof medianFigureSchema>;

const keyLabel = { type: 'object', additionalProperties: false, required: ['key', 'label'], properties: { key: { type: 'string' }, label: { type: 'string' } } } as const;

const publishedTableSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'title', 'description', 'rowTitle', 'columnTitle', 'rows', 'columns', 'cells', 'rowTotals', 'columnTotals', 'total'],
  properties: {
    id: { type: 'string' },
    title: { type: 'string' },
    description: { type: 'string' },
    rowTitle: { type: 'string' },
    columnTitle: { type: 'string' },
    rows: { type: 'array', items: keyLabel },
    columns: { type: 'array', items: keyLabel },
    cells: { type: 'array', items: { type: 'array', items: figureSchema } },
    rowTotals: { type: 'array', items: figureSchema },
    columnTotals: { type: 'array', items: figureSchema },
    total: figureSchema,
    medians: { type: 'array', items: medianFigureSchema, description: "Per row, the median band (pay tables only): shown when the row's total is shown" },
    question: { type: 'string', description: "The question as the form asked it, in the response's language (answer tables only)" },
  },
} as const;

/** One published table, as stored with its release and sent. */
export type PublishedTableView = FromSchema<typeof publishedTableSchema>;

const verificationHeadlineSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['label', 'documentsSeen', 'accounts', 'share'],
  description:
    'Accounts where a moderator saw documents supporting the account (the verification tier), of all counted accounts: the figures of the table verification_tier; absent from figures drawn before it existed',
  properties: {
    label: { type: 'string' },
    documentsSeen: figureSchema,
    accounts: { ...figureSchema, description: "Every counted account: the sum of the noisy counts with and without documents seen (the table's total)" },
    share: shareFigureSchema,
    // Issue 33 (API 2.6.0): absent from figures drawn before the tier existed.
    verifiedEmail: { ...figureSchema, description: "Accounts backed by a platform's signed email, verified by a moderator's browser (DKIM): the table's verified_email column" },
    verifiedEmailShare: { ...shareFigureSchema, description: 'verifiedEmail as a share of all counted accounts' },
  },
} as const;

const publishedStatisticsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['format', 'kMin', 'figuresUpdatedOn', 'epsilon', 'headline', 'tables'],
  properties: {
    format: { type: 'integer', const: STATISTICS_FORMAT },
    kMin: { type: 'integer' },
    figuresUpdatedOn: { type: 'string', format: 'date', description: 'The day these figures were drawn; they carry over unchanged between refreshes' },
    epsilon: {
      type: 'object',
      additionalProperties: false,
      required: ['perCount', 'perRefresh'],
      description: 'ε spent by this refresh: per count, and for the account that touches the most counts',
      properties: { perCount: { type: 'number' }, perRefresh: { type: 'number' } },
    },
    release: {
      type: 'object',
      additionalProperties: false,
      required: ['refresh', 'nodesPerCount', 'confidence', 'showFrom', 'margin', 'budget'],
      description:
        'Continual release (binary tree): which scheduled refresh drew these figures, how much noise each count carries, and the lifetime privacy budget; absent from figures drawn before it',
      properties: {
        refresh: { type: 'integer', description: 'The scheduled refresh (1, 2, …) that drew these figures' },
        nodesPerCount: { type: 'integer', description: 'Stored noise values (tree nodes) each count adds up at this refresh' },
        confidence: { type: 'number', description: 'Confidence that a shown count rests on kMin or more accounts, and of every margin of error' },
        showFrom: { type: 'integer', description: 'A count is shown only when its noisy value is at least kMin plus this' },
        margin: { type: 'integer', description: 'The margin of error of every shown cell (totals carry their own)' },
        budget: {
          type: 'object',
          additionalProperties: false,
          required: ['epsilonPerNode', 'countsPerAccount', 'levels', 'horizonRefreshes', 'perCount', 'lifetime', 'spent'],
          properties: {
            epsilonPerNode: { type: 'number', description: 'ε of each stored noise value' },
            countsPerAccount: { type: 'integer', description: 'Counts one account can move (naming every platform and task type, answering everything)' },
            levels: { type: 'integer', description: 'Tree levels: the most noise values one event lies in' },
            horizonRefreshes: { type: 'integer', description: 'Refreshes the budget covers; later ones are refused' },
            perCount: { type: 'number', description: 'ε per count per account over the horizon' },
            lifetime: { type: 'number', description: 'ε per account over the horizon, all counts together (pure differential privacy, losses added)' },
            spent: { type: 'number', description: 'ε one account can have lost by this refresh' },
          },
        },
      },
    },
    headline: {
      type: 'object',
      additionalProperties: false,
      required: ['accounts', 'platforms', 'conditions'],
      properties: {
        accounts: figureSchema,
        platforms: { ...figureSchema, description: 'Platforms named by at least kMin accounts (after noise); withheld while accounts are few' },
        conditions: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['key', 'label', 'yes', 'answered', 'share'],
            properties: { key: { type: 'string' }, label: { type: 'string' }, yes: figureSchema, answered: figureSchema, share: shareFigureSchema },
          },
        },
        // Optional, so last on the wire: snapshots drawn before the tier table carry none.
        verification: verificationHeadlineSchema,
      },
    },
    tables: { type: 'array', items: publishedTableSchema },
    // Optional, so last on the wire (the serialiser writes required properties first): snapshots
    // from before the scorecards (still format 2) carry no list. Only which platforms, never their
    // counts: the tables publish those under their own rules.
    scorecardPlatforms: {
      type: 'array',
      items: { type: 'string' },
      description: 'Platforms named by at least kMin accounts after noise: those with a scorecard at /api/v1/platforms',
    },
  },
} as const;

/** The published snapshot of one refresh with its words in one language, as the API sends it. */
export type PublishedStatistics = FromSchema<typeof publishedStatisticsSchema>;

/** A row or column as stored: its key (snapshots from before issue 31 also hold an English label, never read). */
type StoredKey = { key: string; label?: string };
type Words<T, K extends keyof T> = Omit<T, K> & Partial<Pick<T, K>>;
/** One table as a release stores it: keys and figures, no words (those are rendered per language at the edge). */
export type StoredTable = Omit<Words<PublishedTableView, 'title' | 'description' | 'rowTitle' | 'columnTitle'>, 'rows' | 'columns'> & { rows: StoredKey[]; columns: StoredKey[] };
type Headline = PublishedStatistics['headline'];
/** A refresh's figures as a release stores them (issue 31 item 2): keys, never labels. */
export type StoredStatistics = Omit<PublishedStatistics, 'tables' | 'headline'> & {
  tables: StoredTable[];
  headline: Omit<Headline, 'conditions' | 'verification'> & {
    conditions: Words<Headline['conditions'][number], 'label'>[];
    verification?: Words<NonNullable<Headline['verification']>, 'label'>;
  };
};

const statisticsSnapshot = {
  ...publishedStatisticsSchema,
  type: ['object', 'null'],
  description: 'The figures as published (null before the first refresh). Every count carries two-sided geometric noise; totals are sums of the noisy cells.',
} as const;

export const statsResponseSchema = {
  200: {
    type: 'object',
    additionalProperties: false,
    required: ['batch', 'releasedOn', 'statistics'],
    properties: {
      batch: { type: ['integer', 'null'] },
      releasedOn: { type: ['string', 'null'], format: 'date' },
      statistics: statisticsSnapshot,
    },
  },
  '4xx': errorResponseSchema,
} as const;

export type StatsResponse = FromSchema<(typeof statsResponseSchema)[200]>;

// Releases: the release number is checked by the service, which names it when it is not one.
export const releaseParamsSchema = {
  type: 'object',
  required: ['n'],
  properties: { n: { type: 'string', maxLength: 20, description: 'The release (batch) number: 1, 2, 3 …' } },
} as const;

export type ReleaseParams = FromSchema<typeof releaseParamsSchema>;

const releaseSummarySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['sequence', 'releasedOn', 'storyCount', 'hasFigures', 'figuresUpdatedOn', 'figuresFrom', 'url'],
  properties: {
    sequence: { type: 'integer', description: 'The release number (the batch number of its stories)' },
    releasedOn: { type: 'string', format: 'date' },
    storyCount: { type: 'integer', description: 'Stories published in this release (withdrawn ones included)' },
    hasFigures: { type: 'boolean', description: 'Whether the release has figures that can be shown' },
    figuresUpdatedOn: { type: ['string', 'null'], format: 'date', description: 'The day its figures were drawn' },
    figuresFrom: { type: ['integer', 'null'], description: 'The release that drew its figures: itself, or an earlier one they carried over from' },
    url: { type: 'string', description: 'Its permanent page' },
  },
} as const;

/** A release as the service reads it: the wire's summary without its url (the route knows the origin). */
export type ReleaseSummary = Omit<FromSchema<typeof releaseSummarySchema>, 'url'>;

export const releasesResponseSchema = {
  200: {
    type: 'object',
    additionalProperties: false,
    required: ['releases'],
    properties: { releases: { type: 'array', items: releaseSummarySchema } },
  },
  '4xx': errorResponseSchema,
} as const;

const { slug, title, attribution, url } = storySchema.properties;

export const releaseResponseSchema = {
  200: {
    type: 'object',
    additionalProperties: false,
    required: ['release', 'citation', 'auditHead', 'statistics', 'stories'],
    properties: {
      release: releaseSummarySchema,
      citation: { type: 'string', description: 'The suggested citation' },
      auditHead: {
        type: ['object', 'null'],
        additionalProperties: false,
        required: ['length', 'hash'],
        description:
          "The moderators' audit log when this release was made: its number of entries and the hex SHA-256 head of its hash chain (null before these were published). Keep it: a later rewrite or truncation of the log no longer matches.",
        properties: { length: { type: 'integer' }, hash: { type: 'string' } },
      },
      statistics: statisticsSnapshot,
      stories: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['slug', 'status'],
          description: 'A retracted story keeps only its slug and status',
          properties: { slug, status: publicStoryStatusSchema, title, attribution, url },
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

export const SCORECARD_CELL_STATES = ['shown', 'fewer_than_k', 'withheld', 'not_asked', 'no_answers', 'platform_fewer_than_k'] as const;

const scorecardCellSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['platform', 'question', 'state', 'says', 'answered', 'percent', 'askedFrom', 'words', 'text'],
  properties: {
    platform: { type: 'string', description: 'The platform key (the column)' },
    question: { type: 'string', description: 'The question key (the row)' },
    state: {
      type: 'string',
      enum: SCORECARD_CELL_STATES,
      description:
        "shown: says is a number (answered too, unless hidden). fewer_than_k: not shown, fewer than kMin after noise. withheld: hidden to protect another figure. not_asked: the platform's accounts came before the question (askedFrom). no_answers: no account answered. platform_fewer_than_k: fewer than kMin accounts name the platform after noise.",
    },
    says: { ...figureSchema, description: 'Accounts giving the counted answers (approximate)' },
    answered: { ...figureSchema, description: 'Accounts that answered the question (approximate; not-asked and skipped excluded)' },
    percent: { type: ['integer', 'null'], description: 'says as a whole percent of answered, where both are shown' },
    askedFrom: { type: 'string', description: 'The half-year the form first asked the question; older accounts count as not asked' },
    notAsked: { ...figureSchema, description: 'Accounts about the platform from before the question' },
    words: { type: 'string', description: 'The cell as the table shows it' },
    text: { type: 'string', description: 'The cell in a sentence naming the platform, the question as asked and the answers counted' },
  },
} as const;

/** One cell of the scorecard: a platform's figures for one question, or why there are none. */
export type ScorecardCell = FromSchema<typeof scorecardCellSchema>;
export type ScorecardCellState = (typeof SCORECARD_CELL_STATES)[number];

const questionProperties = {
  key: { type: 'string' },
  principle: { type: 'string', description: 'The principle the row belongs to (after Fairwork and Turkopticon)' },
  principleLabel: { type: 'string' },
  asked: { type: 'string', description: 'The question as the form asked it' },
  counts: { type: 'string', description: 'The answers the row counts' },
  askedFrom: { type: 'string', description: 'The half-year the form first asked it' },
} as const;
const questionRequired = ['key', 'principle', 'principleLabel', 'asked', 'counts', 'askedFrom'] as const;

const scorecardPlatformSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['key', 'label', 'accounts'],
  properties: { key: { type: 'string' }, label: { type: 'string' }, accounts: { ...figureSchema, description: 'Accounts naming the platform (approximate)' } },
} as const;

const scorecardEnvelope = {
  batch: { type: ['integer', 'null'] },
  figuresUpdatedOn: { type: ['string', 'null'], format: 'date' },
  kMin: { type: 'integer' },
} as const;

const scorecardResponse = {
  type: 'object',
  additionalProperties: false,
  required: ['batch', 'figuresUpdatedOn', 'kMin', 'platforms', 'questions'],
  properties: {
    ...scorecardEnvelope,
    platforms: { type: 'array', items: scorecardPlatformSchema, description: 'The columns: platforms named by at least kMin accounts after noise' },
    questions: {
      type: 'array',
      description: 'The rows, each with one cell per platform, in the order of platforms',
      items: {
        type: 'object',
        additionalProperties: false,
        required: [...questionRequired, 'cells'],
        properties: { ...questionProperties, cells: { type: 'array', items: scorecardCellSchema } },
      },
    },
  },
} as const;

/** The whole scorecard, as /api/v1/platforms sends it and the page and CSV show it. */
export type ScorecardResponse = FromSchema<typeof scorecardResponse>;

export const platformsResponseSchema = {
  200: scorecardResponse,
  '4xx': errorResponseSchema,
} as const;

export const platformResponseSchema = {
  200: {
    type: 'object',
    additionalProperties: false,
    required: ['batch', 'figuresUpdatedOn', 'kMin', 'platform', 'hasScorecard', 'questions'],
    properties: {
      ...scorecardEnvelope,
      platform: scorecardPlatformSchema,
      hasScorecard: { type: 'boolean', description: 'Whether the platform is a column of the scorecard (named by at least kMin accounts after noise)' },
      questions: {
        type: 'array',
        description: "Every question, with this platform's cell",
        items: { type: 'object', additionalProperties: false, required: [...questionRequired, 'cell'], properties: { ...questionProperties, cell: scorecardCellSchema } },
      },
    },
  },
  '4xx': errorResponseSchema,
} as const;
