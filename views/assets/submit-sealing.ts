// What /submit needs only once a source sends (issue 30): libsodium and its WebAssembly, the
// sealing, the receipt and its words. Loaded by submit.ts at once but off the first paint, so the
// form is usable before these bytes arrive. The DOM is built with textContent only (Trusted Types).
import type { Account, FormFields } from '../../common/intake/account.js';
import { accountFromForm } from '../../common/intake/account.js';
import type { SealedSubmission } from '../../common/intake/schemas.js';
import type { AttachmentManifestEntry } from '../../common/protocol/attachment.js';
import { CodedError, type ErrorBody } from '../../common/errors.js';
import { codedErrorMessage, refusalMessage } from '../../common/error-messages.js';
import { toBase64 } from '../../common/protocol/encoding.js';
import { sealAccount } from '../../common/protocol/envelope.js';
import { deriveReceiptKeys, drawReceiptEntropy, receiptWordsFromEntropy } from '../../common/protocol/receipt.js';
import { loadSodium, type Sodium } from '../../common/protocol/sodium.js';
import type { AttachmentsField } from './attachments/attach.js';
import { sealAndUpload, UploadRefused } from './attachments/upload.js';
import { checkedIntakeKey, IntakeKeyMismatch, showComputedFingerprint } from './intake-fingerprint.js';
import { attachWordSuggestions, receiptMismatch } from './receipt-words.js';
import { element } from './page-element.js';

class SendRefused extends Error {}

async function sendEnvelope(
  sodium: Sodium,
  form: HTMLFormElement,
  entropy: Uint8Array,
  fields: FormFields,
  attachments: AttachmentsField | undefined,
  progress: HTMLParagraphElement,
): Promise<void> {
  const account = accountFromForm(fields);
  const intakePublicKey = checkedIntakeKey(sodium, form);
  const { lookupToken, replyKeyPair } = deriveReceiptKeys(sodium, entropy);
  sodium.memzero(replyKeyPair.privateKey);
  // Files first: the account lists their keys, and is acknowledged only once they are all stored.
  const files = attachments ? await attachments.prepared() : [];
  const sent =
    files.length > 0
      ? await sealAndUpload(sodium, files, (done, total) => (progress.textContent = `Encrypting and sending your files… ${Math.floor((100 * done) / total)}%`))
      : undefined;
  const withFiles: Account & { attachments?: AttachmentManifestEntry[] } = sent ? { ...account, attachments: sent.manifest } : account;
  const ciphertext = sealAccount(sodium, withFiles, intakePublicKey);
  const envelope: SealedSubmission = {
    v: 1,
    intakeKeyId: form.dataset.intakeKeyId ?? '',
    ciphertext: toBase64(sodium, ciphertext),
    replyPublicKey: toBase64(sodium, replyKeyPair.publicKey),
    lookupToken: toBase64(sodium, lookupToken),
    ...(sent ? { uploadId: sent.uploadId } : {}),
  };
  let response: Response;
  try {
    response = await fetch('/api/v1/submissions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(envelope),
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
    });
  } catch {
    throw new SendRefused('The connection to our server failed.');
  }
  if (response.status !== 201) {
    const body = (await response.json().catch(() => undefined)) as Partial<ErrorBody> | undefined;
    throw new SendRefused(refusalMessage(body?.error, `The server answered ${response.status}.`));
  }
}

/** Shows the fingerprint this browser computes from the intake key, once libsodium is ready. */
export async function showFingerprint(form: HTMLFormElement): Promise<void> {
  showComputedFingerprint(await loadSodium(), form);
}

/** Draws the receipt, seals and sends the account (and its files); resolves with the receipt's words once stored. */
export async function sealAndSend(form: HTMLFormElement, fields: FormFields, attachments: AttachmentsField | undefined, progress: HTMLParagraphElement): Promise<string[]> {
  const sodium = await loadSodium();
  const entropy = drawReceiptEntropy(sodium);
  try {
    const words = receiptWordsFromEntropy(entropy);
    await sendEnvelope(sodium, form, entropy, fields, attachments, progress);
    return words;
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
      : 'Sending failed.';
}

export function showReceipt(words: readonly string[]): void {
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
    checkResult.textContent = receiptMismatch(checkWords.value, words) ?? 'These are your twelve words, in the right order.';
  });
  element<HTMLButtonElement>('print-receipt').addEventListener('click', () => window.print());
  const panel = element<HTMLElement>('receipt-panel');
  panel.hidden = false;
  panel.focus();
}
