// The source's receipt: 12 BIP-39 words, and the keys derived from them (DESIGN §3). The words
// come from the official BIP-39 list of the page's language (English, Spanish, Portuguese): the
// same 128 bits of entropy, hence the same keys, whichever list spells them (issue 31 item 5).
import { concatBytes } from '@noble/hashes/utils.js';
import { entropyToMnemonic, mnemonicToEntropy, validateMnemonic } from '@scure/bip39';
import { wordlist as english } from '@scure/bip39/wordlists/english.js';
import { wordlist as portuguese } from '@scure/bip39/wordlists/portuguese.js';
import { wordlist as spanish } from '@scure/bip39/wordlists/spanish.js';
import { distance } from 'fastest-levenshtein';
import type { BoxKeyPair } from './envelope.js';
import { CodedError } from '../errors.js';
import { LANGUAGES, type Language } from '../languages.js';
import type { Sodium } from './sodium.js';

export const RECEIPT_ENTROPY_BYTES = 16;
export const RECEIPT_WORD_COUNT = 12;
export const LOOKUP_TOKEN_BYTES = 32;

const MASTER_CONTEXT = 'offscript/receipt/v1';

/** The official BIP-39 list of each language a receipt is given in (the Spanish one is stored NFKD, as BIP-39 specifies). */
export const RECEIPT_WORD_LISTS: Readonly<Record<Language, string[]>> = { en: english, es: spanish, 'pt-BR': portuguese };

/**
 * A word as compared with the lists: lower case, accents dropped (NFKD, combining marks removed),
 * so "abaco" and "ábaco" (composed or not) are one word. Within each list these keys are unique
 * (and so are their first four letters), which test/unit/receipt-languages.test.ts checks.
 */
export function receiptWordKey(word: string): string {
  return word.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

/** Per language, each word's key to its place in the list. */
const positions = Object.fromEntries(LANGUAGES.map((language) => [language, new Map(RECEIPT_WORD_LISTS[language].map((w, i) => [receiptWordKey(w), i]))])) as Record<
  Language,
  Map<string, number>
>;
/** Whether a key is a word of any list. */
const isListed = (key: string) => LANGUAGES.some((language) => positions[language].has(key));
/** A list's words as people read and type them: composed (NFC) accents. */
const displayed = Object.fromEntries(LANGUAGES.map((language) => [language, RECEIPT_WORD_LISTS[language].map((w) => w.normalize('NFC'))])) as Record<Language, string[]>;

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

/** The receipt's twelve words in `language`'s official list, accents composed (NFC) for people to read and copy. */
export function receiptWordsFromEntropy(entropy: Uint8Array, language: Language): string[] {
  if (entropy.length !== RECEIPT_ENTROPY_BYTES) throw new CodedError('bad_length', { field: 'entropy', expected: RECEIPT_ENTROPY_BYTES, actual: entropy.length });
  return entropyToMnemonic(entropy, RECEIPT_WORD_LISTS[language]).normalize('NFC').split(' ');
}

/** The words of `typed` (letters with any accents, composed or not), in lower case. */
function lettersIn(typed: string): string[] {
  return (
    typed
      .normalize('NFC')
      .toLowerCase()
      .match(/[\p{L}\p{M}]+/gu) ?? []
  ).map((w) => w.normalize('NFC'));
}

/** The list whose words these all are and whose checksum holds, with its mnemonic in the list's own spelling. */
function listOf(found: readonly string[]): { language: Language; mnemonic: string } | undefined {
  const keys = found.map(receiptWordKey);
  for (const language of LANGUAGES) {
    const at = keys.map((key) => positions[language].get(key));
    if (at.some((i) => i === undefined)) continue;
    const mnemonic = at.map((i) => RECEIPT_WORD_LISTS[language][i!]!).join(' ');
    if (validateMnemonic(mnemonic, RECEIPT_WORD_LISTS[language])) return { language, mnemonic };
  }
  return undefined;
}

/**
 * The receipt words in what a source typed or pasted: the letters-only words, in any case, whatever
 * separates them (spaces, line breaks, commas, the card's numbering "1. airport 2. …"). Pasted with
 * text around them (the whole card), the twelve are the run of twelve listed words whose checksum
 * holds. Otherwise every word found, for the refusals to count and check (thirteen listed words are
 * thirteen, never a guess at which twelve were meant).
 */
export function receiptWordsIn(typed: string): string[] {
  const found = lettersIn(typed);
  // Only listed words: too many is a miscount to report, not a receipt to guess at.
  if (found.length <= RECEIPT_WORD_COUNT || found.every((w) => isListed(receiptWordKey(w)))) return found;
  for (let start = 0; start + RECEIPT_WORD_COUNT <= found.length; start += 1) {
    const run = found.slice(start, start + RECEIPT_WORD_COUNT);
    if (listOf(run)) return run;
  }
  return found;
}

/** Forgiving of case, separators and surrounding text (receiptWordsIn); says what is wrong, never which receipt is near. */
export function entropyFromReceiptWords(typed: string): Uint8Array {
  const list = receiptWordsIn(typed);
  if (list.length !== RECEIPT_WORD_COUNT) {
    throw new CodedError('receipt_word_count', { expected: RECEIPT_WORD_COUNT, actual: list.length });
  }
  if (list.some((w) => !isListed(receiptWordKey(w)))) {
    throw new CodedError('receipt_unknown_word');
  }
  // Words of one official list whose checksum holds; words from two lists are no receipt.
  const found = listOf(list);
  if (!found) {
    throw new CodedError('receipt_checksum');
  }
  return mnemonicToEntropy(found.mnemonic, RECEIPT_WORD_LISTS[found.language]);
}

/** The language of the list a receipt's words come from, or undefined when they make no receipt. */
export function receiptLanguage(typed: string): Language | undefined {
  const list = receiptWordsIn(typed);
  return list.length === RECEIPT_WORD_COUNT ? listOf(list)?.language : undefined;
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
// BIP-39 words are unique in their first four letters (accents dropped), and most typos are one or two edits.
const UNIQUE_PREFIX = 4;
const MAX_EDITS = 2;

/** Whether `word` (any case, with or without its accents) is in one of the receipt word lists. */
export function isReceiptWord(word: string): boolean {
  return isListed(receiptWordKey(word));
}

/**
 * Receipt words a typed word may have meant, best first, from `language`'s list (the page's) with
 * its accents: the words it begins (while typing), else the nearest by edit distance, accents
 * ignored, a shared first four letters counting as one edit. Empty for a word of any list.
 */
export function suggestReceiptWords(typed: string, language: Language): string[] {
  const word = receiptWordKey(typed);
  if (word === '' || isListed(word)) return [];
  const list = displayed[language].map((w) => ({ w, key: receiptWordKey(w) }));
  const starting = list.filter(({ key }) => key.startsWith(word));
  if (starting.length > 0) return starting.slice(0, SUGGESTION_COUNT).map(({ w }) => w);
  const prefix = word.length >= UNIQUE_PREFIX ? word.slice(0, UNIQUE_PREFIX) : undefined;
  // A word sharing the first four letters counts as one edit closer.
  return list
    .map(({ w, key }) => ({ w, score: distance(word, key) - (prefix && key.startsWith(prefix) ? 1 : 0) }))
    .filter(({ score }) => score <= MAX_EDITS)
    .sort((a, b) => a.score - b.score)
    .slice(0, SUGGESTION_COUNT)
    .map(({ w }) => w);
}
