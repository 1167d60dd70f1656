// The submission page in the browser (DESIGN §3 Submission): draw the receipt, show it, seal
// the padded account to the intake key and send only the envelope. The DOM is built with
// textContent only (Trusted Types are enforced).
import { AccountInvalidError, accountFromForm, type Account, type FormFields } from '../../server/intake/account.js';
import { fromBase64, toBase64 } from '../../server/protocol/encoding.js';
import { sealAccount } from '../../server/protocol/envelope.js';
import { ProtocolError } from '../../server/protocol/errors.js';
import { deriveReceiptKeys, drawReceiptEntropy, receiptWordsFromEntropy } from '../../server/protocol/receipt.js';
import { loadSodium, type Sodium } from '../../server/protocol/sodium.js';

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

interface PendingSubmission {
  account: Account;
  entropy: Uint8Array;
}

async function main(): Promise<void> {
  const form = element<HTMLFormElement>('account-form');
  const errorBox = element<HTMLDivElement>('form-error');
  const receiptPanel = element<HTMLElement>('receipt-panel');
  const wordsList = element<HTMLOListElement>('receipt-words');
  const confirmed = element<HTMLInputElement>('receipt-confirmed');
  const sendButton = element<HTMLButtonElement>('send-button');
  const backButton = element<HTMLButtonElement>('back-button');
  const progress = element<HTMLParagraphElement>('send-progress');
  const sentPanel = element<HTMLElement>('sent-panel');
  const intakeKeyId = form.dataset.intakeKeyId ?? '';
  const sodiumReady: Promise<Sodium> = loadSodium();
  let pending: PendingSubmission | undefined;

  const showError = (message: string) => {
    errorBox.textContent = message;
    errorBox.hidden = false;
    errorBox.focus();
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      errorBox.hidden = true;
      let account: Account;
      try {
        account = accountFromForm(formFields(form));
      } catch (error) {
        if (error instanceof AccountInvalidError) return showError(error.message);
        throw error;
      }
      const sodium = await sodiumReady;
      pending = { account, entropy: drawReceiptEntropy(sodium) };
      wordsList.replaceChildren(
        ...receiptWordsFromEntropy(pending.entropy).map((word) => {
          const item = document.createElement('li');
          item.textContent = word;
          return item;
        }),
      );
      confirmed.checked = false;
      sendButton.disabled = true;
      progress.textContent = '';
      form.hidden = true;
      receiptPanel.hidden = false;
      receiptPanel.focus();
    })();
  });

  confirmed.addEventListener('change', () => {
    sendButton.disabled = !confirmed.checked;
  });

  backButton.addEventListener('click', () => {
    pending = undefined;
    wordsList.replaceChildren();
    receiptPanel.hidden = true;
    form.hidden = false;
  });

  sendButton.addEventListener('click', () => {
    void (async () => {
      if (!pending) return;
      sendButton.disabled = true;
      progress.textContent = 'Encrypting and sending…';
      const sodium = await sodiumReady;
      try {
        const intakePublicKey = fromBase64(sodium, form.dataset.intakePublicKey ?? '', 'intake key');
        const { lookupToken, replyKeyPair } = deriveReceiptKeys(sodium, pending.entropy);
        const ciphertext = sealAccount(sodium, pending.account, intakePublicKey);
        const response = await fetch('/api/v1/submissions', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            v: 1,
            intakeKeyId,
            ciphertext: toBase64(sodium, ciphertext),
            replyPublicKey: toBase64(sodium, replyKeyPair.publicKey),
            lookupToken: toBase64(sodium, lookupToken),
          }),
          credentials: 'omit',
          referrerPolicy: 'no-referrer',
        });
        if (response.status !== 201) {
          const body = (await response.json().catch(() => undefined)) as { error?: { message?: string } } | undefined;
          throw new Error(body?.error?.message ?? `The server answered ${response.status}.`);
        }
        pending = undefined;
        receiptPanel.querySelector('#receipt-confirmed')?.closest('.choice')?.remove();
        sendButton.remove();
        backButton.remove();
        progress.textContent = '';
        sentPanel.hidden = false;
        sentPanel.focus();
      } catch (error) {
        const message =
          error instanceof ProtocolError && error.code === 'too_large'
            ? 'Your account is too long to send in one piece; please shorten it.'
            : error instanceof Error
              ? error.message
              : 'Sending failed.';
        progress.textContent = `Not sent: ${message} Your account is still here; nothing was stored.`;
        sendButton.disabled = !confirmed.checked;
      }
    })();
  });
}

if (document.getElementById('account-form')) void main();
