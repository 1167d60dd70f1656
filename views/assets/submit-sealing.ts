// What /submit needs only once a source sends (issue 30): libsodium and its WebAssembly, the
// sealing, the receipt and its words. Loaded by submit.ts at once but off the first paint, so the
// form is usable before these bytes arrive. The DOM is built with textContent only (Trusted Types).
import type { FormFields } from '../../common/intake/account.js';
import { accountFromForm } from '../../common/intake/account.js';
import type { SealedSubmission } from '../../common/intake/schemas.js';
import { CodedError, type ErrorBody } from '../../common/errors.js';
import { refusalMessage } from '../../common/error-messages.js';
import { codedErrorMessage } from './error-words.js';
import { toBase64 } from '../../common/protocol/encoding.js';
import { sealAccount, type SealedAccount } from '../../common/protocol/envelope.js';
import { deriveReceiptKeys, drawReceiptEntropy, receiptWordsFromEntropy } from '../../common/protocol/receipt.js';
import { pageLanguage } from './page-language.js';
import { loadSodium, type Sodium } from '../../common/protocol/sodium.js';
import type { AttachmentsField } from './attachments/attach.js';
import { sealAndUpload, UploadRefused } from './attachments/upload.js';
import { checkedIntakeKey, IntakeKeyMismatch, showComputedFingerprint } from './intake-fingerprint.js';
import { attachWordSuggestions, receiptMismatch, receiptWordMessage } from './receipt-words.js';
import { element } from './page-element.js';
import { word } from './page-words.js';

class SendRefused extends Error {}

/** What a saved PDF is titled while the receipt card prints: nothing that names the site or the page. */
const printTitle = () => word('submit:browser.printTitle');

/** While printing (or saving as PDF), the document's title says nothing; afterwards it is restored. */
function printWithNeutralTitle(): void {
  let title: string | undefined;
  window.addEventListener('beforeprint', () => {
    title = document.title;
    document.title = printTitle();
  });
  window.addEventListener('afterprint', () => {
    if (title !== undefined) document.title = title;
    title = undefined;
  });
}

async function sendEnvelope(
  sodium: Sodium,
  form: HTMLFormElement,
  entropy: Uint8Array,
  fields: FormFields,
  attachments: AttachmentsField | undefined,
  progress: HTMLParagraphElement,
): Promise<'stored' | 'unconfirmed'> {
  const account = accountFromForm(fields);
  const intakePublicKey = checkedIntakeKey(sodium, form);
  const { lookupToken, replyKeyPair, withdrawalTag } = deriveReceiptKeys(sodium, entropy);
  sodium.memzero(replyKeyPair.privateKey);
  // Files first: the account lists their keys, and is acknowledged only once they are all stored.
  const files = attachments ? await attachments.prepared() : [];
  const sent =
    files.length > 0
      ? await sealAndUpload(sodium, files, (done, total) => (progress.textContent = word('common:browser.sendingFiles', { percent: Math.floor((100 * done) / total) })))
      : undefined;
  // The withdrawal tag travels sealed: the moderator's browser copies it onto the account and story.
  const sealed: SealedAccount = { ...account, withdrawalTag: toBase64(sodium, withdrawalTag), ...(sent ? { attachments: sent.manifest } : {}) };
  const ciphertext = sealAccount(sodium, sealed, intakePublicKey);
  const envelope: SealedSubmission = {
    v: 1,
    intakeKeyId: form.dataset.intakeKeyId ?? '',
    ciphertext: toBase64(sodium, ciphertext),
    replyPublicKey: toBase64(sodium, replyKeyPair.publicKey),
    lookupToken: toBase64(sodium, lookupToken),
    ...(sent ? { uploadId: sent.uploadId } : {}),
  };
  return postEnvelope(envelope);
}

// Sent again a few times when no answer comes: the server stores one envelope once and answers
// its copies as it answered the first (a lost 201 is the case this is for).
const SEND_ATTEMPTS = 4;
const FIRST_RETRY_MS = 1000;
// A server that takes longer than this is treated as no answer (it answers 503 within seconds).
const ANSWER_WAIT_MS = 30_000;

/** Whether an answer says for certain that nothing was stored (a refusal, or intake closed). */
function isDefiniteRefusal(status: number, code: unknown): boolean {
  if (status >= 400 && status < 500) return status !== 408;
  return status === 503 && code === 'intake_closed';
}

/** 'stored' once a 201 comes; 'unconfirmed' when no answer said either way; throws on a definite refusal. */
async function postEnvelope(envelope: SealedSubmission): Promise<'stored' | 'unconfirmed'> {
  for (let attempt = 0; attempt < SEND_ATTEMPTS; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, FIRST_RETRY_MS * 2 ** (attempt - 1)));
    let response: Response;
    try {
      response = await fetch('/api/v1/submissions', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(envelope),
        credentials: 'omit',
        referrerPolicy: 'no-referrer',
        signal: AbortSignal.timeout(ANSWER_WAIT_MS),
      });
    } catch {
      continue; // No answer: the envelope may or may not have been stored.
    }
    if (response.status === 201) return 'stored';
    const body = (await response.json().catch(() => undefined)) as Partial<ErrorBody> | undefined;
    if (isDefiniteRefusal(response.status, body?.error?.code)) {
      throw new SendRefused(refusalMessage(body?.error, word('common:browser.serverAnswered', { status: response.status })));
    }
  }
  return 'unconfirmed';
}

/** Shows the fingerprint this browser computes from the intake key, once libsodium is ready. */
export async function showFingerprint(form: HTMLFormElement): Promise<void> {
  showComputedFingerprint(await loadSodium(), form);
}

/** Draws the receipt, seals and sends the account (and its files); resolves with the receipt's words once stored. */
export async function sealAndSend(
  form: HTMLFormElement,
  fields: FormFields,
  attachments: AttachmentsField | undefined,
  progress: HTMLParagraphElement,
): Promise<{ words: string[]; outcome: 'stored' | 'unconfirmed' }> {
  const sodium = await loadSodium();
  const entropy = drawReceiptEntropy(sodium);
  try {
    // In the page's language: the same entropy and keys, spelled in its official BIP-39 list.
    const words = receiptWordsFromEntropy(entropy, pageLanguage());
    const outcome = await sendEnvelope(sodium, form, entropy, fields, attachments, progress);
    return { words, outcome };
  } finally {
    sodium.memzero(entropy);
  }
}

/** Why sending failed, in words for the source (account refusals are worded by the caller). */
export function sendFailureReason(error: unknown): string {
  return error instanceof CodedError && error.is('too_large')
    ? codedErrorMessage(new CodedError('account_too_large'))
    : error instanceof SendRefused || error instanceof IntakeKeyMismatch || error instanceof UploadRefused
      ? error.message
      : word('submit:browser.sendingFailed');
}

export function showReceipt(words: readonly string[], outcome: 'stored' | 'unconfirmed'): void {
  if (outcome === 'unconfirmed') {
    // Never "nothing was stored": the server may have stored it and lost only its answer.
    element('receipt-heading').textContent = word('submit:browser.sentHeading');
    element('receipt-stored-note').hidden = true;
    element('receipt-unconfirmed').hidden = false;
  }
  element<HTMLOListElement>('receipt-words').replaceChildren(
    ...words.map((word) => {
      const item = document.createElement('li');
      item.textContent = word;
      return item;
    }),
  );
  const checkForm = element<HTMLFormElement>('check-form');
  const checkWords = element<HTMLTextAreaElement>('check-words');
  const checkResult = element<HTMLParagraphElement>('check-result');
  attachWordSuggestions(checkWords, element('check-words-suggestions'));
  checkForm.addEventListener('submit', (event) => {
    event.preventDefault();
    checkResult.textContent = receiptMismatch(checkWords.value, words) ?? receiptWordMessage('wordsMatch');
  });
  element<HTMLButtonElement>('print-receipt').addEventListener('click', () => window.print());
  printWithNeutralTitle();
  const panel = element<HTMLElement>('receipt-panel');
  panel.hidden = false;
  panel.focus();
}
