// Login, enrolment and passkeys: the WebAuthn bodies the routes take, what they answer, and the
// types derived from both, which the services return and the console's bundles read. Imports
// nothing server-only, so that the browser bundles' typecheck can follow it.
import { JOURNALIST_ROLE } from '../workflow.js';
import type { AuthenticationResponseJSON, PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON, RegistrationResponseJSON } from '@simplewebauthn/browser';
import type { FromSchema } from 'json-schema-to-ts';
import { moderatorRoles } from '../vocabulary.js';

// @simplewebauthn builds the options and verifies the responses; a schema promises only their
// outer shape, and its marker gives it the library's type (WebAuthnTypes below).
const CREATION_OPTIONS = 'webauthn: PublicKeyCredentialCreationOptionsJSON';
const REQUEST_OPTIONS = 'webauthn: PublicKeyCredentialRequestOptionsJSON';
const REGISTRATION_RESPONSE = 'webauthn: RegistrationResponseJSON';
const AUTHENTICATION_RESPONSE = 'webauthn: AuthenticationResponseJSON';

/** FromSchema options (and the type provider's) that map the marked schemas to @simplewebauthn's types. */
export interface WebAuthnTypes {
  deserialize: [
    { pattern: { $comment: typeof CREATION_OPTIONS }; output: PublicKeyCredentialCreationOptionsJSON },
    { pattern: { $comment: typeof REQUEST_OPTIONS }; output: PublicKeyCredentialRequestOptionsJSON },
    { pattern: { $comment: typeof REGISTRATION_RESPONSE }; output: RegistrationResponseJSON },
    { pattern: { $comment: typeof AUTHENTICATION_RESPONSE }; output: AuthenticationResponseJSON },
  ];
}

const base64url = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength, pattern: '^[A-Za-z0-9_-]+$' }) as const;

// What @simplewebauthn/browser hands over of a credential, registered or asserted; the library
// checks the rest. The PRF output is never sent (the console takes it out of the extension results).
const credentialFields = {
  id: base64url(1400),
  rawId: base64url(1400),
  type: { type: 'string', const: 'public-key' },
  authenticatorAttachment: { type: 'string', enum: ['platform', 'cross-platform'] },
  clientExtensionResults: { type: 'object', maxProperties: 8 },
} as const;

/** A credential as @simplewebauthn/browser hands it over, with the authenticator's response of one ceremony. */
const credentialSchema = <Marker extends string, Response extends object>(marker: Marker, response: Response) =>
  ({
    $comment: marker,
    type: 'object',
    additionalProperties: false,
    required: ['id', 'rawId', 'type', 'response', 'clientExtensionResults'],
    properties: { ...credentialFields, response },
  }) as const;

export const registrationResponseSchema = credentialSchema(REGISTRATION_RESPONSE, {
  type: 'object',
  required: ['clientDataJSON', 'attestationObject'],
  properties: {
    clientDataJSON: base64url(4000),
    attestationObject: base64url(20_000),
    authenticatorData: base64url(4000),
    publicKey: base64url(8000),
    publicKeyAlgorithm: { type: 'integer' },
    transports: { type: 'array', maxItems: 8, items: { type: 'string', maxLength: 20 } },
  },
} as const);

export const authenticationResponseSchema = credentialSchema(AUTHENTICATION_RESPONSE, {
  type: 'object',
  required: ['clientDataJSON', 'authenticatorData', 'signature'],
  properties: {
    clientDataJSON: base64url(4000),
    authenticatorData: base64url(4000),
    // Post-quantum ML-DSA signatures run to 4.6 KB.
    signature: base64url(8000),
    userHandle: base64url(200),
  },
} as const);

/** A new passkey as the console sends it: the registration, and with PRF the key seed wrapped for it. */
export const passkeyRegistrationSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['response'],
  properties: {
    response: registrationResponseSchema,
    // base64 seed XOR key-encryption key (protocol/passkey-prf.ts); absent without PRF.
    wrappedSeed: { type: 'string', minLength: 1, maxLength: 64 },
  },
} as const;

/** What /mod/api/assertions/options answers: a fresh assertion's options, on a challenge bound to the session (issue 26). */
export const passkeyRequestOptionsSchema = { $comment: REQUEST_OPTIONS, type: 'object', additionalProperties: true } as const;
export type PasskeyRequestOptions = FromSchema<typeof passkeyRequestOptionsSchema, WebAuthnTypes>;

/** What /mod/api/enrol/passkey-options and /mod/api/passkeys/options answer. */
export const passkeyOptionsViewSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['options', 'prfSalt', 'keysBoundToPasskey'],
  properties: {
    options: { $comment: CREATION_OPTIONS, type: 'object', additionalProperties: true },
    // The WebAuthn PRF input for this moderator (base64).
    prfSalt: { type: 'string' },
    // The keys already rest on passkeys with PRF: a new one must support PRF too.
    keysBoundToPasskey: { type: 'boolean' },
  },
} as const;

export const passkeySummarySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'createdOn', 'lastUsedOn', 'relyingParty', 'bindsKeys'],
  properties: {
    id: { type: 'string' },
    createdOn: { type: 'string' },
    lastUsedOn: { type: ['string', 'null'] },
    relyingParty: { type: 'string' },
    // It wraps the key seed (PRF): the keys need it as well as the passphrase.
    bindsKeys: { type: 'boolean' },
  },
} as const;

export const passkeyStandingSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['passkeys', 'keysBoundToPasskey', 'mayOpenSubmissions'],
  properties: {
    passkeys: { type: 'integer' },
    // Every passkey wraps the seed: the keys need the authenticator as well as the passphrase.
    keysBoundToPasskey: { type: 'boolean' },
    // False once a moderator without a passkey is past the operator's grace period.
    mayOpenSubmissions: { type: 'boolean' },
  },
} as const;

/** What GET /mod/api/passkeys answers. */
export const passkeysViewSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['passkeys', 'standing'],
  properties: { passkeys: { type: 'array', items: passkeySummarySchema }, standing: passkeyStandingSchema },
} as const;

/** What /mod/api/login/challenge answers. */
export const loginChallengeViewSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['salt', 'challenge', 'prfSalt', 'passkey'],
  properties: {
    salt: { type: 'string' },
    challenge: { type: 'string' },
    // The WebAuthn PRF input for this handle's passkeys (a stable decoy for an unknown handle).
    prfSalt: { type: 'string' },
    // navigator.credentials.get() options on the same challenge; no credential is named.
    passkey: { $comment: REQUEST_OPTIONS, type: 'object', additionalProperties: true },
  },
} as const;

/** What /mod/api/login/passkey answers: the key seed wrapped for this passkey, or null without PRF. */
export const passkeyLoginViewSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['wrappedSeed'],
  properties: { wrappedSeed: { type: ['string', 'null'] } },
} as const;

/** What /mod/api/login answers. */
export const loginViewSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['handle', 'role', 'passkeyNeeded', 'csrfToken'],
  properties: {
    handle: { type: 'string' },
    // A journalist's press account logs in by the same steps (server/press/), for the press desk.
    role: { type: 'string', enum: [...moderatorRoles.keys, JOURNALIST_ROLE] },
    // No passkey yet (enrolled before passkeys): the console asks for one before submissions open.
    passkeyNeeded: { type: 'boolean' },
    // The token of the CSRF secret renewed at login: a page that logged in again in place sends it from now on.
    csrfToken: { type: 'string' },
  },
} as const;

/** What /mod/api/enrol answers. */
export const enrolmentViewSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['keyFingerprint'],
  properties: { keyFingerprint: { type: 'string' } },
} as const;

export type PasskeyRegistration = FromSchema<typeof passkeyRegistrationSchema, WebAuthnTypes>;
export type PasskeyOptionsView = FromSchema<typeof passkeyOptionsViewSchema, WebAuthnTypes>;
export type PasskeySummary = FromSchema<typeof passkeySummarySchema>;
export type PasskeyStanding = FromSchema<typeof passkeyStandingSchema>;
export type LoginChallengeView = FromSchema<typeof loginChallengeViewSchema, WebAuthnTypes>;
export type PasskeyLoginView = FromSchema<typeof passkeyLoginViewSchema>;
export type LoginView = FromSchema<typeof loginViewSchema>;
export type EnrolmentView = FromSchema<typeof enrolmentViewSchema>;
