import { errorResponseSchema } from '../../common/errors.js';
import { DKIM_DOMAIN_PATTERN, DKIM_SELECTOR_PATTERN } from '../../common/evidence/names.js';
import { platforms } from '../../common/vocabulary.js';

const errors = { '4xx': errorResponseSchema, '5xx': errorResponseSchema } as const;

export const MARKER_PATTERN = '^[0-9a-f]{64}$';

export const dkimKeySchema = {
  querystring: {
    type: 'object',
    additionalProperties: false,
    required: ['domain', 'selector'],
    properties: {
      domain: { type: 'string', maxLength: 253, pattern: DKIM_DOMAIN_PATTERN },
      selector: { type: 'string', maxLength: 200, pattern: DKIM_SELECTOR_PATTERN },
    },
  },
  response: {
    200: {
      type: 'object',
      additionalProperties: false,
      required: ['source'],
      properties: {
        source: { type: 'string', enum: ['live', 'pinned', 'unavailable'] },
        record: { type: 'string' },
        storedAt: { type: 'string' },
      },
    },
    ...errors,
  },
} as const;

export const platformDomainsSchema = {
  response: {
    200: {
      type: 'object',
      additionalProperties: false,
      required: ['domains'],
      properties: {
        domains: {
          type: 'array',
          items: { type: 'object', additionalProperties: false, required: ['domain', 'platform'], properties: { domain: { type: 'string' }, platform: { type: 'string' } } },
        },
      },
    },
    ...errors,
  },
} as const;

const domainsResponse = { 200: platformDomainsSchema.response[200], ...errors } as const;

export const addPlatformDomainSchema = {
  body: {
    type: 'object',
    additionalProperties: false,
    required: ['platform', 'domain'],
    properties: { platform: { type: 'string', enum: platforms.keys }, domain: { type: 'string', maxLength: 253, pattern: DKIM_DOMAIN_PATTERN } },
  },
  response: domainsResponse,
} as const;

export const removePlatformDomainSchema = {
  body: { type: 'object', additionalProperties: false, required: ['domain'], properties: { domain: { type: 'string', maxLength: 253, pattern: DKIM_DOMAIN_PATTERN } } },
  response: domainsResponse,
} as const;

export const duplicatesSchema = {
  body: { type: 'object', additionalProperties: false, required: ['marker'], properties: { marker: { type: 'string', pattern: MARKER_PATTERN } } },
  response: { 200: { type: 'object', additionalProperties: false, required: ['accounts'], properties: { accounts: { type: 'integer' } } }, ...errors },
} as const;

/** What acceptance carries when the moderator's browser verified a platform's signed email. */
export const signedEmailVerificationSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['platform', 'domain', 'halfYear', 'marker'],
  properties: {
    platform: { type: 'string', maxLength: 64 },
    domain: { type: 'string', maxLength: 253, pattern: DKIM_DOMAIN_PATTERN },
    halfYear: { type: 'string', pattern: '^[0-9]{4}-H[12]$' },
    marker: { type: 'string', pattern: MARKER_PATTERN },
  },
} as const;
