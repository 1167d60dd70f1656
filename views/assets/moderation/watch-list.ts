// The watch list of show titles and code names, sealed to the current intake key.
import { fromBase64, toBase64 } from '../../../common/protocol/encoding.js';
import { openPaddedJson, sealPaddedJson } from '../../../common/protocol/envelope.js';
import { api, asSodium, type IntakeKeyring, type SodiumSumo } from './console.js';
import type { WatchListView } from '../../../common/moderation/team-view.js';

export async function openWatchList(sodium: SodiumSumo, ring: IntakeKeyring): Promise<string[]> {
  const sealed = await api<WatchListView>('/mod/api/watch-list');
  const key = sealed.intakeKeyId ? ring.keys.get(sealed.intakeKeyId) : undefined;
  if (!sealed.ciphertext || !key) return [];
  const value = openPaddedJson(asSodium(sodium), fromBase64(asSodium(sodium), sealed.ciphertext), key) as { terms?: unknown };
  return Array.isArray(value.terms) ? value.terms.filter((t): t is string => typeof t === 'string') : [];
}

export function sealWatchList(sodium: SodiumSumo, terms: string[], intakePublicKey: Uint8Array): string {
  return toBase64(asSodium(sodium), sealPaddedJson(asSodium(sodium), { v: 1, terms } as { v: number }, intakePublicKey));
}
