// The submission page in the browser (DESIGN §3 Submission): draw the receipt, seal the padded
// account to the intake key and send only the envelope; the words are shown only once the server
// has stored it (201), so that no source leaves with a receipt for an account never sent; when no
// answer comes after a few tries, the words are shown with "we could not confirm it". What the
// page needs before the first keystroke is this file; sealing and attachments load after (issue 30).
import { isAccountRefusal, type FormFields } from '../../common/intake/account.js';
import { codedErrorMessage } from './error-words.js';
import { warnBeforeLeavingFilled } from './leave-warning.js';
import { element } from './page-element.js';
import { word } from './page-words.js';

function formFields(form: HTMLFormElement): FormFields {
  const fields: Record<string, string[]> = {};
  for (const [name, value] of new FormData(form)) {
    if (typeof value === 'string') (fields[name] ??= []).push(value);
  }
  return fields;
}

async function main(): Promise<void> {
  const form = element<HTMLFormElement>('account-form');
  const errorBox = element<HTMLDivElement>('form-error');
  const submitButton = element<HTMLButtonElement>('submit-button');
  const progress = element<HTMLParagraphElement>('send-progress');
  // Asked for at once, but not before the first paint: the form needs none of it until Send
  // (libsodium's WebAssembly alone is over 100 KB brotli). The attachments field stays hidden,
  // its no-JavaScript notice shown, until its tools have loaded.
  const sealing = import('./submit-sealing.js');
  const attachmentsSection = document.getElementById('attachments');
  const attachments = attachmentsSection ? import('./attachments/attach.js').then(({ setUpAttachments }) => setUpAttachments(attachmentsSection)) : undefined;
  let sending = false;
  warnBeforeLeavingFilled(form);
  void sealing.then(({ showFingerprint }) => showFingerprint(form));

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
      progress.textContent = word('submit:browser.sending');
      let sent: { words: string[]; outcome: 'stored' | 'unconfirmed' };
      let loaded: typeof import('./submit-sealing.js') | undefined;
      try {
        loaded = await sealing;
        sent = await loaded.sealAndSend(form, formFields(form), await attachments, progress);
      } catch (error) {
        progress.textContent = '';
        submitButton.disabled = false;
        sending = false;
        if (isAccountRefusal(error)) return showError(codedErrorMessage(error));
        // A page whose sealing code could not load has sent nothing either.
        const reason = loaded ? loaded.sendFailureReason(error) : word('submit:browser.sendingFailed');
        return showError(word('submit:browser.notSent', { reason }));
      }
      // Stored: the form and its clear text leave the page; only the receipt remains.
      form.reset();
      form.remove();
      element('explainer-heading').closest('section')?.remove();
      progress.textContent = '';
      loaded.showReceipt(sent.words, sent.outcome);
    })();
  });
}

if (document.getElementById('account-form')) void main();
