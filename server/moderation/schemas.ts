// JSON schemas for /mod/api; vocabularies are checked in the services (one source of truth).
import { errorResponseSchema } from '../../common/errors.js';
import { LANGUAGES } from '../../common/languages.js';
import { submissionViewSchema } from '../../common/moderation/submission-view.js';
import {
  intakeKeyRotationViewSchema,
  invitationViewSchema,
  proposalViewSchema,
  teamChangeOutcomeViewSchema,
  teamChangesViewSchema,
  teamViewSchema,
  watchListViewSchema,
  wrappedKeysViewSchema,
} from '../../common/moderation/team-view.js';
import {
  authenticationResponseSchema,
  enrolmentViewSchema,
  loginChallengeViewSchema,
  loginViewSchema,
  passkeyLoginViewSchema,
  passkeyOptionsViewSchema,
  passkeyRegistrationSchema,
  passkeysViewSchema,
  passkeySummarySchema,
} from '../../common/moderation/access-view.js';
import { auditListViewSchema } from '../../common/moderation/audit-view.js';
import { queueViewSchema } from '../../common/moderation/queue-view.js';
import { SUBMISSION_STATUSES } from '../../common/workflow.js';
import { claimFilters, moderatorRoles } from '../../common/vocabulary.js';
import { publicationPreviewSchema, publicationSchema, storyStateViewSchema } from '../../common/moderation/publication-view.js';
import { passkeyRequestOptionsSchema } from '../../common/moderation/access-view.js';

const base64 = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength }) as const;
const uuid = { type: 'string', format: 'uuid' } as const;
const uuidParams = { type: 'object', required: ['id'], properties: { id: uuid } } as const;
const errors = { '4xx': errorResponseSchema, '5xx': errorResponseSchema } as const;
const empty = { type: 'object', additionalProperties: false, properties: {} } as const;
const okResponse = { 200: { type: 'object', required: ['ok'], properties: { ok: { type: 'boolean' } } }, ...errors } as const;

export const idParamsSchema = uuidParams;

// Here rather than in team-service.ts, which imports these schemas' types.
export const HANDLE_PATTERN = '^[a-z0-9][a-z0-9._-]{1,31}$';

/** A JSON object body that names every field it may carry. */
const closedObject = <const Required extends readonly string[], const Properties extends object>(required: Required, properties: Properties) =>
  ({ type: 'object', additionalProperties: false, required, properties }) as const;

/** An action on the thing /:id names, with `body`, answering { ok }. */
const actionOnId = <const Body extends object>(body: Body) => ({ params: uuidParams, body, response: okResponse }) as const;

/** The team page's list: members and key verifications, serialised through this schema. */
export const teamSchema = { response: { 200: teamViewSchema, ...errors } } as const;

/** The intake keys sealed to the moderator asking, serialised through this schema. */
export const wrappedKeysSchema = { response: { 200: wrappedKeysViewSchema, ...errors } } as const;

/** Opening a submission: what the console's submission page reads is serialised through this schema. */
export const openSubmissionSchema = { params: uuidParams, response: { 200: submissionViewSchema, ...errors } } as const;

const token = { type: 'string', minLength: 20, maxLength: 100 } as const;
const passkeyOptionsResponse = { 200: passkeyOptionsViewSchema, ...errors } as const;

export const enrolPasskeyOptionsSchema = {
  body: closedObject(['token'], { token }),
  response: passkeyOptionsResponse,
} as const;

export const passkeyOptionsSchema = { body: { anyOf: [empty, { type: 'null' }] }, response: passkeyOptionsResponse } as const;

// A fresh passkey assertion (issue 26): changes a stolen session alone must not make carry one.
const assertion = authenticationResponseSchema;
/** A body that carries nothing but the fresh assertion. */
const assertionOnly = { type: 'object', additionalProperties: false, properties: { assertion } } as const;

export const addPasskeySchema = {
  body: closedObject(['response'], { ...passkeyRegistrationSchema.properties, assertion }),
  response: { 201: passkeySummarySchema, ...errors },
} as const;

export const removePasskeySchema = actionOnId(assertionOnly);

// A passkey at another origin of the console (issue 25, origin-links.ts).
const consoleOrigin = { type: 'string', minLength: 1, maxLength: 300 } as const;
export const originLinkSchema = {
  body: closedObject(['origin', 'assertion'], { origin: consoleOrigin, assertion }),
  response: {
    201: {
      type: 'object',
      additionalProperties: false,
      required: ['url', 'token', 'expiresAt'],
      properties: { url: { type: 'string' }, token: { type: 'string' }, expiresAt: { type: 'string' } },
    },
    ...errors,
  },
} as const;
export const originLinkOptionsSchema = {
  body: closedObject(['token'], { token }),
  response: {
    200: {
      type: 'object',
      additionalProperties: false,
      required: ['passkey', 'salt', 'handle'],
      properties: { passkey: passkeyOptionsViewSchema, salt: { type: 'string' }, handle: { type: 'string' } },
    },
    ...errors,
  },
} as const;
export const originLinkPasskeySchema = {
  body: closedObject(['token', 'response'], { token, ...passkeyRegistrationSchema.properties }),
  response: { 201: passkeySummarySchema, ...errors },
} as const;

/** Options for a fresh assertion on a challenge bound to this session. */
export const assertionOptionsSchema = { body: { anyOf: [empty, { type: 'null' }] }, response: { 200: passkeyRequestOptionsSchema, ...errors } } as const;

export const passkeysSchema = { response: { 200: passkeysViewSchema, ...errors } } as const;

export const enrolPageSchema = { params: { type: 'object', required: ['token'], properties: { token } } } as const;

const proposal = { 202: proposalViewSchema } as const;

export const reenrolSchema = {
  params: uuidParams,
  body: { anyOf: [empty, { type: 'null' }] },
  response: { 200: invitationViewSchema, ...proposal, ...errors },
} as const;

export const disableSchema = { params: uuidParams, body: { anyOf: [empty, { type: 'null' }] }, response: { ...okResponse, ...proposal } } as const;

export const roleSchema = {
  params: uuidParams,
  body: closedObject(['role'], { role: { type: 'string', enum: moderatorRoles.keys }, assertion }),
  response: { ...okResponse, ...proposal },
} as const;

export const teamChangesSchema = { response: { 200: teamChangesViewSchema, ...errors } } as const;

export const approveTeamChangeSchema = { params: uuidParams, body: assertionOnly, response: { 200: teamChangeOutcomeViewSchema, ...errors } } as const;

export const decideTeamChangeSchema = { params: uuidParams, body: { anyOf: [empty, { type: 'null' }] }, response: okResponse } as const;

export const confirmInvitationSchema = { params: uuidParams, body: assertionOnly, response: okResponse } as const;

export const enrolSchema = {
  body: {
    type: 'object',
    additionalProperties: false,
    required: ['token', 'salt', 'signPublicKey', 'boxPublicKey', 'passkey'],
    properties: {
      token,
      passkey: passkeyRegistrationSchema,
      salt: base64(64),
      signPublicKey: base64(64),
      boxPublicKey: base64(64),
      intakeKey: closedObject(['publicKey', 'wrappedSecretKey'], { publicKey: base64(64), wrappedSecretKey: base64(200) }),
    },
  },
  response: { 201: enrolmentViewSchema, ...errors },
} as const;

const handle = { type: 'string', minLength: 1, maxLength: 64 } as const;

/** The proof of work a challenge costs while challenges pile up (login-work.ts). */
const loginWork = closedObject(['puzzle', 'nonce'], { puzzle: base64(80), nonce: base64(12) });

export const challengeSchema = {
  body: closedObject(['handle'], { handle, work: loginWork }),
  response: { 200: loginChallengeViewSchema, ...errors },
} as const;

export const loginPasskeySchema = {
  body: closedObject(['handle', 'challenge', 'assertion'], { handle, challenge: base64(64), assertion: authenticationResponseSchema }),
  response: { 200: passkeyLoginViewSchema, ...errors },
} as const;

export const loginSchema = {
  body: closedObject(['handle', 'challenge', 'signature'], { handle, challenge: base64(64), signature: base64(128) }),
  response: { 200: loginViewSchema, ...errors },
} as const;

export const emptyBodySchema = { body: { anyOf: [empty, { type: 'null' }] }, response: okResponse } as const;

/** The console's language a moderator chooses on the passkeys page; null follows the browser. */
export const consoleLanguageSchema = {
  body: {
    type: 'object',
    required: ['language'],
    additionalProperties: false,
    properties: { language: { anyOf: [{ type: 'string', enum: [...LANGUAGES] }, { type: 'null' }] } },
  },
  response: { 200: { type: 'object', required: ['language'], properties: { language: { anyOf: [{ type: 'string', enum: [...LANGUAGES] }, { type: 'null' }] } } }, ...errors },
} as const;

/** The navigation's Log out form, posted without JavaScript too: only its CSRF token. */
export const logoutFormSchema = {
  body: { type: 'object', properties: { _csrf: { type: 'string', maxLength: 200 } }, additionalProperties: false },
} as const;

const term = { type: 'string', maxLength: 40 } as const;

export const facetsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['platforms', 'taskTypes', 'conditions', 'consent'],
  properties: {
    role: term,
    platforms: { type: 'array', items: term, maxItems: 20, uniqueItems: true },
    taskTypes: { type: 'array', items: term, maxItems: 20, uniqueItems: true },
    payBand: term,
    hoursBand: term,
    conditions: { type: 'object', additionalProperties: term, maxProperties: 20 },
    consent: term,
    accountVersion: { type: 'integer', enum: [1, 2, 3] },
    facts: { type: 'object', additionalProperties: term, maxProperties: 20 },
    halfYear: { type: 'string', maxLength: 20 },
  },
} as const;

export const storyDraftSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['title', 'body', 'pullQuotes', 'attributionLabel', 'identifierMarks'],
  properties: {
    title: { type: 'string', minLength: 1, maxLength: 200 },
    body: { type: 'string', minLength: 1, maxLength: 60_000 },
    pullQuotes: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 600 }, maxItems: 5 },
    attributionLabel: term,
    // The console's report of the redaction helper's marks (the server cannot read the text).
    identifierMarks: {
      type: 'object',
      additionalProperties: false,
      required: ['unresolved', 'dismissed'],
      properties: { unresolved: { type: 'integer', minimum: 0, maximum: 100_000 }, dismissed: { type: 'integer', minimum: 0, maximum: 100_000 } },
    },
  },
} as const;

import { signedEmailVerificationSchema } from '../evidence/schemas.js';

// The verification tier: at least one kind of document seen (checked against the vocabulary in the service, 400 naming the field).
const verificationTierSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['documentKinds'],
  properties: { documentKinds: { type: 'array', minItems: 1, maxItems: 20, items: { type: 'string', maxLength: 60 } } },
} as const;

export const acceptSchema = {
  params: uuidParams,
  body: {
    type: 'object',
    additionalProperties: false,
    required: ['facets'],
    // The receipt's withdrawal tag as the sealed account carries it (base64), copied by the moderator's browser.
    properties: {
      facets: facetsSchema,
      story: storyDraftSchema,
      verification: verificationTierSchema,
      // A platform's signed email the moderator's browser verified (issue 33).
      signedEmail: signedEmailVerificationSchema,
      withdrawalTag: { type: 'string', maxLength: 64 },
    },
  },
  response: {
    200: { type: 'object', required: ['accepted'], properties: { accepted: { type: 'boolean', const: true }, storyId: { type: 'string' } } },
    ...errors,
  },
} as const;

export const rejectSchema = actionOnId(closedObject(['reason'], { reason: { type: 'string', minLength: 1, maxLength: 2000 } }));

// Sealed twice in the moderator's browser: to the source's reply key, and to the current intake key for the team.
export const questionSchema = actionOnId(closedObject(['ciphertext', 'intakeCiphertext'], { ciphertext: base64(90_000), intakeCiphertext: base64(90_000) }));

export const returnStorySchema = actionOnId(closedObject(['note'], { note: { type: 'string', minLength: 1, maxLength: 4000 } }));

export const reviseStorySchema = { params: uuidParams, body: storyDraftSchema, response: okResponse } as const;

export const inviteSchema = {
  body: {
    type: 'object',
    additionalProperties: false,
    required: ['handle', 'role'],
    properties: { handle: { type: 'string', pattern: HANDLE_PATTERN }, role: { type: 'string', enum: moderatorRoles.keys } },
  },
  response: { 201: invitationViewSchema, ...proposal, ...errors },
} as const;

export const grantsSchema = {
  params: uuidParams,
  body: closedObject(['grants'], {
    // An empty list is refused in the service, with words naming who can grant (no_intake_key_to_grant).
    grants: { type: 'array', maxItems: 100, items: closedObject(['intakeKeyId', 'wrappedSecretKey'], { intakeKeyId: uuid, wrappedSecretKey: base64(200) }) },
    assertion,
  }),
  response: { ...okResponse, ...proposal },
} as const;

export const verificationSchema = actionOnId(closedObject(['signature'], { signature: base64(128) }));

export const rotationSchema = {
  body: {
    type: 'object',
    additionalProperties: false,
    required: ['publicKey', 'grants'],
    properties: {
      publicKey: base64(64),
      grants: { type: 'array', maxItems: 1000, items: closedObject(['moderatorId', 'wrappedSecretKey'], { moderatorId: uuid, wrappedSecretKey: base64(200) }) },
      watchList: base64(90_000),
    },
  },
  response: { 201: intakeKeyRotationViewSchema, ...proposal, ...errors },
} as const;

export const sealedWatchListSchema = { response: { 200: watchListViewSchema, ...errors } } as const;

export const auditListSchema = { response: { 200: auditListViewSchema, ...errors } } as const;

export const watchListSchema = {
  body: {
    type: 'object',
    additionalProperties: false,
    required: ['intakeKeyId', 'ciphertext'],
    properties: { intakeKeyId: uuid, ciphertext: base64(90_000) },
  },
  response: okResponse,
} as const;

export const queueQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { status: { type: 'string', enum: [...SUBMISSION_STATUSES, 'undecided'] }, claim: { type: 'string', enum: claimFilters.keys } },
} as const;

export const queueSchema = { querystring: queueQuerySchema, response: { 200: queueViewSchema, ...errors } } as const;

export const claimSchema = {
  params: uuidParams,
  body: { anyOf: [{ type: 'object', additionalProperties: false, properties: { takeOver: { type: 'boolean' } } }, { type: 'null' }] },
  response: { 200: submissionViewSchema, ...errors },
} as const;

export const releaseClaimSchema = { params: uuidParams, body: { anyOf: [empty, { type: 'null' }] }, response: { 200: submissionViewSchema, ...errors } } as const;

export const publicationPreviewRequestSchema = {
  body: { type: 'object', additionalProperties: false, required: ['facets', 'attributionLabel'], properties: { facets: facetsSchema, attributionLabel: term } },
  response: { 200: publicationPreviewSchema, ...errors },
} as const;

export const storyStateSchema = { params: uuidParams, response: { 200: storyStateViewSchema, ...errors } } as const;

export const approveSchema = {
  params: uuidParams,
  // What the reviewer's page showed would be published; refused if that is no longer so.
  body: { anyOf: [{ type: 'object', additionalProperties: false, properties: { seen: publicationSchema } }, { type: 'null' }] },
  response: okResponse,
} as const;
