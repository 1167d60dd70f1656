import { element, say, sodiumReady } from './console.js';
import { describeError } from '../error-words.js';
import { fetchChallengeAhead, logInWithPassphrase } from './log-in.js';
import { startPage } from './page-start.js';

export function initLogin(): void {
  const form = element<HTMLFormElement>('login-form');
  const status = element('login-status');
  const handleField = element<HTMLInputElement>('handle');
  // The salt and challenge travel while the passphrase is typed: one round trip fewer after "Log in".
  element<HTMLInputElement>('passphrase').addEventListener('focus', () => fetchChallengeAhead(handleField.value.trim()));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      const handle = element<HTMLInputElement>('handle').value.trim();
      const passphrase = element<HTMLInputElement>('passphrase').value;
      say(status, 'Deriving your keys; confirm with your passkey when your browser asks…');
      try {
        const sodium = await sodiumReady;
        const passkeyNeeded = await logInWithPassphrase(sodium, handle, passphrase);
        say(status, 'Logged in.');
        location.assign(passkeyNeeded ? '/mod/passkeys' : '/mod');
      } catch (error) {
        say(status, describeError(error, 'Login failed.'));
      }
    })();
  });
}

// The page's own bundle entry (scripts/build.mjs).
startPage('mod-login', initLogin);
