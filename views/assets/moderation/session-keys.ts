// A console page that holds work in progress never sends the moderator away: when the session has
// ended (idle limit) or the tab holds no keys, a dialog asks for the passphrase (and the passkey,
// which the browser asks for) right here, and the interrupted request is sent again (issue 28).
// Typing counts as activity for the idle limit: a cheap keep-alive, at most every few minutes.
import { describeError } from '../error-words.js';
import { api, element, renewSessionWith, say, sodiumReady, unlockMissingKeysWith } from './console.js';
import { logInWithPassphrase } from './log-in.js';
import { consoleWord } from './console-words.js';

/** Well under the 30-minute idle limit, and well over the server's one-minute touch interval. */
export const KEEP_ALIVE_EVERY_MS = 2 * 60_000;

let unlocking: Promise<void> | undefined;

function unlockDialog(reason: 'expired' | 'no-keys'): HTMLDialogElement {
  const existing = document.getElementById('unlock-dialog');
  if (existing) existing.remove();
  const dialog = document.createElement('dialog');
  dialog.id = 'unlock-dialog';
  dialog.setAttribute('aria-labelledby', 'unlock-heading');
  const heading = document.createElement('h2');
  heading.id = 'unlock-heading';
  heading.textContent = reason === 'expired' ? consoleWord('unlock.sessionEnded') : consoleWord('unlock.unlockHere');
  const explain = document.createElement('p');
  explain.textContent = consoleWord('unlock.intro');
  const form = document.createElement('form');
  const field = document.createElement('div');
  field.className = 'field';
  const label = document.createElement('label');
  label.htmlFor = 'unlock-passphrase';
  label.textContent = consoleWord('unlock.passphraseFor', { handle: document.body.dataset.handle ?? '' });
  const input = document.createElement('input');
  input.type = 'password';
  input.id = 'unlock-passphrase';
  input.autocomplete = 'current-password';
  input.required = true;
  field.append(label, input);
  const unlock = document.createElement('button');
  unlock.type = 'submit';
  unlock.textContent = consoleWord('unlock.unlock');
  const cancel = document.createElement('button');
  cancel.type = 'button';
  cancel.className = 'secondary';
  cancel.id = 'unlock-cancel';
  cancel.textContent = consoleWord('unlock.cancel');
  const status = document.createElement('p');
  status.id = 'unlock-status';
  status.setAttribute('role', 'status');
  status.setAttribute('aria-live', 'polite');
  const buttons = document.createElement('p');
  buttons.append(unlock, ' ', cancel);
  form.append(field, buttons, status);
  dialog.append(heading, explain, form);
  document.body.append(dialog);
  return dialog;
}

/** Asks for the passphrase and passkey in a dialog and logs in again in this tab; one dialog however many requests wait. */
function unlockHere(reason: 'expired' | 'no-keys'): Promise<void> {
  unlocking ??= new Promise<void>((resolve, reject) => {
    const handle = document.body.dataset.handle;
    if (!handle) return reject(new Error(consoleWord('unlock.ended')));
    const dialog = unlockDialog(reason);
    const form = dialog.querySelector('form')!;
    const status = element('unlock-status');
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void (async () => {
        say(status, consoleWord('login.deriving'));
        try {
          await logInWithPassphrase(await sodiumReady, handle, element<HTMLInputElement>('unlock-passphrase').value);
          dialog.close('unlocked');
          resolve();
        } catch (error) {
          say(status, describeError(error, consoleWord('unlock.failed')));
        }
      })();
    });
    element('unlock-cancel').addEventListener('click', () => dialog.close());
    dialog.addEventListener('close', () => {
      dialog.remove();
      if (dialog.returnValue !== 'unlocked') reject(new Error(consoleWord('unlock.notUnlocked')));
    });
    dialog.showModal();
  }).finally(() => (unlocking = undefined));
  return unlocking;
}

/** Sends a keep-alive when the moderator types, at most every KEEP_ALIVE_EVERY_MS. */
function keepAliveWhileTyping(): void {
  let last = 0;
  document.addEventListener('input', () => {
    const now = Date.now();
    if (now - last < KEEP_ALIVE_EVERY_MS) return;
    last = now;
    // Sent as already renewed: a keep-alive never opens the dialog by itself, and an ended
    // session is left for the moderator's next real request to renew.
    api('/mod/api/keep-alive', 'POST', {}, { renewed: true }).catch(() => undefined);
  });
}

/** For pages that keep work in progress: unlock in place, and typing keeps the session alive. */
export function keepWorkAcrossSessions(): void {
  renewSessionWith(() => unlockHere('expired'));
  unlockMissingKeysWith(() => unlockHere('no-keys'));
  keepAliveWhileTyping();
}
