// Receipts in the source's language (issue 31 item 5): the official BIP-39 Spanish and Portuguese
// lists spell the same entropy, hence the same keys; any list's words open the account; accents
// may be left out; typo suggestions come from the page's list.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CodedError } from '../../common/errors.js';
import { LANGUAGES, type Language } from '../../common/languages.js';
import { toBase64 } from '../../common/protocol/encoding.js';
import {
  deriveReceiptKeys,
  drawReceiptEntropy,
  entropyFromReceiptWords,
  isReceiptWord,
  RECEIPT_WORD_LISTS,
  receiptLanguage,
  receiptWordKey,
  receiptWordsFromEntropy,
  receiptWordsIn,
  suggestReceiptWords,
} from '../../common/protocol/receipt.js';
import { loadSodium } from '../../common/protocol/sodium.js';
import { PASTED_FORMATS } from '../support/receipt-paste.js';

type Vector = Record<Language, string> & { entropyHex: string; lookupTokenBase64: string; replyPublicKeyBase64: string };
const { vectors } = JSON.parse(readFileSync(new URL('../vectors/receipt-languages-v1.json', import.meta.url), 'utf8')) as { vectors: Vector[] };
const sodium = await loadSodium();
const codeOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error instanceof CodedError ? error.code : String(error);
  }
  return undefined;
};
const withoutAccents = (words: string) => words.normalize('NFKD').replace(/\p{M}/gu, '');

describe('receipt known-answer vectors in every list (test/vectors/receipt-languages-v1.json)', () => {
  it.each(vectors.flatMap((v) => LANGUAGES.map((language) => [v.entropyHex, language, v] as const)))('entropy %s in %s', (_hex, language, vector) => {
    const entropy = sodium.from_hex(vector.entropyHex);
    expect(receiptWordsFromEntropy(entropy, language).join(' ')).toBe(vector[language]);
    expect(sodium.to_hex(entropyFromReceiptWords(vector[language]))).toBe(vector.entropyHex);
    // Same entropy, same keys: the lookup token and reply key of the English vector.
    const keys = deriveReceiptKeys(sodium, entropyFromReceiptWords(vector[language]));
    expect(toBase64(sodium, keys.lookupToken)).toBe(vector.lookupTokenBase64);
    expect(toBase64(sodium, keys.replyKeyPair.publicKey)).toBe(vector.replyPublicKeyBase64);
    // Independently of the code under test: word i of each list stands for word i of the English one.
    const at = (lang: Language, words: string) => words.split(' ').map((w) => RECEIPT_WORD_LISTS[lang].findIndex((listed) => listed.normalize('NFC') === w));
    expect(at(language, vector[language])).toEqual(at('en', vector.en));
  });

  it('starts from the BIP-39 reference spellings of the zero entropy', () => {
    expect(vectors[0]!.es).toBe('ábaco ábaco ábaco ábaco ábaco ábaco ábaco ábaco ábaco ábaco ábaco abierto');
    expect(vectors[0]!['pt-BR']).toBe('abacate abacate abacate abacate abacate abacate abacate abacate abacate abacate abacate abater');
  });
});

describe('receipt words in Spanish and Portuguese', () => {
  it('each list is unique by its words without accents, and by their first four letters', () => {
    for (const language of LANGUAGES) {
      const keys = RECEIPT_WORD_LISTS[language].map(receiptWordKey);
      expect(new Set(keys).size, language).toBe(2048);
      expect(new Set(keys.map((k) => k.slice(0, 4))).size, language).toBe(2048);
    }
  });

  it('round-trips random receipts in every list to the same entropy; mixing lists is no receipt', () => {
    for (let i = 0; i < 50; i++) {
      const entropy = drawReceiptEntropy(sodium);
      const spelled = LANGUAGES.map((language) => receiptWordsFromEntropy(entropy, language));
      spelled.forEach((words, l) => {
        expect(entropyFromReceiptWords(words.join(' '))).toEqual(entropy);
        expect(receiptLanguage(words.join(' '))).toBe(LANGUAGES[l]);
      });
      // Half Spanish, half Portuguese: every word is listed, but no one list holds the receipt.
      expect(codeOf(() => entropyFromReceiptWords([...spelled[1]!.slice(0, 6), ...spelled[2]!.slice(6)].join(' ')))).toBe('receipt_checksum');
    }
  });

  it('accepts Spanish words typed without their accents, decomposed, or in capitals', () => {
    const entropy = sodium.from_hex(vectors[2]!.entropyHex);
    const spanish = vectors[2]!.es;
    expect(spanish).toMatch(/á/);
    expect(entropyFromReceiptWords(withoutAccents(spanish))).toEqual(entropy);
    expect(entropyFromReceiptWords(spanish.normalize('NFKD'))).toEqual(entropy);
    expect(entropyFromReceiptWords(spanish.toUpperCase())).toEqual(entropy);
    expect(isReceiptWord('abaco')).toBe(true);
    expect(isReceiptWord('ÁBACO')).toBe(true);
    expect(codeOf(() => entropyFromReceiptWords(`${withoutAccents(spanish).split(' ').slice(0, 11).join(' ')} ordenador`))).toBe('receipt_unknown_word');
  });

  it.each(Object.entries(PASTED_FORMATS))('Spanish words pasted as %s: the same receipt', (_format, paste) => {
    const entropy = drawReceiptEntropy(sodium);
    const words = receiptWordsFromEntropy(entropy, 'es');
    expect(receiptWordsIn(paste(words)).map(receiptWordKey)).toEqual(words.map(receiptWordKey));
    expect(entropyFromReceiptWords(paste(words))).toEqual(entropy);
  });

  it('suggests from the page’s list, with accents, accents ignored in the comparison', () => {
    expect(suggestReceiptWords('abaco', 'es')).toEqual([]); // a listed word, accents left out
    expect(suggestReceiptWords('abacp', 'es')[0]).toBe('ábaco');
    expect(suggestReceiptWords('abac', 'es')).toEqual(['ábaco']); // still typing
    expect(suggestReceiptWords('abacat', 'pt-BR')).toEqual(['abacate']);
    expect(suggestReceiptWords('zumbidp', 'pt-BR')[0]).toBe('zumbido');
    expect(suggestReceiptWords('abandn', 'en')[0]).toBe('abandon');
  });
});
