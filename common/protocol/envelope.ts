// Sealing and opening of padded JSON: accounts and messages (DESIGN §3).
import { CodedError } from '../errors.js';
import { attachmentManifestOf, type AttachmentManifestEntry } from './attachment.js';
import { fromBase64 } from './encoding.js';
import { padToBucket, unpadFromBucket } from './padding.js';
import { WITHDRAWAL_TAG_BYTES } from './receipt.js';
import type { Sodium } from './sodium.js';

export interface BoxKeyPair {
  publicKey: Uint8Array;
  privateKey: Uint8Array;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Encodes a versioned object as UTF-8 JSON, pads it to its bucket and seals it anonymously. */
export function sealPaddedJson(sodium: Sodium, value: { v: number }, recipientPublicKey: Uint8Array): Uint8Array {
  const padded = padToBucket(sodium, encoder.encode(JSON.stringify(value)));
  return sodium.crypto_box_seal(padded, recipientPublicKey);
}

/** Opens a sealed object whose `v` is one of `versions` (messages: 1; accounts: 1, 2 or 3, DESIGN §5). */
export function openPaddedJson(sodium: Sodium, ciphertext: Uint8Array, recipient: BoxKeyPair, versions: readonly number[] = [1]): unknown {
  let padded: Uint8Array;
  try {
    padded = sodium.crypto_box_seal_open(ciphertext, recipient.publicKey, recipient.privateKey);
  } catch {
    throw new CodedError('cannot_open');
  }
  const value: unknown = JSON.parse(decoder.decode(unpadFromBucket(sodium, padded)));
  if (typeof value !== 'object' || value === null || !versions.includes((value as { v?: unknown }).v as number)) {
    throw new CodedError('bad_version');
  }
  return value;
}

/** A message between a moderator and a source (DESIGN §3 Follow-up). */
export interface SealedMessageBody {
  v: 1;
  body: string;
  /** A source's reply may list files, exactly as an account does (docs/attachments.md, Reply files). */
  attachments?: AttachmentManifestEntry[];
}

/** What a source's browser (or the no-JavaScript path) seals: the account, its receipt's withdrawal tag, its files. */
export type SealedAccount = { v: number; withdrawalTag?: string; attachments?: AttachmentManifestEntry[] };

export const sealAccount: (sodium: Sodium, value: SealedAccount, recipientPublicKey: Uint8Array) => Uint8Array = sealPaddedJson;
/** An account's JSON as sealed: version 1, or version 2 with the questions reporters ask. */
export const openAccount = (sodium: Sodium, ciphertext: Uint8Array, recipient: BoxKeyPair): unknown => openPaddedJson(sodium, ciphertext, recipient, [1, 2, 3]);

/**
 * The receipt's withdrawal tag as an opened account carries it (base64 in `withdrawalTag`), for the
 * moderator's browser to copy onto the account and story; undefined for an account sealed before it.
 */
export function withdrawalTagOf(sodium: Sodium, opened: unknown): Uint8Array | undefined {
  const text = typeof opened === 'object' && opened !== null ? (opened as { withdrawalTag?: unknown }).withdrawalTag : undefined;
  if (typeof text !== 'string') return undefined;
  const tag = fromBase64(sodium, text, 'withdrawalTag');
  if (tag.length !== WITHDRAWAL_TAG_BYTES) throw new CodedError('bad_length', { field: 'withdrawalTag', expected: WITHDRAWAL_TAG_BYTES, actual: tag.length });
  return tag;
}

export function sealMessage(sodium: Sodium, body: string, recipientPublicKey: Uint8Array, attachments?: readonly AttachmentManifestEntry[]): Uint8Array {
  const message: SealedMessageBody = { v: 1, body, ...(attachments && attachments.length > 0 ? { attachments: [...attachments] } : {}) };
  return sealPaddedJson(sodium, message, recipientPublicKey);
}

export function openMessage(sodium: Sodium, ciphertext: Uint8Array, recipient: BoxKeyPair): SealedMessageBody {
  const value = openPaddedJson(sodium, ciphertext, recipient) as Partial<Record<keyof SealedMessageBody, unknown>>;
  if (typeof value.body !== 'string') throw new CodedError('bad_version');
  const attachments = attachmentManifestOf(sodium, value);
  return { v: 1, body: value.body, ...(attachments.length > 0 ? { attachments } : {}) };
}

/**
 * Opens a message sealed to one of several key pairs: a source seals to the intake key that is
 * current when they write, which may have been rotated since their account arrived.
 */
export function openMessageWithAnyKey(sodium: Sodium, ciphertext: Uint8Array, recipients: Iterable<BoxKeyPair>): SealedMessageBody {
  for (const recipient of recipients) {
    try {
      return openMessage(sodium, ciphertext, recipient);
    } catch (error) {
      if (!(error instanceof CodedError && error.is('cannot_open'))) throw error;
    }
  }
  throw new CodedError('cannot_open');
}
