// Administrators: invitations, grants (after comparing fingerprints), disabling, rotation
// and the watch list. Every key operation happens here, in the browser.
import { fromBase64, toBase64 } from '../../../server/protocol/encoding.js';
import { keyFingerprint } from '../../../server/protocol/fingerprint.js';
import { generateIntakeKeyPair } from '../../../server/protocol/intake-key.js';
import { wrapIntakeSecretKey } from '../../../server/protocol/moderator-keys.js';
import { api, asSodium, element, say, sodiumReady, unlockIntakeKeys } from './console.js';
import { openWatchList, sealWatchList } from './watch-list.js';

interface Member {
  id: string;
  handle: string;
  status: string;
  boxPublicKey: string | null;
}

export function initTeam(): void {
  const status = element('team-status');
  const fail = (error: unknown) => say(status, error instanceof Error ? error.message : 'That did not work.');

  element<HTMLFormElement>('invite-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      try {
        const { url } = await api<{ url: string }>('/mod/api/team/invitations', 'POST', {
          handle: element<HTMLInputElement>('invite-handle').value.trim(),
          role: element<HTMLSelectElement>('invite-role').value,
        });
        say(element('invite-result'), `Send this one-time link (valid 48 hours) by a private channel: ${url}`);
      } catch (error) {
        say(element('invite-result'), error instanceof Error ? error.message : 'Invitation failed.');
      }
    })();
  });

  const panel = element('grant-panel');
  const confirmed = element<HTMLInputElement>('grant-confirmed');
  const confirm = element<HTMLButtonElement>('grant-confirm');
  let pending: { id: string; boxPublicKey: Uint8Array } | undefined;
  confirmed.addEventListener('change', () => (confirm.disabled = !confirmed.checked));
  element('grant-cancel').addEventListener('click', () => {
    pending = undefined;
    panel.hidden = true;
  });

  for (const button of document.querySelectorAll<HTMLButtonElement>('.grant-button')) {
    button.addEventListener('click', () => {
      void sodiumReady.then((sodium) => {
        const boxPublicKey = fromBase64(asSodium(sodium), button.dataset.boxPublicKey!);
        pending = { id: button.dataset.memberId!, boxPublicKey };
        // Computed here from the key the browser will seal to, not taken from the server's page.
        element('grant-fingerprint').textContent = keyFingerprint(asSodium(sodium), boxPublicKey);
        element('grant-handle').textContent = button.dataset.handle!;
        confirmed.checked = false;
        confirm.disabled = true;
        panel.hidden = false;
        panel.focus();
      });
    });
  }

  confirm.addEventListener('click', () => {
    void (async () => {
      if (!pending) return;
      try {
        const sodium = await sodiumReady;
        const ring = await unlockIntakeKeys(sodium);
        const grants = [...ring.keys].map(([intakeKeyId, pair]) => ({
          intakeKeyId,
          wrappedSecretKey: toBase64(asSodium(sodium), wrapIntakeSecretKey(sodium, pair.privateKey, pending!.boxPublicKey)),
        }));
        await api(`/mod/api/team/${pending.id}/grants`, 'POST', { grants });
        location.reload();
      } catch (error) {
        fail(error);
      }
    })();
  });

  for (const button of document.querySelectorAll<HTMLButtonElement>('.disable-button')) {
    button.addEventListener('click', () => {
      if (!confirm_(`Disable ${button.dataset.handle}? Their sessions end now and their keys are deleted.`)) return;
      void api(`/mod/api/team/${button.dataset.memberId}/disable`, 'POST').then(() => location.reload(), fail);
    });
  }

  element('rotate-key').addEventListener('click', () => {
    if (!confirm_('Make a new intake key and seal it to every active moderator?')) return;
    void (async () => {
      try {
        const sodium = await sodiumReady;
        const ring = await unlockIntakeKeys(sodium);
        const terms = await openWatchList(sodium, ring);
        const { members } = await api<{ members: Member[] }>('/mod/api/team');
        const fresh = generateIntakeKeyPair(asSodium(sodium));
        const grants = members
          .filter((m) => m.status === 'active' && m.boxPublicKey)
          .map((m) => ({
            moderatorId: m.id,
            wrappedSecretKey: toBase64(asSodium(sodium), wrapIntakeSecretKey(sodium, fresh.privateKey, fromBase64(asSodium(sodium), m.boxPublicKey!))),
          }));
        const { fingerprint } = await api<{ fingerprint: string }>('/mod/api/intake-keys', 'POST', {
          publicKey: toBase64(asSodium(sodium), fresh.publicKey),
          grants,
          ...(terms.length ? { watchList: sealWatchList(sodium, terms, fresh.publicKey) } : {}),
        });
        sodium.memzero(fresh.privateKey);
        say(status, `New intake key in use; fingerprint ${fingerprint}.`);
      } catch (error) {
        fail(error);
      }
    })();
  });

  const watchList = element<HTMLTextAreaElement>('watch-list');
  // Locked until the sealed list is opened, so that nothing typed is overwritten by the load.
  watchList.disabled = true;
  void (async () => {
    try {
      const sodium = await sodiumReady;
      watchList.value = (await openWatchList(sodium, await unlockIntakeKeys(sodium))).join('\n');
    } catch (error) {
      fail(error);
    } finally {
      watchList.disabled = false;
    }
  })();
  element('save-watch-list').addEventListener('click', () => {
    void (async () => {
      try {
        const sodium = await sodiumReady;
        const ring = await unlockIntakeKeys(sodium);
        const current = ring.currentId && ring.keys.get(ring.currentId);
        if (!ring.currentId || !current) throw new Error('You do not hold the current intake key.');
        const terms = watchList.value.split('\n').map((t) => t.trim()).filter(Boolean);
        await api('/mod/api/watch-list', 'PUT', { intakeKeyId: ring.currentId, ciphertext: sealWatchList(sodium, terms, current.publicKey) });
        say(status, `Watch list saved (${terms.length} terms), sealed to the intake key.`);
      } catch (error) {
        fail(error);
      }
    })();
  });
}

// window.confirm, named so that tests can answer it through the page's dialog event.
function confirm_(question: string): boolean {
  return window.confirm(question);
}
