// Sources see the real key (DESIGN §3): the fingerprint shown is computed here from the very key
// this page seals to, and nothing is sealed if it differs from the one the server announced.
import { fromBase64 } from '../../common/protocol/encoding.js';
import { keyFingerprint } from '../../common/protocol/fingerprint.js';
import type { Sodium } from '../../common/protocol/sodium.js';
import { describeError } from './error-words.js';
import { word } from './page-words.js';

export class IntakeKeyMismatch extends Error {
  constructor() {
    super(word('common:browser.fingerprint.mismatch'));
    this.name = 'IntakeKeyMismatch';
  }
}

/** The intake public key the page carries, once its fingerprint matches the announced one. */
export function checkedIntakeKey(sodium: Sodium, form: HTMLElement): Uint8Array {
  const publicKey = fromBase64(sodium, form.dataset.intakePublicKey ?? '', 'intake key');
  if (keyFingerprint(sodium, publicKey) !== form.dataset.intakeFingerprint) throw new IntakeKeyMismatch();
  return publicKey;
}

/** Replaces the server's stated fingerprint with the browser's own computation, or warns. */
export function showComputedFingerprint(sodium: Sodium, form: HTMLElement): void {
  const shown = document.querySelector<HTMLElement>('[data-testid="intake-fingerprint"]');
  const source = document.getElementById('intake-fingerprint-source');
  if (!form.dataset.intakePublicKey) return;
  try {
    const publicKey = checkedIntakeKey(sodium, form);
    if (shown) shown.textContent = keyFingerprint(sodium, publicKey);
    if (source) source.textContent = word('common:browser.fingerprint.computed');
  } catch (error) {
    if (source) source.textContent = word('common:browser.fingerprint.mismatchSource');
    const alert = document.getElementById('intake-key-alert');
    if (alert) {
      alert.textContent = describeError(error, word('common:browser.didNotWork'));
      alert.hidden = false;
    }
  }
}
