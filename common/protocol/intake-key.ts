import type { BoxKeyPair } from './envelope.js';
import type { Sodium } from './sodium.js';

export const BOX_PUBLIC_KEY_BYTES = 32;

/** The deployment's intake key pair (DESIGN §3); made in an administrator's browser, or by tests. */
export function generateIntakeKeyPair(sodium: Sodium): BoxKeyPair {
  const pair = sodium.crypto_box_keypair();
  return { publicKey: pair.publicKey, privateKey: pair.privateKey };
}
