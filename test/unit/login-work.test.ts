// The login puzzle (issue 25): a stateless MAC binds its terms to one handle, an answer is checked
// against BLAKE2b from node:crypto (an independent implementation), and the work asked grows by
// one bit per doubling of the challenges outstanding, from nothing within the allowance to a cap.
import { blake2b } from '@noble/hashes/blake2.js';
import { concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { loginWorkHolds, makeLoginPuzzle, openLoginPuzzle, solveLoginPuzzle } from '../../common/protocol/login-work.js';
import { loadSodium } from '../../common/protocol/sodium.js';
import { LOGIN_WORK_BASE_BITS, LOGIN_WORK_FREE_OVERALL, LOGIN_WORK_FREE_PER_HANDLE, LOGIN_WORK_MAX_BITS, loginWorkBits } from '../../server/moderation/login-work.js';

const sodium = await loadSodium();
const key = sodium.randombytes_buf(32);
const handle = sodium.randombytes_buf(32);
const NOW = Date.UTC(2026, 11, 7, 12);

/** Leading zero bits of BLAKE2b-256 over the domain, the puzzle and the nonce, by @noble/hashes. */
function zeroBits(puzzle: Uint8Array, nonce: Uint8Array): number {
  const hash = blake2b(concatBytes(utf8ToBytes('offscript/login-work/v1'), puzzle, nonce), { dkLen: 32 });
  let bits = 0;
  for (const byte of hash) {
    if (byte !== 0) return bits + Math.clz32(byte) - 24;
    bits += 8;
  }
  return bits;
}

describe('login puzzles', () => {
  it('open for their own handle only, with the terms they were made with, and not once altered', () => {
    const puzzle = makeLoginPuzzle(sodium, key, handle, 14, NOW);
    expect(openLoginPuzzle(sodium, key, handle, puzzle)).toMatchObject({ bits: 14, issuedAtMs: NOW });
    expect(openLoginPuzzle(sodium, key, sodium.randombytes_buf(32), puzzle)).toBeUndefined();
    expect(openLoginPuzzle(sodium, sodium.randombytes_buf(32), handle, puzzle)).toBeUndefined();
    const easier = puzzle.slice();
    easier[0] = 1;
    expect(openLoginPuzzle(sodium, key, handle, easier)).toBeUndefined();
    expect(openLoginPuzzle(sodium, key, handle, puzzle.subarray(1))).toBeUndefined();
    // Two puzzles on the same terms differ in their id: each answer is spent once.
    expect(openLoginPuzzle(sodium, key, handle, makeLoginPuzzle(sodium, key, handle, 14, NOW))!.id).not.toEqual(openLoginPuzzle(sodium, key, handle, puzzle)!.id);
  });

  it('are answered by a nonce whose hash has the bits asked, checked independently', () => {
    for (const bits of [0, 4, 10, 14]) {
      const puzzle = makeLoginPuzzle(sodium, key, handle, bits, NOW);
      const nonce = solveLoginPuzzle(sodium, puzzle, bits);
      expect(zeroBits(puzzle, nonce)).toBeGreaterThanOrEqual(bits);
      expect(loginWorkHolds(sodium, puzzle, nonce, bits)).toBe(true);
      expect(loginWorkHolds(sodium, puzzle, nonce, zeroBits(puzzle, nonce) + 1)).toBe(false);
      expect(loginWorkHolds(sodium, puzzle, nonce.subarray(1), 0)).toBe(false);
    }
  });
});

describe('the work a challenge costs', () => {
  it('is none within the allowance, then one bit more per doubling, up to the cap', () => {
    expect(loginWorkBits(0, 0)).toBe(0);
    expect(loginWorkBits(LOGIN_WORK_FREE_PER_HANDLE - 1, LOGIN_WORK_FREE_OVERALL - 1)).toBe(0);
    expect(loginWorkBits(LOGIN_WORK_FREE_PER_HANDLE, 0)).toBe(LOGIN_WORK_BASE_BITS);
    expect(loginWorkBits(LOGIN_WORK_FREE_PER_HANDLE * 2, 0)).toBe(LOGIN_WORK_BASE_BITS + 1);
    expect(loginWorkBits(LOGIN_WORK_FREE_PER_HANDLE * 4 - 1, 0)).toBe(LOGIN_WORK_BASE_BITS + 1);
    // A flood of invented handles raises it for everyone, a moderator's handle included.
    expect(loginWorkBits(0, LOGIN_WORK_FREE_OVERALL * 8)).toBe(LOGIN_WORK_BASE_BITS + 3);
    expect(loginWorkBits(1e9, 1e9)).toBe(LOGIN_WORK_MAX_BITS);
  });
});

describe('a key seed carried to another origin', () => {
  it('opens with the same passphrase output and link token only', async () => {
    const { loadSodiumSumo } = await import('../../common/protocol/sodium-sumo.js');
    const { openSeedFromLink, sealSeedForLink } = await import('../../common/protocol/origin-link.js');
    const sumo = await loadSodiumSumo();
    const seed = sumo.randombytes_buf(32);
    const argon = sumo.randombytes_buf(32);
    const sealed = sealSeedForLink(sumo, seed, argon, 'token-a');
    expect(openSeedFromLink(sumo, sealed, argon, 'token-a')).toEqual(seed);
    expect(openSeedFromLink(sumo, sealed, sumo.randombytes_buf(32), 'token-a')).toBeUndefined();
    expect(openSeedFromLink(sumo, sealed, argon, 'token-b')).toBeUndefined();
    expect(openSeedFromLink(sumo, sealed.subarray(0, 10), argon, 'token-a')).toBeUndefined();
  });
});
