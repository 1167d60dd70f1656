import { wordlist } from '@scure/bip39/wordlists/english.js';
import { toBase64 } from '../../../common/protocol/encoding.js';
import { generateIntakeKeyPair } from '../../../common/protocol/intake-key.js';
import { moderatorKeyFingerprint } from '../../../common/protocol/key-verification.js';
import { generatePassphrase, MODERATOR_SALT_BYTES, moderatorKeysFromSeed, passphraseSeed, randomBytes, wrapIntakeSecretKey } from '../../../common/protocol/moderator-keys.js';
import { SEED_BYTES } from '../../../common/protocol/passkey-prf.js';
import { api, asSodium, element, say, sodiumReady } from './console.js';
import { logInWithPassphrase } from './log-in.js';
import { judgePassphrase, loadEstimator, type PassphraseVerdict } from './passphrase-strength.js';
import { createPasskey, registrationBody } from './webauthn.js';
import type { EnrolmentView, PasskeyOptionsView } from '../../../common/moderation/access-view.js';
import { describeError } from '../error-words.js';
import { startPage } from './page-start.js';
import { consoleWord } from './console-words.js';

export function initEnrol(): void {
  const form = element<HTMLFormElement>('enrol-form');
  const status = element('enrol-status');
  const passphrase = element<HTMLInputElement>('passphrase');
  const again = element<HTMLInputElement>('passphrase-again');
  const suggestion = element('suggested-passphrase');
  const strength = element('passphrase-strength');
  const handle = form.dataset.handle ?? '';
  // The press desk's enrolment page points this bundle at /press/api (issue 32): the same keys and passkey.
  const apiBase = form.dataset.apiBase ?? '/mod/api';
  // The estimator's dictionaries arrive in the background; the form works meanwhile. A failure to
  // fetch them is said when a passphrase is judged, which tries again.
  loadEstimator().catch(() => {});
  const judge = (value: string): Promise<PassphraseVerdict> => judgePassphrase(value, [handle]).catch(() => ({ strongEnough: false, message: consoleWord('enrol.strengthUnavailable') }));
  const showStrength = (value: string): void => {
    void judge(value).then((verdict) => {
      // A verdict on what is no longer in the field says nothing.
      if (passphrase.value === value) say(strength, verdict.message);
    });
  };
  passphrase.addEventListener('input', () => showStrength(passphrase.value));

  element('suggest-passphrase').addEventListener('click', () => {
    void sodiumReady.then((sodium) => {
      const words = generatePassphrase(sodium, wordlist);
      suggestion.textContent = words;
      suggestion.hidden = false;
      passphrase.value = words;
      again.value = words;
      showStrength(words);
    });
  });

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      if (passphrase.value !== again.value) return say(status, consoleWord('enrol.differ'));
      const verdict = await judge(passphrase.value);
      if (!verdict.strongEnough) return say(status, verdict.message);
      try {
        const sodium = await sodiumReady;
        const s = asSodium(sodium);
        say(status, consoleWord('enrol.registerPasskey'));
        const passkeyOptions = await api<PasskeyOptionsView>(`${apiBase}/enrol/passkey-options`, 'POST', { token: form.dataset.token });
        const passkey = await createPasskey(sodium, passkeyOptions);
        say(status, consoleWord('enrol.creating'));
        const salt = randomBytes(sodium, MODERATOR_SALT_BYTES);
        const argon = passphraseSeed(sodium, passphrase.value, salt);
        // With PRF, the seed is random and the passkey wraps it under Argon2id ‖ PRF: the passphrase alone opens nothing.
        const binding = passkey.prfOutput ? { argon, seed: randomBytes(sodium, SEED_BYTES) } : undefined;
        const keys = moderatorKeysFromSeed(sodium, binding?.seed ?? argon);
        const body: Record<string, unknown> = {
          token: form.dataset.token,
          salt: toBase64(s, salt),
          signPublicKey: toBase64(s, keys.signKeyPair.publicKey),
          boxPublicKey: toBase64(s, keys.boxKeyPair.publicKey),
          passkey: registrationBody(sodium, passkey, binding),
        };
        if (form.dataset.createsIntakeKey === 'true') {
          // The intake secret key exists in clear only here, and is stored only sealed to this moderator.
          const intake = generateIntakeKeyPair(s);
          body.intakeKey = {
            publicKey: toBase64(s, intake.publicKey),
            wrappedSecretKey: toBase64(s, wrapIntakeSecretKey(sodium, intake.privateKey, keys.boxKeyPair.publicKey)),
          };
          sodium.memzero(intake.privateKey);
        }
        const { keyFingerprint } = await api<EnrolmentView>(`${apiBase}/enrol`, 'POST', body);
        const own = moderatorKeyFingerprint(s, { boxPublicKey: keys.boxKeyPair.publicKey, signPublicKey: keys.signKeyPair.publicKey });
        if (own !== keyFingerprint) throw new Error(consoleWord('enrol.otherFingerprint'));
        // Logged in with the Argon2id output just made (no second Argon2id); the passkey signs once more.
        say(status, consoleWord('enrol.loggingIn'));
        await logInWithPassphrase(sodium, form.dataset.handle ?? '', argon, apiBase);
        // The first administrator has nobody to read a fingerprint to: on to register a spare passkey.
        if (form.dataset.createsIntakeKey === 'true') return location.assign('/mod/passkeys');
        element('own-fingerprint').textContent = own;
        element(binding ? 'keys-bound' : 'keys-on-passphrase').hidden = false;
        form.hidden = true;
        say(status, '');
        const panel = element('enrolled-panel');
        panel.hidden = false;
        panel.focus();
      } catch (error) {
        say(status, describeError(error, consoleWord('enrol.failed')));
      }
    })();
  });
}

// The page's own bundle entry (scripts/build.mjs).
startPage('mod-enrol', initEnrol);
