// Help with typing receipt words back (WCAG 2.2 SC 3.3.8): suggestions from the BIP-39 list while
// typing, and a comparison with the words just received. Everything stays in this page: the words
// are never stored, put in a URL or sent. DOM by textContent only (Trusted Types are enforced).
import { RECEIPT_WORD_COUNT, entropyFromReceiptWords, isReceiptWord, receiptWordKey, receiptWordsIn, suggestReceiptWords } from '../../common/protocol/receipt.js';
import { pageLanguage } from './page-language.js';

/**
 * Words this module shows, in the page's language: the server renders them into
 * partials/receipt-word-messages.hbs; `{name}` in them is filled in here.
 */
export function receiptWordMessage(name: string, values: Record<string, string | number> = {}): string {
  const template = document.getElementById('receipt-word-messages')?.dataset[name];
  if (template === undefined) throw new Error(`the page has no receipt word message ${name} (partials/receipt-word-messages.hbs)`);
  return template.replace(/\{(\w+)\}/g, (_, key: string) => String(values[key] ?? ''));
}

interface TypedWord {
  word: string;
  start: number;
  end: number;
}

/** Words as receiptWordsIn reads them: letters only, so that "1." and "airport," are not taken for words. */
function typedWords(text: string): TypedWord[] {
  return [...text.matchAll(/[\p{L}\p{M}]+/gu)].map((m) => ({ word: m[0], start: m.index, end: m.index + m[0].length }));
}

/** Whether the field already holds a whole receipt (pasted with its card's text, say): then there is nothing to suggest. */
function holdsReceipt(text: string): boolean {
  try {
    entropyFromReceiptWords(text);
    return true;
  } catch {
    return false;
  }
}

/** The first word that is not in the list, skipping the one still being typed if it can still become one. */
function firstUnknownWord(field: HTMLTextAreaElement): { position: number; typed: TypedWord } | undefined {
  if (holdsReceipt(field.value)) return undefined;
  const list = typedWords(field.value);
  for (const [position, typed] of list.entries()) {
    if (isReceiptWord(typed.word)) continue;
    const stillTyping = typed.end === field.value.length && field.selectionEnd === typed.end;
    if (stillTyping && suggestReceiptWords(typed.word, pageLanguage()).some((w) => receiptWordKey(w).startsWith(receiptWordKey(typed.word)))) continue;
    return { position, typed };
  }
  return undefined;
}

/** Shows, under `field`, what the first unknown word may have meant; a click puts the word in its place. */
export function attachWordSuggestions(field: HTMLTextAreaElement, box: HTMLElement): void {
  let shown = '';
  const update = () => {
    const unknown = firstUnknownWord(field);
    // Unchanged advice stays in place: redrawing on blur would swallow a click on a suggestion.
    const showing = unknown ? `${unknown.position}:${unknown.typed.start}:${unknown.typed.word}` : '';
    if (showing === shown) return;
    shown = showing;
    if (!unknown) return box.replaceChildren();
    const { position, typed } = unknown;
    const suggestions = suggestReceiptWords(typed.word, pageLanguage());
    const text = document.createElement('p');
    text.textContent = `${receiptWordMessage('notListed', { position: position + 1, word: typed.word })} ${receiptWordMessage(suggestions.length ? 'didYouMean' : 'checkSpelling')}`;
    const buttons = suggestions.map((suggestion) => {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'secondary';
      button.textContent = suggestion;
      button.setAttribute('aria-label', receiptWordMessage('useWord', { word: suggestion, position: position + 1 }));
      button.addEventListener('click', () => {
        field.setRangeText(suggestion, typed.start, typed.end, 'end');
        field.focus();
        update();
      });
      return button;
    });
    box.replaceChildren(text, ...buttons);
  };
  field.addEventListener('input', update);
  field.addEventListener('blur', update);
}

/** Compares what was typed with the receipt: undefined when they match, otherwise what differs. */
export function receiptMismatch(typed: string, receipt: readonly string[]): string | undefined {
  const list = receiptWordsIn(typed);
  // Accents may be left out: "abaco" is the card's "ábaco" (receiptWordKey).
  const differs = receipt.findIndex((word, i) => list[i] === undefined || receiptWordKey(list[i]) !== receiptWordKey(word));
  if (differs >= 0 && differs < list.length) return receiptWordMessage('wordDiffers', { position: differs + 1 });
  if (list.length !== RECEIPT_WORD_COUNT) return receiptWordMessage('wordCount', { expected: RECEIPT_WORD_COUNT, typed: list.length });
  return undefined;
}
