import { element, say, sodiumReady } from './console.js';
import { describeError } from '../error-words.js';
import { fetchChallengeAhead, logInWithPassphrase } from './log-in.js';
import { startPage } from './page-start.js';
import { consoleWord } from './console-words.js';

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
      say(status, consoleWord('login.deriving'));
      try {
        const sodium = await sodiumReady;
        const passkeyNeeded = await logInWithPassphrase(sodium, handle, passphrase);
        say(status, consoleWord('login.loggedIn'));
        location.assign(passkeyNeeded ? '/mod/passkeys' : '/mod');
      } catch (error) {
        say(status, describeError(error, consoleWord('login.failed')));
      }
    })();
  });
}

// The page's own bundle entry (scripts/build.mjs).
startPage('mod-login', initLogin);
