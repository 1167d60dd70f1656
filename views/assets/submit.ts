// The submission page in the browser (DESIGN §3 Submission): draw the receipt, seal the padded
// account to the intake key and send only the envelope; the words are shown only once the server
// has stored it (201), so that no source leaves with a receipt for an account never sent. The DOM
// is built with textContent only (Trusted Types are enforced).
import { accountFromForm, isAccountRefusal, type Account, type FormFields } from '../../common/intake/account.js';
import type { SealedSubmission } from '../../common/intake/schemas.js';
import { CodedError, type ErrorBody } from '../../common/errors.js';
import { codedErrorMessage, refusalMessage } from '../../common/error-messages.js';
import { toBase64 } from '../../common/protocol/encoding.js';
import { sealAccount, type SealedAccount } from '../../common/protocol/envelope.js';
import { deriveReceiptKeys, drawReceiptEntropy, receiptWordsFromEntropy } from '../../common/protocol/receipt.js';
import { loadSodium, type Sodium } from '../../common/protocol/sodium.js';
import { setUpAttachments, type AttachmentsField } from './attachments/attach.js';
import { sealAndUpload, UploadRefused } from './attachments/upload.js';
import { checkedIntakeKey, IntakeKeyMismatch, showComputedFingerprint } from './intake-fingerprint.js';
import { attachWordSuggestions, receiptMismatch } from './receipt-words.js';
import { warnBeforeLeavingFilled } from './leave-warning.js';

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`#${id} missing`);
  return found as T;
}

function formFields(form: HTMLFormElement): FormFields {
  const fields: Record<string, string[]> = {};
  for (const [name, value] of new FormData(form)) {
    if (typeof value === 'string') (fields[name] ??= []).push(value);
  }
  return fields;
}

class SendRefused extends Error {}

/** What a saved PDF is titled while the receipt card prints: nothing that names the site or the page. */
const PRINT_TITLE = 'Note';

/** While printing (or saving as PDF), the document's title says nothing; afterwards it is restored. */
function printWithNeutralTitle(): void {
  let title: string | undefined;
  window.addEventListener('beforeprint', () => {
    title = document.title;
    document.title = PRINT_TITLE;
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
): Promise<void> {
  const account = accountFromForm(fields);
  const intakePublicKey = checkedIntakeKey(sodium, form);
  const { lookupToken, replyKeyPair, withdrawalTag } = deriveReceiptKeys(sodium, entropy);
  sodium.memzero(replyKeyPair.privateKey);
  // Files first: the account lists their keys, and is acknowledged only once they are all stored.
  const files = attachments ? await attachments.prepared() : [];
  const sent =
    files.length > 0
      ? await sealAndUpload(sodium, files, (done, total) => (progress.textContent = `Encrypting and sending your files… ${Math.floor((100 * done) / total)}%`))
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

function showReceipt(words: readonly string[]): void {
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
  printWithNeutralTitle();
  const panel = element<HTMLElement>('receipt-panel');
  panel.hidden = false;
  panel.focus();
}

async function main(): Promise<void> {
  const form = element<HTMLFormElement>('account-form');
  const errorBox = element<HTMLDivElement>('form-error');
  const submitButton = element<HTMLButtonElement>('submit-button');
  const progress = element<HTMLParagraphElement>('send-progress');
  const sodiumReady: Promise<Sodium> = loadSodium();
  const attachmentsSection = document.getElementById('attachments');
  const attachments = attachmentsSection ? setUpAttachments(attachmentsSection) : undefined;
  let sending = false;
  warnBeforeLeavingFilled(form);
  void sodiumReady.then((sodium) => showComputedFingerprint(sodium, form));

  const showError = (message: string) => {
    errorBox.textContent = message;
    errorBox.hidden = false;
    errorBox.focus();
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (sending) return;
    sending = true;
    void (async () => {
      errorBox.hidden = true;
      submitButton.disabled = true;
      progress.textContent = 'Encrypting and sending…';
      const sodium = await sodiumReady;
      const entropy = drawReceiptEntropy(sodium);
      let words: string[];
      try {
        words = receiptWordsFromEntropy(entropy);
        await sendEnvelope(sodium, form, entropy, formFields(form), attachments, progress);
      } catch (error) {
        progress.textContent = '';
        submitButton.disabled = false;
        sending = false;
        if (isAccountRefusal(error)) return showError(codedErrorMessage(error));
        const reason =
          error instanceof CodedError && error.is('too_large')
            ? codedErrorMessage(new CodedError('account_too_large'))
            : error instanceof SendRefused || error instanceof IntakeKeyMismatch || error instanceof UploadRefused
              ? error.message
              : 'Sending failed.';
        return showError(`Not sent: ${reason} Nothing was stored, and your account is still in the form; you can try again.`);
      } finally {
        sodium.memzero(entropy);
      }
      // Stored: the form and its clear text leave the page; only the receipt remains.
      form.reset();
      form.remove();
      element('explainer-heading').closest('section')?.remove();
      progress.textContent = '';
      showReceipt(words);
    })();
  });
}

if (document.getElementById('account-form')) void main();
