// The press desk's login (issue 32): the moderators' login steps (challenge, passkey, Argon2id,
// signature) at /press/api; the journalist's key pairs are kept for this tab like a moderator's.
import { describeError } from '../error-words.js';
import { element, say, sodiumReady } from '../moderation/console.js';
import { logInWithPassphrase } from '../moderation/log-in.js';
import { startPage } from '../moderation/page-start.js';

startPage('press-login', () => {
  const form = element<HTMLFormElement>('press-login-form');
  const status = element('login-status');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      try {
        const sodium = await sodiumReady;
        await logInWithPassphrase(sodium, element<HTMLInputElement>('handle').value.trim(), element<HTMLInputElement>('passphrase').value, '/press/api');
        location.assign('/press');
      } catch (error) {
        say(status, describeError(error, form.dataset.failed ?? ''));
      }
    })();
  });
});
