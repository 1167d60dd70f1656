// Backups sealed to the operator (issue 23, docs/threat-model-storage.md): a logical dump is
// encrypted with crypto_secretstream_xchacha20poly1305 under a fresh key, and that key is sealed
// to the operator's X25519 public key (crypto_box_seal). Only the operator's secret key, kept
// off the server, opens a backup; the server never holds it.
//
// File layout: MAGIC ‖ sealed file key (32 + SEAL_OVERHEAD bytes) ‖ secretstream header (24) ‖
// messages, each a 4-byte big-endian length and that many bytes; the last carries TAG_FINAL.
import { concatBytes } from '../bytes.js';
import { CodedError } from '../errors.js';
import type { BoxKeyPair } from './envelope.js';
import type { Sodium } from './sodium.js';

const MAGIC = new TextEncoder().encode('offscript-backup-v1\n');
/** Plaintext bytes per secretstream message. */
const MESSAGE_BYTES = 64 * 1024;
const KEY_BYTES = 32;
export const BACKUP_PUBLIC_KEY_BYTES = 32;
const SEALED_KEY_BYTES = KEY_BYTES + 48;
const HEADER_BYTES = 24;

export function generateBackupKeyPair(sodium: Sodium): BoxKeyPair {
  const { publicKey, privateKey } = sodium.crypto_box_keypair();
  return { publicKey, privateKey };
}

/** The key pair whose secret key is stored, base64, in an operator's key file. */
export function backupKeyPairFromSecret(sodium: Sodium, privateKey: Uint8Array): BoxKeyPair {
  return { publicKey: sodium.crypto_scalarmult_base(privateKey), privateKey };
}

/** Encrypts `plaintext` so that only the holder of the secret key paired with `operatorPublicKey` can read it. */
export function sealBackup(sodium: Sodium, plaintext: Uint8Array, operatorPublicKey: Uint8Array): Uint8Array {
  const key = sodium.crypto_secretstream_xchacha20poly1305_keygen();
  const sealedKey = sodium.crypto_box_seal(key, operatorPublicKey);
  const { state, header } = sodium.crypto_secretstream_xchacha20poly1305_init_push(key);
  sodium.memzero(key);
  const parts: Uint8Array[] = [MAGIC, sealedKey, header];
  for (let offset = 0; offset === 0 || offset < plaintext.length; offset += MESSAGE_BYTES) {
    const last = offset + MESSAGE_BYTES >= plaintext.length;
    const tag = last ? sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL : sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
    const message = sodium.crypto_secretstream_xchacha20poly1305_push(state, plaintext.subarray(offset, offset + MESSAGE_BYTES), null, tag);
    const length = new Uint8Array(4);
    new DataView(length.buffer).setUint32(0, message.length);
    parts.push(length, message);
  }
  return concatBytes(parts);
}

/** Opens a sealed backup with the operator's key pair; refuses a wrong key, a truncated or altered file. */
export function openBackup(sodium: Sodium, sealed: Uint8Array, operator: BoxKeyPair): Uint8Array {
  const prefix = MAGIC.length + SEALED_KEY_BYTES + HEADER_BYTES;
  if (sealed.length < prefix || !MAGIC.every((b, i) => sealed[i] === b)) throw new CodedError('backup_unreadable', { reason: 'not an Offscript backup' });
  let key: Uint8Array;
  try {
    key = sodium.crypto_box_seal_open(sealed.subarray(MAGIC.length, MAGIC.length + SEALED_KEY_BYTES), operator.publicKey, operator.privateKey);
  } catch {
    throw new CodedError('backup_unreadable', { reason: 'sealed to another key' });
  }
  const state = sodium.crypto_secretstream_xchacha20poly1305_init_pull(sealed.subarray(MAGIC.length + SEALED_KEY_BYTES, prefix), key);
  sodium.memzero(key);
  const parts: Uint8Array[] = [];
  let at = prefix;
  let final = false;
  while (at < sealed.length && !final) {
    if (at + 4 > sealed.length) break;
    const length = new DataView(sealed.buffer, sealed.byteOffset + at, 4).getUint32(0);
    const pulled = sodium.crypto_secretstream_xchacha20poly1305_pull(state, sealed.subarray(at + 4, at + 4 + length), null);
    if (!pulled) throw new CodedError('backup_unreadable', { reason: 'altered or damaged' });
    parts.push(pulled.message);
    final = pulled.tag === sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL;
    at += 4 + length;
  }
  if (!final || at !== sealed.length) throw new CodedError('backup_unreadable', { reason: 'truncated' });
  return concatBytes(parts);
}
