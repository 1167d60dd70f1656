// Press questions (issue 32): request bodies and what the routes answer, for the server's routes and
// the browser bundles (journalist's desk, moderators' press page, the source's status page).
import type { FromSchema } from 'json-schema-to-ts';
import { errorResponseSchema } from '../errors.js';
import { QUESTION_STATUSES } from '../workflow.js';

/** The longest question a journalist may ask, and the longest answer text a source or moderator may write. */
export const QUESTION_MAX_CHARS = 2000;
export const ANSWER_MAX_CHARS = 8000;
export const PRESS_NAME_MAX_CHARS = 120;

const errors = { '4xx': errorResponseSchema, '5xx': errorResponseSchema } as const;
const uuid = { type: 'string', format: 'uuid' } as const;
const day = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } as const;
const nullableDay = { type: ['string', 'null'], pattern: '^\\d{4}-\\d{2}-\\d{2}$' } as const;
const status = { type: 'string', enum: QUESTION_STATUSES } as const;
const text = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength }) as const;
// Up to the body limit: a sealed answer over its bucket gets the protocol's own refusal.
const ciphertext = { type: 'string', minLength: 1, maxLength: 131_072 } as const;
const closed = <const P extends Record<string, unknown>, const R extends readonly (keyof P & string)[]>(required: R, properties: P) =>
  ({ type: 'object', additionalProperties: false, required, properties }) as const;
export const uuidParamsSchema = closed(['id'], { id: uuid });
const ok = { 200: closed(['ok'], { ok: { type: 'boolean' } }), ...errors } as const;

export const pressInvitationSchema = {
  body: closed(['handle', 'name', 'outlet'], {
    handle: { type: 'string', pattern: '^[a-z0-9][a-z0-9._-]{1,31}$' },
    name: text(PRESS_NAME_MAX_CHARS),
    outlet: text(PRESS_NAME_MAX_CHARS),
  }),
  response: { 201: closed(['url'], { url: { type: 'string' } }), ...errors },
} as const;

const journalistQuestion = closed(['id', 'storySlug', 'storyTitle', 'askedText', 'relayedText', 'status', 'askedOn', 'relayedOn', 'answeredOn', 'privateAnswer', 'publicAnswer'], {
  id: uuid,
  storySlug: { type: ['string', 'null'] },
  storyTitle: { type: 'string' },
  askedText: { type: 'string' },
  relayedText: { type: ['string', 'null'] },
  status,
  askedOn: day,
  relayedOn: nullableDay,
  answeredOn: nullableDay,
  /** Sealed to this journalist's key (base64); only their browser opens it. */
  privateAnswer: { type: ['string', 'null'] },
  publicAnswer: { type: ['string', 'null'] },
});
export const journalistQuestionsSchema = { response: { 200: closed(['questions'], { questions: { type: 'array', items: journalistQuestion } }), ...errors } } as const;
export type JournalistQuestionView = FromSchema<typeof journalistQuestion>;

export const askSchema = {
  body: closed(['storySlug', 'text'], { storySlug: { type: 'string', minLength: 1, maxLength: 200 }, text: { type: 'string', maxLength: QUESTION_MAX_CHARS } }),
  response: { 201: closed(['id', 'status'], { id: uuid, status }), ...errors },
} as const;

const moderatorQuestion = closed(['id', 'storySlug', 'storyTitle', 'journalist', 'askedText', 'relayedText', 'status', 'askedOn', 'sealedPublicAnswer', 'publicAnswer', 'answerAuthorId'], {
  id: uuid,
  storySlug: { type: ['string', 'null'] },
  storyTitle: { type: 'string' },
  journalist: closed(['name', 'outlet'], { name: { type: 'string' }, outlet: { type: 'string' } }),
  askedText: { type: 'string' },
  relayedText: { type: ['string', 'null'] },
  status,
  askedOn: day,
  /** An answer for publication, sealed to the intake key (base64): a moderator's browser opens it. */
  sealedPublicAnswer: { type: ['string', 'null'] },
  publicAnswer: { type: ['string', 'null'] },
  answerAuthorId: { type: ['string', 'null'] },
});
export const moderatorQuestionsSchema = { response: { 200: closed(['questions'], { questions: { type: 'array', items: moderatorQuestion } }), ...errors } } as const;
export type ModeratorQuestionView = FromSchema<typeof moderatorQuestion>;

export const relaySchema = { params: uuidParamsSchema, body: closed(['text'], { text: { type: 'string', maxLength: QUESTION_MAX_CHARS } }), response: ok } as const;
export const declineSchema = { params: uuidParamsSchema, body: closed([], {}), response: ok } as const;
export const draftAnswerSchema = { params: uuidParamsSchema, body: closed(['text'], { text: { type: 'string', maxLength: ANSWER_MAX_CHARS } }), response: ok } as const;
export const approveAnswerSchema = declineSchema;

// The source's side: the receipt's lookup token and withdrawal tag, as the status page sends them.
const receipt = { lookupToken: { type: 'string', minLength: 1, maxLength: 64 }, withdrawalTag: { type: 'string', minLength: 1, maxLength: 64 } } as const;
const sourceQuestion = closed(['id', 'journalist', 'text', 'status', 'relayedOn', 'answeredOn', 'journalistPublicKey'], {
  id: uuid,
  journalist: closed(['name', 'outlet'], { name: { type: 'string' }, outlet: { type: 'string' } }),
  text: { type: 'string' },
  status,
  relayedOn: day,
  answeredOn: nullableDay,
  /** The journalist's box public key (base64), made in their browser: a private answer is sealed to it. */
  journalistPublicKey: { type: 'string' },
});
export const sourceQuestionsSchema = {
  body: closed(['lookupToken', 'withdrawalTag'], receipt),
  response: { 200: closed(['questions'], { questions: { type: 'array', items: sourceQuestion } }), ...errors },
} as const;
export type SourceQuestionView = FromSchema<typeof sourceQuestion>;

export const ANSWER_KINDS = ['private', 'for_publication', 'decline'] as const;
export const sourceAnswerSchema = {
  body: closed(['lookupToken', 'withdrawalTag', 'questionId', 'kind'], { ...receipt, questionId: uuid, kind: { type: 'string', enum: ANSWER_KINDS }, ciphertext }),
  response: { 200: closed(['status'], { status }), ...errors },
} as const;
