// Log out from any console page. The navigation's form posts without JavaScript too (the server
// then answers Clear-Site-Data); with it, this tab's unwrapped keys and drafts go first, before
// the request leaves, and the other open tabs of this browser are told to drop theirs.
import { KEY_HANDOFF_CHANNEL } from './key-handoff-channel.js';

export function wipeKeysOnLogout(): void {
  const form = document.getElementById('logout-button')?.closest('form');
  form?.addEventListener('submit', () => {
    sessionStorage.clear();
    if ('BroadcastChannel' in window) {
      const channel = new BroadcastChannel(KEY_HANDOFF_CHANNEL);
      channel.postMessage({ kind: 'logged-out' });
      channel.close();
    }
  });
}
