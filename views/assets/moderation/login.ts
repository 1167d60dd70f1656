import type { SodiumSumo } from '../../../common/protocol/digest.js';
import { fromBase64, toBase64 } from '../../../common/protocol/encoding.js';
import { deriveModeratorKeys, signLogin, type ModeratorKeys } from '../../../common/protocol/moderator-keys.js';
import { api, asSodium, element, say, sodiumReady, storeModeratorKeys } from './console.js';
import { describeError } from '../../../common/error-messages.js';

/** Signs a fresh challenge with keys already derived, opens a session and keeps the keys for this tab. */
export async function openSession(sodium: SodiumSumo, handle: string, challenge: string, keys: ModeratorKeys): Promise<void> {
  const signature = signLogin(sodium, fromBase64(asSodium(sodium), challenge), location.origin, keys.signKeyPair.privateKey);
  await api('/mod/api/login', 'POST', { handle, challenge, signature: toBase64(asSodium(sodium), signature) });
  storeModeratorKeys(sodium, keys);
}

export function initLogin(): void {
  const form = element<HTMLFormElement>('login-form');
  const status = element('login-status');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      const handle = element<HTMLInputElement>('handle').value.trim();
      const passphrase = element<HTMLInputElement>('passphrase').value;
      say(status, 'Deriving your keys…');
      try {
        const sodium = await sodiumReady;
        const { salt, challenge } = await api<{ salt: string; challenge: string }>('/mod/api/login/challenge', 'POST', { handle });
        const started = performance.now();
        const keys = deriveModeratorKeys(sodium, passphrase, fromBase64(asSodium(sodium), salt));
        // Kept for the operator's (and the test suite's) view of how long unlocking takes here.
        sessionStorage.setItem('offscript.unlockMs', String(Math.round(performance.now() - started)));
        await openSession(sodium, handle, challenge, keys);
        say(status, 'Logged in.');
        location.assign('/mod');
      } catch (error) {
        say(status, describeError(error, 'Login failed.'));
      }
    })();
  });
}

// The page's own bundle entry (scripts/build.mjs). Another page's bundle may import this module
// for its exports (enrolment logs in), so it sets up only its own page.
if (document.body.dataset.page === 'mod-login') initLogin();
