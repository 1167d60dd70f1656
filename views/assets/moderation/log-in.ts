// A whole login from a handle and a passphrase (challenge, passkey, Argon2id, signature), shared by
// the login page, enrolment and the in-place unlock of a console page whose session has ended.
import type { SodiumSumo } from '../../../common/protocol/sodium-sumo.js';
import { fromBase64, toBase64 } from '../../../common/protocol/encoding.js';
import { moderatorKeysFromSeed, passphraseSeed, signLogin, type ModeratorKeys } from '../../../common/protocol/moderator-keys.js';
import { passkeyWrappingKey, unwrapSeed } from '../../../common/protocol/passkey-prf.js';
import { api, ApiError, asSodium, storeKeyBinding, storeModeratorKeys } from './console.js';
import { assertPasskey, type Assertion } from './webauthn.js';
import type { LoginChallengeView as LoginChallenge, LoginView, PasskeyLoginView } from '../../../common/moderation/access-view.js';
import { consoleWord } from './console-words.js';

/** The keys of a login: Argon2id runs while the authenticator is asked, then the passkey step decides the seed. */
async function unlockKeys(
  sodium: SodiumSumo,
  handle: string,
  passphrase: string | Uint8Array,
  login: LoginChallenge,
): Promise<{ keys: ModeratorKeys; binding?: { argon: Uint8Array; seed: Uint8Array }; noPasskey?: true }> {
  const s = asSodium(sodium);
  const passkeyStarted = performance.now();
  // A moderator enrolled before passkeys has none to offer: the server then decides on the signature alone.
  const asked: Promise<Assertion | undefined> = assertPasskey(sodium, login.passkey, login.prfSalt).catch(() => undefined);
  const started = performance.now();
  const argon = typeof passphrase === 'string' ? passphraseSeed(sodium, passphrase, fromBase64(s, login.salt)) : passphrase;
  // Kept for the operator's (and the benchmark's) view of how long unlocking takes here.
  sessionStorage.setItem('offscript.unlockMs', String(Math.round(performance.now() - started)));
  const passkey = await asked;
  sessionStorage.setItem('offscript.passkeyMs', String(Math.round(performance.now() - passkeyStarted)));
  if (!passkey) return { keys: moderatorKeysFromSeed(sodium, argon), noPasskey: true };
  const { wrappedSeed } = await api<PasskeyLoginView>('/mod/api/login/passkey', 'POST', { handle, challenge: login.challenge, assertion: passkey.assertion });
  if (!wrappedSeed) return { keys: moderatorKeysFromSeed(sodium, argon) };
  if (!passkey.prfOutput) throw new Error(consoleWord('login.noPrf'));
  const seed = unwrapSeed(fromBase64(s, wrappedSeed), passkeyWrappingKey(sodium, argon, passkey.prfOutput));
  return { keys: moderatorKeysFromSeed(sodium, seed), binding: { argon, seed } };
}

/** A login refused when no passkey answered in this browser: a second machine, most often. */
const noPasskeyHere = (): string => consoleWord('login.noPasskeyHere');

// A challenge lives 60 s on the server; one fetched ahead is used while it has time to spare.
const CHALLENGE_REUSE_MS = 40_000;
let ahead: { handle: string; fetchedAt: number; login: Promise<LoginChallenge> } | undefined;

/** The login challenge (and salt) for `handle`, fetched ahead as the handle is typed, else now; each is used once. */
function challengeFor(handle: string): Promise<LoginChallenge> {
  const ready = ahead && ahead.handle === handle && performance.now() - ahead.fetchedAt < CHALLENGE_REUSE_MS ? ahead.login : undefined;
  ahead = undefined;
  return ready ?? api<LoginChallenge>('/mod/api/login/challenge', 'POST', { handle });
}

export function fetchChallengeAhead(handle: string): void {
  if (!handle || ahead?.handle === handle) return;
  const login = api<LoginChallenge>('/mod/api/login/challenge', 'POST', { handle });
  login.catch(() => (ahead = undefined));
  ahead = { handle, fetchedAt: performance.now(), login };
}

/**
 * Runs a whole login: challenge, passkey, Argon2id (skipped when its output is given, as right
 * after enrolment), signature; keeps the keys for this tab. Answers whether a passkey is still needed.
 */
export async function logInWithPassphrase(sodium: SodiumSumo, handle: string, passphrase: string | Uint8Array): Promise<boolean> {
  const login = await challengeFor(handle);
  const { keys, binding, noPasskey } = await unlockKeys(sodium, handle, passphrase, login);
  const signature = signLogin(sodium, fromBase64(asSodium(sodium), login.challenge), location.origin, keys.signKeyPair.privateKey);
  const { passkeyNeeded, csrfToken } = await api<LoginView>('/mod/api/login', 'POST', { handle, challenge: login.challenge, signature: toBase64(asSodium(sodium), signature) }).catch(
    (error: unknown) => {
      // Refused after no passkey answered here: that, not a typo, is the likeliest reason.
      throw noPasskey && error instanceof ApiError && error.status === 401 ? new Error(noPasskeyHere()) : error;
    },
  );
  storeModeratorKeys(sodium, keys);
  storeKeyBinding(sodium, binding);
  // The login renewed the CSRF secret: a page that stays (an unlock in place) must send the new token.
  document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')?.setAttribute('content', csrfToken);
  return passkeyNeeded;
}

