// Adding a passkey at this address of the console from a one-time link made at another (issue 25,
// server/moderation/origin-links.ts). Keys bound to passkeys arrive sealed in the link's fragment
// under the passphrase: typed here, it opens the seed, which the new passkey then wraps.
import { describeError } from '../error-words.js';
import type { PasskeyOptionsView } from '../../../common/moderation/access-view.js';
import { fromBase64 } from '../../../common/protocol/encoding.js';
import { passphraseSeed } from '../../../common/protocol/moderator-keys.js';
import { openSeedFromLink } from '../../../common/protocol/origin-link.js';
import { api, asSodium, element, say, sodiumReady } from './console.js';
import { startPage } from './page-start.js';
import { createPasskey, registrationBody } from './webauthn.js';

export function initPasskeyLink(): void {
  const form = element<HTMLFormElement>('passkey-link-form');
  const status = element('passkey-link-status');
  const token = location.pathname.split('/').pop() ?? '';
  const sealedText = new URLSearchParams(location.hash.slice(1)).get('seed');
  // Keys on the passphrase alone: the new passkey is a login factor only, and needs no passphrase here.
  if (!sealedText) element('link-passphrase-field').hidden = true;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      try {
        const sodium = await sodiumReady;
        const { passkey: options, salt } = await api<{ passkey: PasskeyOptionsView; salt: string }>('/mod/api/passkeys/link/options', 'POST', { token });
        let binding: { argon: Uint8Array; seed: Uint8Array } | undefined;
        if (options.keysBoundToPasskey) {
          if (!sealedText) throw new Error(form.dataset.noSeed);
          const argon = passphraseSeed(sodium, element<HTMLInputElement>('passphrase').value, fromBase64(asSodium(sodium), salt));
          const seed = openSeedFromLink(sodium, sodium.from_base64(sealedText, sodium.base64_variants.URLSAFE_NO_PADDING), argon, token);
          if (!seed) throw new Error(form.dataset.wrongPassphrase);
          binding = { argon, seed };
        }
        say(status, form.dataset.asking ?? '');
        const created = await createPasskey(sodium, options);
        await api('/mod/api/passkeys/link', 'POST', { token, ...registrationBody(sodium, created, binding) });
        // The link is spent: its sealed seed leaves the address bar.
        history.replaceState(null, '', location.pathname);
        say(status, form.dataset.added ?? '');
        element('passkey-link-done').hidden = false;
      } catch (error) {
        say(status, describeError(error, form.dataset.failed ?? ''));
      }
    })();
  });
}

startPage('mod-passkey-link', initPasskeyLink);
