// Where each console page's bundle starts. Imports no cryptography, so the queue page stays free of it.
import { answerKeyRequests } from './key-handoff.js';
import { wipeKeysOnLogout } from './logout.js';

/**
 * Runs a page's setup on its own page only (another page's bundle may import the module for its
 * exports), then enables the buttons it drives: they are disabled in the HTML
 * (data-needs-script) so that a click before the bundle has run does not silently do nothing.
 */
export function startPage(page: string, init: () => void): void {
  if (document.body.dataset.page !== page) return;
  init();
  wipeKeysOnLogout();
  answerKeyRequests();
  for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-needs-script]')) button.disabled = false;
}
