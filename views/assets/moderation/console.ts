// What every console page shares: libsodium (sumo, for Argon2id), the CSRF-carrying fetch (json-api.ts),
// and the moderator's key pairs, kept in sessionStorage for this tab only and wiped
// on logout (Clear-Site-Data).
import type { WrappedKeysView } from '../../../common/moderation/team-view.js';
import { asStandardSodium, loadSodiumSumo, type SodiumSumo } from '../../../common/protocol/sodium-sumo.js';
import { fromBase64, toBase64 } from '../../../common/protocol/encoding.js';
import type { BoxKeyPair } from '../../../common/protocol/envelope.js';
import { unwrapIntakeKeyPair, type ModeratorKeys } from '../../../common/protocol/moderator-keys.js';
import { api, ApiError, renewSessionWith } from './json-api.js';
import { keysFromAnotherTab } from './key-handoff.js';
import { consoleWord } from './console-words.js';

export type { SodiumSumo };
export { api, ApiError, renewSessionWith };
const KEY_STORAGE = 'offscript.moderator.keys';
const BINDING_STORAGE = 'offscript.moderator.binding';

export const sodiumReady: Promise<SodiumSumo> = loadSodiumSumo();
// For the login benchmark (scripts/bench/login.ts): when the sumo build became usable.
void sodiumReady.then(() => performance.mark('offscript:sodium-ready'));

export const asSodium = asStandardSodium;

export function element<T extends HTMLElement = HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`#${id} missing`);
  return found as T;
}

export function say(target: HTMLElement, message: string): void {
  target.textContent = message;
}

interface StoredKeys {
  box: { publicKey: string; privateKey: string };
  sign: { publicKey: string; privateKey: string };
}

/** Both key pairs: the box key opens grants, the signing key signs fingerprint verifications. */
export function storeModeratorKeys(sodium: SodiumSumo, keys: ModeratorKeys): void {
  const s = asSodium(sodium);
  const pair = (p: { publicKey: Uint8Array; privateKey: Uint8Array }) => ({ publicKey: toBase64(s, p.publicKey), privateKey: toBase64(s, p.privateKey) });
  const stored: StoredKeys = { box: pair(keys.boxKeyPair), sign: pair(keys.signKeyPair) };
  sessionStorage.setItem(KEY_STORAGE, JSON.stringify(stored));
}

/**
 * For keys bound to passkeys: the seed and the passphrase's Argon2id output, so that a spare
 * passkey can wrap the seed without a second Argon2id. Kept like the keys (this tab, wiped on
 * logout), and no more powerful than the keys themselves on this server.
 */
export function storeKeyBinding(sodium: SodiumSumo, binding: { argon: Uint8Array; seed: Uint8Array } | undefined): void {
  if (!binding) return sessionStorage.removeItem(BINDING_STORAGE);
  const s = asSodium(sodium);
  sessionStorage.setItem(BINDING_STORAGE, JSON.stringify({ argon: toBase64(s, binding.argon), seed: toBase64(s, binding.seed) }));
}

export function storedKeyBinding(sodium: SodiumSumo): { argon: Uint8Array; seed: Uint8Array } | undefined {
  const stored = sessionStorage.getItem(BINDING_STORAGE);
  if (!stored) return undefined;
  const { argon, seed } = JSON.parse(stored) as { argon: string; seed: string };
  return { argon: fromBase64(asSodium(sodium), argon), seed: fromBase64(asSodium(sodium), seed) };
}

/** What a tab without keys is told when no other tab could hand them over and it cannot ask for them in place. */
export const keysNotInTab = (): string => consoleWord('keys.notInTab');

/** Asks the moderator to unlock this very tab (session-keys.ts registers its dialog on the pages that have one). */
let unlockInPlace: (() => Promise<void>) | undefined;

export function unlockMissingKeysWith(unlock: () => Promise<void>): void {
  unlockInPlace = unlock;
}

/** This tab's keys: from its own storage, else handed over by another open tab, else unlocked in place; else a refusal saying what to do. */
export async function moderatorKeysForTab(sodium: SodiumSumo): Promise<ModeratorKeys> {
  const keys = storedModeratorKeys(sodium) ?? ((await keysFromAnotherTab()) ? storedModeratorKeys(sodium) : undefined);
  if (keys) return keys;
  if (unlockInPlace) await unlockInPlace();
  const unlocked = storedModeratorKeys(sodium);
  if (!unlocked) throw new Error(keysNotInTab());
  return unlocked;
}

export function storedModeratorKeys(sodium: SodiumSumo): ModeratorKeys | undefined {
  const stored = sessionStorage.getItem(KEY_STORAGE);
  if (!stored) return undefined;
  const { box, sign } = JSON.parse(stored) as StoredKeys;
  const s = asSodium(sodium);
  const pair = (p: { publicKey: string; privateKey: string }) => ({ publicKey: fromBase64(s, p.publicKey), privateKey: fromBase64(s, p.privateKey) });
  return { boxKeyPair: pair(box), signKeyPair: pair(sign) };
}

export interface IntakeKeyring {
  keys: Map<string, BoxKeyPair>;
  currentId: string | undefined;
}

/** Unwraps every intake key granted to this moderator, with this tab's box key. */
export async function unlockIntakeKeys(sodium: SodiumSumo): Promise<IntakeKeyring> {
  const box = (await moderatorKeysForTab(sodium)).boxKeyPair;
  const { keys } = await api<WrappedKeysView>('/mod/api/keys');
  const ring: IntakeKeyring = { keys: new Map(), currentId: undefined };
  for (const key of keys) {
    const pair = unwrapIntakeKeyPair(sodium, fromBase64(asSodium(sodium), key.wrappedSecretKey), box);
    // A grant must open to the very key it claims to be: a server swapping keys is caught here.
    if (toBase64(asSodium(sodium), pair.publicKey) !== key.publicKey) throw new Error(consoleWord('keys.mismatch'));
    ring.keys.set(key.intakeKeyId, pair);
    if (key.current) ring.currentId = key.intakeKeyId;
  }
  return ring;
}
