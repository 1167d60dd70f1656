// libsodium's sumo build, for Argon2id (moderator pages, server code): about 0.5 MB the source's
// pages never load, so it lives apart from the standard build's loader and from the digests.
import sumo from 'libsodium-wrappers-sumo';
import type { Sodium } from './sodium.js';

export type SodiumSumo = typeof sumo;

let ready: Promise<SodiumSumo> | undefined;

export function loadSodiumSumo(): Promise<SodiumSumo> {
  ready ??= sumo.ready.then(() => sumo);
  return ready;
}

/** The sumo build seen through the standard build's type, which the protocol's helpers take. */
export function asStandardSodium(sodium: SodiumSumo): Sodium {
  return sodium as unknown as Sodium; // why: sumo's typings are a separate copy of a superset of the standard API
}
