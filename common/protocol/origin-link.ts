// A moderator's key seed carried to another origin of the console (issue 25, docs/onion-service.md):
// each origin is a WebAuthn relying party of its own, so a passkey made on one cannot unwrap the
// seed on the other. A one-time link made on the first origin carries the seed in its fragment
// (never sent to a server), sealed under Argon2id(passphrase) and the link's token: the link
// alone opens nothing, and neither does the server, which never sees the fragment.
import type { SodiumSumo } from './sodium-sumo.js';

const CONTEXT = 'offscript/origin-link/v1';

function linkKey(sodium: SodiumSumo, passphraseSeed: Uint8Array, token: string): Uint8Array {
  return sodium.crypto_generichash(32, `${CONTEXT}:${token}`, passphraseSeed);
}

/** nonce ‖ secretbox(seed): what the link's fragment holds. */
export function sealSeedForLink(sodium: SodiumSumo, seed: Uint8Array, passphraseSeed: Uint8Array, token: string): Uint8Array {
  const nonce = sodium.randombytes_buf(sodium.crypto_secretbox_NONCEBYTES);
  const box = sodium.crypto_secretbox_easy(seed, nonce, linkKey(sodium, passphraseSeed, token));
  const sealed = new Uint8Array(nonce.length + box.length);
  sealed.set(nonce);
  sealed.set(box, nonce.length);
  return sealed;
}

/** The seed, or undefined when the passphrase (or the link) is not the one it was sealed with. */
export function openSeedFromLink(sodium: SodiumSumo, sealed: Uint8Array, passphraseSeed: Uint8Array, token: string): Uint8Array | undefined {
  const nonceBytes = sodium.crypto_secretbox_NONCEBYTES;
  if (sealed.length <= nonceBytes) return undefined;
  try {
    return sodium.crypto_secretbox_open_easy(sealed.subarray(nonceBytes), sealed.subarray(0, nonceBytes), linkKey(sodium, passphraseSeed, token));
  } catch {
    return undefined;
  }
}
