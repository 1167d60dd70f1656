// A whole login from a handle and a passphrase (challenge, passkey, Argon2id, signature), shared by
// the login page, enrolment and the in-place unlock of a console page whose session has ended.
import type { SodiumSumo } from '../../../common/protocol/sodium-sumo.js';
import { fromBase64, toBase64 } from '../../../common/protocol/encoding.js';
import { moderatorKeysFromSeed, passphraseSeed, signLogin, type ModeratorKeys } from '../../../common/protocol/moderator-keys.js';
import { passkeyWrappingKey, unwrapSeed } from '../../../common/protocol/passkey-prf.js';
import { solveLoginPuzzle } from '../../../common/protocol/login-work.js';
import type { ErrorDetailsByCode } from '../../../common/errors.js';
import { api, ApiError, asSodium, sodiumReady, storeKeyBinding, storeModeratorKeys } from './console.js';
import { assertPasskey, type Assertion } from './webauthn.js';
import type { LoginChallengeView as LoginChallenge, LoginView, PasskeyLoginView } from '../../../common/moderation/access-view.js';
import { consoleWord } from './console-words.js';

/** The keys of a login: Argon2id runs while the authenticator is asked, then the passkey step decides the seed. */
async function unlockKeys(
  sodium: SodiumSumo,
  handle: string,
  passphrase: string | Uint8Array,
  login: LoginChallenge,
  apiBase: string,
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
  const { wrappedSeed } = await api<PasskeyLoginView>(`${apiBase}/login/passkey`, 'POST', { handle, challenge: login.challenge, assertion: passkey.assertion });
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

// Each answer is to a puzzle at the work asked now; while a flood raises it, a few rounds at most.
const PUZZLE_ROUNDS = 12;

/**
 * Asks for a challenge; while challenges pile up on the server (a flood, issue 25) it answers a
 * puzzle instead, which this browser solves (up to about a second) and sends with the next ask.
 */
async function askChallenge(handle: string, apiBase = '/mod/api'): Promise<LoginChallenge> {
  let work: { puzzle: string; nonce: string } | undefined;
  for (let round = 0; ; round++) {
    try {
      return await api<LoginChallenge>(`${apiBase}/login/challenge`, 'POST', { handle, ...(work ? { work } : {}) });
    } catch (error) {
      // why: this code's details are ErrorDetailsByCode's, as the server built them
      const details = error instanceof ApiError && error.refusal?.code === 'login_work_needed' ? (error.refusal.details as ErrorDetailsByCode['login_work_needed']) : undefined;
      if (!details || round >= PUZZLE_ROUNDS) throw error;
      const s = asSodium(await sodiumReady);
      const nonce = solveLoginPuzzle(s, fromBase64(s, details.puzzle), details.bits);
      work = { puzzle: details.puzzle, nonce: toBase64(s, nonce) };
    }
  }
}

/** The login challenge (and salt) for `handle`, fetched ahead as the handle is typed, else now; each is used once. */
function challengeFor(handle: string, apiBase: string): Promise<LoginChallenge> {
  const ready = ahead && ahead.handle === handle && performance.now() - ahead.fetchedAt < CHALLENGE_REUSE_MS ? ahead.login : undefined;
  ahead = undefined;
  return ready ?? askChallenge(handle, apiBase);
}

export function fetchChallengeAhead(handle: string): void {
  if (!handle || ahead?.handle === handle) return;
  const login = askChallenge(handle);
  login.catch(() => (ahead = undefined));
  ahead = { handle, fetchedAt: performance.now(), login };
}

/**
 * Runs a whole login: challenge, passkey, Argon2id (skipped when its output is given, as right
 * after enrolment), signature; keeps the keys for this tab. Answers whether a passkey is still needed.
 */
export async function logInWithPassphrase(sodium: SodiumSumo, handle: string, passphrase: string | Uint8Array, apiBase = '/mod/api'): Promise<boolean> {
  // A journalist's press account logs in by the same steps at /press/api (issue 32).
  const login = await challengeFor(handle, apiBase);
  const { keys, binding, noPasskey } = await unlockKeys(sodium, handle, passphrase, login, apiBase);
  const signature = signLogin(sodium, fromBase64(asSodium(sodium), login.challenge), location.origin, keys.signKeyPair.privateKey);
  const { passkeyNeeded, csrfToken } = await api<LoginView>(`${apiBase}/login`, 'POST', { handle, challenge: login.challenge, signature: toBase64(asSodium(sodium), signature) }).catch(
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
