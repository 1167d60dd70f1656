// Passkeys in the browser (@simplewebauthn/browser), with the PRF extension evaluated on the
// moderator's PRF salt. The PRF output stays in this page: it is taken out of what is sent.
import {
  startAuthentication,
  startRegistration,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/browser';
import type { PasskeyOptionsView, PasskeyRegistration, PasskeyRequestOptions } from '../../../common/moderation/access-view.js';
import type { SodiumSumo } from '../../../common/protocol/sodium-sumo.js';
import { fromBase64, toBase64 } from '../../../common/protocol/encoding.js';
import { passkeyWrappingKey, PRF_OUTPUT_BYTES, wrapSeed } from '../../../common/protocol/passkey-prf.js';
import { api, asSodium } from './console.js';
import { consoleWord } from './console-words.js';

interface PrfResults {
  prf?: { enabled?: boolean; results?: { first?: BufferSource } };
}

/** The PRF output of a ceremony, if the authenticator gave one; removed from the results that are sent. */
function takePrfOutput(results: object): Uint8Array | undefined {
  const prf = (results as PrfResults).prf;
  const first = prf?.results?.first;
  if (prf) delete prf.results;
  if (!first) return undefined;
  const bytes = first instanceof ArrayBuffer ? new Uint8Array(first) : new Uint8Array(first.buffer, first.byteOffset, first.byteLength);
  return bytes.length === PRF_OUTPUT_BYTES ? bytes.slice() : undefined;
}

const prfInput = (sodium: SodiumSumo, prfSalt: string) => ({ prf: { eval: { first: fromBase64(asSodium(sodium), prfSalt) } } });

export interface Assertion {
  assertion: AuthenticationResponseJSON;
  prfOutput: Uint8Array | undefined;
}

/** Asks the authenticator to sign the login challenge (and evaluate PRF on the salt). */
export async function assertPasskey(sodium: SodiumSumo, options: PublicKeyCredentialRequestOptionsJSON, prfSalt: string): Promise<Assertion> {
  // The library passes extensions through untouched: the PRF input goes as bytes.
  const optionsJSON = { ...options, extensions: prfInput(sodium, prfSalt) } as PublicKeyCredentialRequestOptionsJSON;
  const assertion = await startAuthentication({ optionsJSON });
  return { assertion, prfOutput: takePrfOutput(assertion.clientExtensionResults) };
}

export interface NewPasskey {
  response: RegistrationResponseJSON;
  prfOutput: Uint8Array | undefined;
}

/**
 * Registers a passkey. An authenticator that supports PRF but evaluates it only on assertions is
 * asked once more, with a challenge of our own that nobody verifies: only its PRF output is used.
 */
export async function createPasskey(sodium: SodiumSumo, { options, prfSalt }: PasskeyOptionsView): Promise<NewPasskey> {
  const optionsJSON = { ...options, extensions: prfInput(sodium, prfSalt) } as PublicKeyCredentialCreationOptionsJSON;
  const response = await startRegistration({ optionsJSON });
  const enabled = (response.clientExtensionResults as PrfResults).prf?.enabled === true;
  let prfOutput = takePrfOutput(response.clientExtensionResults);
  if (!prfOutput && enabled) {
    const challenge = sodium.to_base64(sodium.randombytes_buf(32), sodium.base64_variants.URLSAFE_NO_PADDING);
    const evaluation = await assertPasskey(sodium, { challenge, rpId: options.rp.id, allowCredentials: [{ id: response.id, type: 'public-key' }], userVerification: 'preferred' }, prfSalt);
    prfOutput = evaluation.prfOutput;
  }
  return { response, prfOutput };
}

/** The registration as sent: with a PRF output and keys bound to passkeys, the seed wrapped for this passkey. */
export function registrationBody(sodium: SodiumSumo, passkey: NewPasskey, binding: { argon: Uint8Array; seed: Uint8Array } | undefined): PasskeyRegistration {
  if (!binding) return { response: passkey.response };
  if (!passkey.prfOutput) throw new Error(consoleWord('passkeys.noPrf'));
  const wrapped = wrapSeed(binding.seed, passkeyWrappingKey(sodium, binding.argon, passkey.prfOutput));
  return { response: passkey.response, wrappedSeed: toBase64(asSodium(sodium), wrapped) };
}

/**
 * A fresh passkey assertion with user verification, on a challenge the server issued to this
 * session (issue 26): what adding or removing a passkey, granting keys, changing a role and
 * approving a team change carry, so that a stolen session cookie alone cannot make them.
 */
export async function freshAssertion(): Promise<AuthenticationResponseJSON> {
  const optionsJSON = await api<PasskeyRequestOptions>('/mod/api/assertions/options', 'POST');
  return startAuthentication({ optionsJSON });
}
