// The source's receipt: 12 BIP-39 words, and the keys derived from them (DESIGN §3).
import { concatBytes } from '@noble/hashes/utils.js';
import { entropyToMnemonic, mnemonicToEntropy, validateMnemonic } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { distance } from 'fastest-levenshtein';
import type { BoxKeyPair } from './envelope.js';
import { CodedError } from '../errors.js';
import type { Sodium } from './sodium.js';

export const RECEIPT_ENTROPY_BYTES = 16;
export const RECEIPT_WORD_COUNT = 12;
export const LOOKUP_TOKEN_BYTES = 32;

const MASTER_CONTEXT = 'offscript/receipt/v1';
const words = new Set(wordlist);

export const WITHDRAWAL_TAG_BYTES = 32;

export interface ReceiptKeys {
  lookupToken: Uint8Array;
  replyKeyPair: BoxKeyPair;
  /**
   * Carried inside the sealed envelope and copied by the moderator's browser onto the account and
   * the story (as its SHA-256): the one link from what is published back to the source, and only
   * the receipt can produce it (docs/threat-model-storage.md).
   */
  withdrawalTag: Uint8Array;
}

export function drawReceiptEntropy(sodium: Sodium): Uint8Array {
  return sodium.randombytes_buf(RECEIPT_ENTROPY_BYTES);
}

/** The one-time token the no-JavaScript form carries (drawn when the form is served). */
export const FORM_TOKEN_BYTES = 32;
const FORM_RECEIPT_CONTEXT = 'offscript/form-receipt/v1';

/**
 * The no-JavaScript path's receipt, drawn from the form's one-time token keyed with a server
 * secret: a form sent twice (its answer lost) gives the same receipt, hence the same lookup
 * token, and is stored once. The page alone (history, cache) does not give the words.
 */
export function receiptEntropyFromFormToken(sodium: Sodium, formToken: Uint8Array, secret: Uint8Array): Uint8Array {
  if (formToken.length !== FORM_TOKEN_BYTES) throw new CodedError('bad_length', { field: 'formToken', expected: FORM_TOKEN_BYTES, actual: formToken.length });
  const context = new TextEncoder().encode(FORM_RECEIPT_CONTEXT);
  const input = new Uint8Array(context.length + formToken.length);
  input.set(context);
  input.set(formToken, context.length);
  return sodium.crypto_generichash(RECEIPT_ENTROPY_BYTES, input, secret);
}

export function receiptWordsFromEntropy(entropy: Uint8Array): string[] {
  if (entropy.length !== RECEIPT_ENTROPY_BYTES) throw new CodedError('bad_length', { field: 'entropy', expected: RECEIPT_ENTROPY_BYTES, actual: entropy.length });
  return entropyToMnemonic(entropy, wordlist).split(' ');
}

/**
 * The receipt words in what a source typed or pasted: the letters-only words, in any case, whatever
 * separates them (spaces, line breaks, commas, the card's numbering "1. airport 2. …"). Pasted with
 * text around them (the whole card), the twelve are the run of twelve listed words whose checksum
 * holds. Otherwise every word found, for the refusals to count and check (thirteen listed words are
 * thirteen, never a guess at which twelve were meant).
 */
export function receiptWordsIn(typed: string): string[] {
  const found = typed.toLowerCase().match(/\p{L}+/gu) ?? [];
  // Only listed words: too many is a miscount to report, not a receipt to guess at.
  if (found.length <= RECEIPT_WORD_COUNT || found.every((w) => words.has(w))) return found;
  for (let start = 0; start + RECEIPT_WORD_COUNT <= found.length; start += 1) {
    const run = found.slice(start, start + RECEIPT_WORD_COUNT);
    if (run.every((w) => words.has(w)) && validateMnemonic(run.join(' '), wordlist)) return run;
  }
  return found;
}

/** Forgiving of case, separators and surrounding text (receiptWordsIn); says what is wrong, never which receipt is near. */
export function entropyFromReceiptWords(typed: string): Uint8Array {
  const list = receiptWordsIn(typed);
  if (list.length !== RECEIPT_WORD_COUNT) {
    throw new CodedError('receipt_word_count', { expected: RECEIPT_WORD_COUNT, actual: list.length });
  }
  if (list.some((w) => !words.has(w))) {
    throw new CodedError('receipt_unknown_word');
  }
  const mnemonic = list.join(' ');
  if (!validateMnemonic(mnemonic, wordlist)) {
    throw new CodedError('receipt_checksum');
  }
  return mnemonicToEntropy(mnemonic, wordlist);
}

export function deriveReceiptKeys(sodium: Sodium, entropy: Uint8Array): ReceiptKeys {
  if (entropy.length !== RECEIPT_ENTROPY_BYTES) throw new CodedError('bad_length', { field: 'entropy', expected: RECEIPT_ENTROPY_BYTES, actual: entropy.length });
  const context = new TextEncoder().encode(MASTER_CONTEXT);
  const master = sodium.crypto_generichash(32, concatBytes(context, entropy), null);
  const lookupToken = sodium.crypto_kdf_derive_from_key(LOOKUP_TOKEN_BYTES, 1, 'lookup__', master);
  const replySeed = sodium.crypto_kdf_derive_from_key(32, 2, 'replykey', master);
  const replyKeyPair = sodium.crypto_box_seed_keypair(replySeed);
  const withdrawalTag = sodium.crypto_kdf_derive_from_key(WITHDRAWAL_TAG_BYTES, 3, 'withdraw', master);
  sodium.memzero(master);
  sodium.memzero(replySeed);
  return { lookupToken, replyKeyPair: { publicKey: replyKeyPair.publicKey, privateKey: replyKeyPair.privateKey }, withdrawalTag };
}

const SUGGESTION_COUNT = 4;
// BIP-39 English words are unique in their first four letters, and most typos are one or two edits.
const UNIQUE_PREFIX = 4;
const MAX_EDITS = 2;

/** Whether `word` (any case) is in the receipt word list. */
export function isReceiptWord(word: string): boolean {
  return words.has(word.toLowerCase());
}

/**
 * Receipt words a typed word may have meant, best first: the words it begins (while typing), else
 * the nearest by edit distance, a shared first four letters counting as one edit. Empty for a listed word.
 */
export function suggestReceiptWords(typed: string): string[] {
  const word = typed.toLowerCase();
  if (word === '' || words.has(word)) return [];
  const starting = wordlist.filter((w) => w.startsWith(word));
  if (starting.length > 0) return starting.slice(0, SUGGESTION_COUNT);
  const prefix = word.length >= UNIQUE_PREFIX ? word.slice(0, UNIQUE_PREFIX) : undefined;
  // A word sharing the first four letters counts as one edit closer.
  return wordlist
    .map((w) => ({ w, score: distance(word, w) - (prefix && w.startsWith(prefix) ? 1 : 0) }))
    .filter(({ score }) => score <= MAX_EDITS)
    .sort((a, b) => a.score - b.score)
    .slice(0, SUGGESTION_COUNT)
    .map(({ w }) => w);
}
