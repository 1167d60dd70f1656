import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { protocolErrorCodeOf } from '../support/protocol-errors.js';
import { loadSodiumSumo, type SodiumSumo } from '../../common/protocol/sodium-sumo.js';
import { lookupTokenHash, withdrawalTagHash } from '../../common/protocol/digest.js';
import { fromBase64, toBase64 } from '../../common/protocol/encoding.js';
import { openAccount, openMessage, sealAccount, sealMessage, withdrawalTagOf } from '../../common/protocol/envelope.js';
import { keyFingerprint } from '../../common/protocol/fingerprint.js';
import { generateIntakeKeyPair } from '../../common/protocol/intake-key.js';
import { bucketFor, bucketOfSealedLength, LARGEST_PAYLOAD, padToBucket, PADDING_BUCKETS, SEAL_OVERHEAD, unpadFromBucket } from '../../common/protocol/padding.js';
import { deriveReceiptKeys, drawReceiptEntropy, entropyFromReceiptWords, receiptWordsFromEntropy } from '../../common/protocol/receipt.js';
import { loadSodium, type Sodium } from '../../common/protocol/sodium.js';
import { sampleAccount } from '../support/intake.js';

interface ReceiptVector {
  entropyHex: string;
  words: string;
  lookupTokenBase64: string;
  lookupTokenSha256Hex: string;
  replyPublicKeyBase64: string;
  replyPublicKeyFingerprint: string;
}

const { vectors } = JSON.parse(readFileSync(new URL('../vectors/receipt-v1.json', import.meta.url), 'utf8')) as { vectors: ReceiptVector[] };

let sodium: Sodium;
let sumo: SodiumSumo;
beforeAll(async () => {
  sodium = await loadSodium();
  sumo = await loadSodiumSumo();
});

const codeOf = protocolErrorCodeOf;

describe('receipt known-answer vectors (test/vectors/receipt-v1.json)', () => {
  it.each(vectors.map((v) => [v.entropyHex, v] as const))('entropy %s', (_hex, vector) => {
    const entropy = sodium.from_hex(vector.entropyHex);
    expect(receiptWordsFromEntropy(entropy, 'en').join(' ')).toBe(vector.words);
    expect(sodium.to_hex(entropyFromReceiptWords(vector.words))).toBe(vector.entropyHex);
    const keys = deriveReceiptKeys(sodium, entropy);
    expect(toBase64(sodium, keys.lookupToken)).toBe(vector.lookupTokenBase64);
    expect(toBase64(sodium, keys.replyKeyPair.publicKey)).toBe(vector.replyPublicKeyBase64);
    expect(keyFingerprint(sodium, keys.replyKeyPair.publicKey)).toBe(vector.replyPublicKeyFingerprint);
    const hash = sodium.to_hex(lookupTokenHash(keys.lookupToken));
    expect(hash).toBe(vector.lookupTokenSha256Hex);
    // libsodium's SHA-256 (the moderator console's) agrees with the server's.
    expect(sodium.to_hex(sumo.crypto_hash_sha256(keys.lookupToken))).toBe(hash);
  });

  it('include the BIP-39 reference mnemonics', () => {
    expect(vectors[0]!.words).toBe('abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about');
    expect(vectors[3]!.words).toBe('zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrong');
  });
});

const withdrawalTagVectors = (
  JSON.parse(readFileSync(new URL('../vectors/withdrawal-tag-v1.json', import.meta.url), 'utf8')) as {
    vectors: { entropyHex: string; withdrawalTagBase64: string; withdrawalTagSha256Hex: string }[];
  }
).vectors;

describe('withdrawal tag known-answer vectors (test/vectors/withdrawal-tag-v1.json)', () => {
  it.each(withdrawalTagVectors.map((v) => [v.entropyHex, v] as const))('entropy %s', (_hex, vector) => {
    const { withdrawalTag, lookupToken } = deriveReceiptKeys(sodium, sodium.from_hex(vector.entropyHex));
    expect(toBase64(sodium, withdrawalTag)).toBe(vector.withdrawalTagBase64);
    expect(sodium.to_hex(withdrawalTagHash(withdrawalTag))).toBe(vector.withdrawalTagSha256Hex);
    // Not the lookup token under another name: the server never sees the two side by side at rest.
    expect(toBase64(sodium, withdrawalTag)).not.toBe(toBase64(sodium, lookupToken));
  });

  it("travels inside the sealed account and is read back by the moderator's browser", () => {
    const intake = generateIntakeKeyPair(sodium);
    const { withdrawalTag } = deriveReceiptKeys(sodium, drawReceiptEntropy(sodium));
    const sealed = sealAccount(sodium, { ...sampleAccount(), withdrawalTag: toBase64(sodium, withdrawalTag) }, intake.publicKey);
    const opened = openAccount(sodium, sealed, intake);
    expect(withdrawalTagOf(sodium, opened)).toEqual(withdrawalTag);
    expect(withdrawalTagOf(sodium, openAccount(sodium, sealAccount(sodium, sampleAccount(), intake.publicKey), intake))).toBeUndefined();
  });
});

describe('receipt words', () => {
  it('round-trip random receipts and derive distinct tokens', () => {
    const tokens = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const entropy = drawReceiptEntropy(sodium);
      const words = receiptWordsFromEntropy(entropy, 'en');
      expect(words).toHaveLength(12);
      expect(entropyFromReceiptWords(words.join(' '))).toEqual(entropy);
      tokens.add(toBase64(sodium, deriveReceiptKeys(sodium, entropy).lookupToken));
    }
    expect(tokens.size).toBe(50);
  });

  it('forgive case, extra spaces and line breaks', () => {
    const typed = '  LEGAL winner\nthank   year wave\r\nsausage worth useful legal Winner thank yellow \n';
    expect(sodium.to_hex(entropyFromReceiptWords(typed))).toBe('7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f');
  });

  it('refuse eleven or thirteen words, unknown words and a bad checksum', () => {
    const words = vectors[1]!.words.split(' ');
    expect(codeOf(() => entropyFromReceiptWords(words.slice(0, 11).join(' ')))).toBe('receipt_word_count');
    expect(codeOf(() => entropyFromReceiptWords([...words, 'zoo'].join(' ')))).toBe('receipt_word_count');
    expect(codeOf(() => entropyFromReceiptWords([...words.slice(0, 11), 'offscript'].join(' ')))).toBe('receipt_unknown_word');
    // "yellow" → "year": a real word, wrong checksum.
    expect(codeOf(() => entropyFromReceiptWords([...words.slice(0, 11), 'year'].join(' ')))).toBe('receipt_checksum');
  });
});

describe('padding', () => {
  it('pads to the smallest bucket that fits, leaving room for the padding marker', () => {
    expect(bucketFor(0)).toBe(4096);
    expect(bucketFor(4095)).toBe(4096);
    expect(bucketFor(4096)).toBe(8192);
    expect(bucketFor(LARGEST_PAYLOAD)).toBe(65536);
    expect(codeOf(() => bucketFor(LARGEST_PAYLOAD + 1))).toBe('too_large');
    for (const length of [0, 1, 4095, 4096, 30_000, LARGEST_PAYLOAD]) {
      const payload = sodium.randombytes_buf(length);
      const padded = padToBucket(sodium, payload);
      expect(PADDING_BUCKETS).toContain(padded.length);
      expect(unpadFromBucket(sodium, padded)).toEqual(payload);
    }
  });

  it('knows which sealed lengths are valid', () => {
    expect(bucketOfSealedLength(4096 + SEAL_OVERHEAD)).toBe(4096);
    expect(bucketOfSealedLength(65536 + SEAL_OVERHEAD)).toBe(65536);
    expect(bucketOfSealedLength(4096)).toBeUndefined();
    expect(bucketOfSealedLength(5000)).toBeUndefined();
  });
});

describe('sealing', () => {
  it('an account opens with the intake key pair, not with another', () => {
    const intake = generateIntakeKeyPair(sodium);
    const other = generateIntakeKeyPair(sodium);
    const account = sampleAccount({ narrative: 'Ünïcödé — “quotes” and emoji 🎬' });
    const sealed = sealAccount(sodium, account, intake.publicKey);
    expect(sealed.length).toBe(4096 + SEAL_OVERHEAD);
    expect(openAccount(sodium, sealed, intake)).toEqual(account);
    expect(codeOf(() => openAccount(sodium, sealed, other))).toBe('cannot_open');
    const tampered = sealed.slice();
    tampered[100] = tampered[100]! ^ 1;
    expect(codeOf(() => openAccount(sodium, tampered, intake))).toBe('cannot_open');
  });

  it('hides the length of an account up to its bucket', () => {
    const intake = generateIntakeKeyPair(sodium);
    const short = sealAccount(sodium, sampleAccount({ narrative: 'a' }), intake.publicKey);
    const longer = sealAccount(sodium, sampleAccount({ narrative: 'a'.repeat(3000) }), intake.publicKey);
    expect(short.length).toBe(longer.length);
    const huge = sealAccount(sodium, sampleAccount({ narrative: 'a'.repeat(60_000) }), intake.publicKey);
    expect(huge.length).toBe(65536 + SEAL_OVERHEAD);
    expect(codeOf(() => sealAccount(sodium, sampleAccount({ narrative: 'a'.repeat(70_000) }), intake.publicKey))).toBe('too_large');
  });

  it('messages to a source open with the reply key pair derived from the words', () => {
    const entropy = drawReceiptEntropy(sodium);
    const { replyKeyPair } = deriveReceiptKeys(sodium, entropy);
    const sealed = sealMessage(sodium, 'Which platform was this?', replyKeyPair.publicKey);
    const again = deriveReceiptKeys(sodium, entropyFromReceiptWords(receiptWordsFromEntropy(entropy, 'en').join(' ')));
    expect(openMessage(sodium, sealed, again.replyKeyPair).body).toBe('Which platform was this?');
  });
});

describe('encoding and fingerprints', () => {
  it('base64 is strict and round-trips', () => {
    const bytes = sodium.randombytes_buf(33);
    expect(fromBase64(sodium, toBase64(sodium, bytes))).toEqual(bytes);
    for (const bad of ['abc', 'ab=c', 'a b=', '****', 'YQ', 'YQ==\n']) {
      expect(codeOf(() => fromBase64(sodium, bad))).toBe('bad_base64');
    }
  });

  it('a fingerprint is 16 bytes of BLAKE2b-256 in groups of four hex digits', () => {
    const key = generateIntakeKeyPair(sodium).publicKey;
    const fingerprint = keyFingerprint(sodium, key);
    expect(fingerprint).toMatch(/^([0-9a-f]{4} ){7}[0-9a-f]{4}$/);
    expect(fingerprint.replaceAll(' ', '')).toBe(sodium.to_hex(sodium.crypto_generichash(32, key, null)).slice(0, 32));
  });
});

describe('receipt word suggestions', () => {
  it('offers the listed words a typo may have meant, and nothing for a listed word', async () => {
    const { suggestReceiptWords } = await import('../../common/protocol/receipt.js');
    expect(suggestReceiptWords('abandon', 'en')).toEqual([]);
    expect(suggestReceiptWords('ABANDN', 'en')[0]).toBe('abandon'); // a letter missing
    expect(suggestReceiptWords('abandno', 'en')[0]).toBe('abandon'); // two letters swapped
    expect(suggestReceiptWords('zebrx', 'en')).toContain('zebra');
    expect(suggestReceiptWords('aba', 'en')).toEqual(['abandon']); // still typing
    expect(suggestReceiptWords('qqqqqqqq', 'en')).toEqual([]);
  });
});
