// Receipt words as people paste them (issue 28): numbered as the card shows them, with commas, one
// per line, in capitals, or the whole card's text; the refusals still count only real words.
import { describe, expect, it } from 'vitest';
import { CodedError } from '../../common/errors.js';
import { drawReceiptEntropy, entropyFromReceiptWords, receiptWordsFromEntropy, receiptWordsIn } from '../../common/protocol/receipt.js';
import { loadSodium } from '../../common/protocol/sodium.js';
import { cardText, PASTED_FORMATS } from '../support/receipt-paste.js';

const sodium = await loadSodium();
const entropy = drawReceiptEntropy(sodium);
const words = receiptWordsFromEntropy(entropy, 'en');

describe('receipt words pasted', () => {
  it.each(Object.entries(PASTED_FORMATS))('%s: the same receipt', (_format, paste) => {
    expect(receiptWordsIn(paste(words))).toEqual(words);
    expect(entropyFromReceiptWords(paste(words))).toEqual(entropy);
  });

  it('the whole card without its numbers, and numbered one per line', () => {
    expect(entropyFromReceiptWords(cardText(words, false))).toEqual(entropy);
    expect(entropyFromReceiptWords(words.map((w, i) => `${i + 1}) ${w}`).join('\n'))).toEqual(entropy);
  });

  it('still counts only words: eleven numbered words are eleven, a typo is named as such', () => {
    const refusal = (typed: string) => {
      try {
        entropyFromReceiptWords(typed);
      } catch (error) {
        return error instanceof CodedError ? { code: error.code, details: error.details } : undefined;
      }
      return undefined;
    };
    expect(refusal(PASTED_FORMATS.numbered!(words.slice(0, 11)))).toEqual({ code: 'receipt_word_count', details: { expected: 12, actual: 11 } });
    expect(refusal([...words.slice(0, 11), 'zzzz'].join(', '))?.code).toBe('receipt_unknown_word');
    expect(refusal([...words, 'abandon'].join(' '))).toEqual({ code: 'receipt_word_count', details: { expected: 12, actual: 13 } });
  });
});
