// A moderator's own passkeys: add a spare (wrapping the key seed when the keys are bound to
// passkeys), remove one (never the last). The server audits both.
import { describeError } from '../error-words.js';
import { api, element, keysNotInTab, moderatorKeysForTab, say, sodiumReady, storedKeyBinding } from './console.js';
import { createPasskey, freshAssertion, registrationBody } from './webauthn.js';
import type { PasskeyOptionsView, PasskeyStanding } from '../../../common/moderation/access-view.js';
import { sealSeedForLink } from '../../../common/protocol/origin-link.js';
import { startPage } from './page-start.js';
import { consoleWord } from './console-words.js';

export function initPasskeys(): void {
  const status = element('passkeys-status');
  const fail = (error: unknown) => say(status, describeError(error, consoleWord('common.failed')));

  element('add-passkey').addEventListener('click', () => {
    void (async () => {
      try {
        const sodium = await sodiumReady;
        // A passkey you already have confirms the change first (not on a first passkey: there is none to ask).
        const passkeys = document.querySelectorAll('tr[data-passkey-id]').length;
        if (passkeys > 0) say(status, consoleWord('passkeys.confirmExisting'));
        const assertion = passkeys > 0 ? await freshAssertion() : undefined;
        const options = await api<PasskeyOptionsView>('/mod/api/passkeys/options', 'POST');
        // Keys handed over by another tab come with their binding.
        if (options.keysBoundToPasskey && !storedKeyBinding(sodium)) await moderatorKeysForTab(sodium);
        const binding = options.keysBoundToPasskey ? storedKeyBinding(sodium) : undefined;
        if (options.keysBoundToPasskey && !binding) throw new Error(keysNotInTab());
        say(status, consoleWord('passkeys.registerNew'));
        const passkey = await createPasskey(sodium, options);
        await api('/mod/api/passkeys', 'POST', { ...registrationBody(sodium, passkey, binding), ...(assertion ? { assertion } : {}) });
        location.reload();
      } catch (error) {
        fail(error);
      }
    })();
  });

  // A passkey at another address of the console (issue 25): a one-time link to open there, in Tor Browser.
  for (const button of document.querySelectorAll<HTMLButtonElement>('.make-origin-link')) {
    button.addEventListener('click', () => {
      void (async () => {
        try {
          const sodium = await sodiumReady;
          const section = element('other-origins');
          say(status, section.dataset.confirm ?? '');
          const assertion = await freshAssertion();
          const { standing } = await api<{ standing: PasskeyStanding }>('/mod/api/passkeys');
          if (standing.keysBoundToPasskey && !storedKeyBinding(sodium)) await moderatorKeysForTab(sodium);
          const binding = standing.keysBoundToPasskey ? storedKeyBinding(sodium) : undefined;
          if (standing.keysBoundToPasskey && !binding) throw new Error(keysNotInTab());
          const link = await api<{ url: string; token: string }>('/mod/api/passkeys/origin-links', 'POST', { origin: button.dataset.origin, assertion });
          // Keys bound to passkeys travel in the fragment, which no server sees, sealed under the passphrase.
          const sealed = binding && sealSeedForLink(sodium, binding.seed, binding.argon, link.token);
          const fragment = sealed ? `#seed=${sodium.to_base64(sealed, sodium.base64_variants.URLSAFE_NO_PADDING)}` : '';
          element<HTMLInputElement>('origin-link').value = `${link.url}${fragment}`;
          element('origin-link-panel').hidden = false;
          say(status, section.dataset.made ?? '');
        } catch (error) {
          fail(error);
        }
      })();
    });
  }

  for (const button of document.querySelectorAll<HTMLButtonElement>('.remove-passkey')) {
    button.addEventListener('click', () => {
      if (!window.confirm(consoleWord('passkeys.confirmRemove'))) return;
      void freshAssertion()
        .then((assertion) => api(`/mod/api/passkeys/${button.dataset.passkeyId}/remove`, 'POST', { assertion }))
        .then(() => location.reload(), fail);
    });
  }

  // The console's language, kept with the moderator (server/moderation/console-language.ts).
  const language = element<HTMLSelectElement>('console-language');
  const languageStatus = element('language-status');
  element('save-language').addEventListener('click', () => {
    void api('/mod/api/language', 'POST', { language: language.value === '' ? null : language.value })
      .then(() => {
        say(languageStatus, consoleWord('language.saved'));
        location.reload();
      })
      .catch((error: unknown) => say(languageStatus, describeError(error, consoleWord('common.failed'))));
  });
}

startPage('mod-passkeys', initPasskeys);
