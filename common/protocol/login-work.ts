// The proof of work a login challenge costs while challenges pile up (issue 25, DESIGN §7).
// A puzzle is stateless: the server MACs (bits, time, random id) to the handle's keyed hash, so
// handing one out stores nothing; the answer is a nonce whose BLAKE2b-256 over the puzzle starts
// with `bits` zero bits. The cost falls on whoever asks, whoever they share an address with.
import { hmacSha256 } from './digest.js';
import type { Sodium } from './sodium.js';

export const LOGIN_WORK_NONCE_BYTES = 8;
const ID_BYTES = 16;
const MAC_BYTES = 32;
// bits (1) ‖ issued at, ms since the epoch (8, big-endian) ‖ random id (16) ‖ MAC (32)
const SIGNED_BYTES = 1 + 8 + ID_BYTES;
export const LOGIN_WORK_PUZZLE_BYTES = SIGNED_BYTES + MAC_BYTES;
const WORK_PREFIX = new TextEncoder().encode('offscript/login-work/v1');

export interface OpenedPuzzle {
  bits: number;
  issuedAtMs: number;
  /** What the server records once the work is spent, so that one answer buys one challenge. */
  id: Uint8Array;
}

function puzzleMac(key: Uint8Array, handleHash: Uint8Array, signed: Uint8Array): Uint8Array {
  const message = new Uint8Array(handleHash.length + signed.length);
  message.set(handleHash);
  message.set(signed, handleHash.length);
  return hmacSha256(key, message);
}

/** A puzzle for one handle, asking `bits` leading zero bits, made at `now`. */
export function makeLoginPuzzle(sodium: Sodium, key: Uint8Array, handleHash: Uint8Array, bits: number, now: number): Uint8Array {
  const puzzle = new Uint8Array(LOGIN_WORK_PUZZLE_BYTES);
  puzzle[0] = bits;
  new DataView(puzzle.buffer).setBigUint64(1, BigInt(now));
  puzzle.set(sodium.randombytes_buf(ID_BYTES), 9);
  puzzle.set(puzzleMac(key, handleHash, puzzle.subarray(0, SIGNED_BYTES)), SIGNED_BYTES);
  return puzzle;
}

/** The puzzle's terms when its MAC holds for this handle; undefined for anything else. */
export function openLoginPuzzle(sodium: Sodium, key: Uint8Array, handleHash: Uint8Array, puzzle: Uint8Array): OpenedPuzzle | undefined {
  if (puzzle.length !== LOGIN_WORK_PUZZLE_BYTES) return undefined;
  const expected = puzzleMac(key, handleHash, puzzle.subarray(0, SIGNED_BYTES));
  if (!sodium.memcmp(expected, puzzle.slice(SIGNED_BYTES))) return undefined;
  return { bits: puzzle[0]!, issuedAtMs: Number(new DataView(puzzle.buffer, puzzle.byteOffset).getBigUint64(1)), id: puzzle.slice(9, SIGNED_BYTES) };
}

function leadingZeroBits(hash: Uint8Array): number {
  let bits = 0;
  for (const byte of hash) {
    if (byte === 0) {
      bits += 8;
      continue;
    }
    return bits + Math.clz32(byte) - 24;
  }
  return bits;
}

/** One buffer, prefix ‖ puzzle ‖ nonce, reused across attempts: the search allocates nothing per try. */
function workInput(puzzle: Uint8Array): { input: Uint8Array; nonce: Uint8Array } {
  const input = new Uint8Array(WORK_PREFIX.length + puzzle.length + LOGIN_WORK_NONCE_BYTES);
  input.set(WORK_PREFIX);
  input.set(puzzle, WORK_PREFIX.length);
  return { input, nonce: input.subarray(WORK_PREFIX.length + puzzle.length) };
}

/** Whether `nonce` answers `puzzle` with at least `bits` leading zero bits. */
export function loginWorkHolds(sodium: Sodium, puzzle: Uint8Array, nonce: Uint8Array, bits: number): boolean {
  if (nonce.length !== LOGIN_WORK_NONCE_BYTES) return false;
  const { input, nonce: slot } = workInput(puzzle);
  slot.set(nonce);
  return leadingZeroBits(sodium.crypto_generichash(32, input, null)) >= bits;
}

/** Searches for a nonce; about 2^bits hashes (2^16 take some 70 ms in a browser or in Node). */
export function solveLoginPuzzle(sodium: Sodium, puzzle: Uint8Array, bits: number): Uint8Array {
  const { input, nonce } = workInput(puzzle);
  const counter = new DataView(nonce.buffer, nonce.byteOffset, LOGIN_WORK_NONCE_BYTES);
  for (let attempt = 0; ; attempt++) {
    counter.setUint32(0, Math.floor(attempt / 2 ** 32));
    counter.setUint32(4, attempt >>> 0);
    if (leadingZeroBits(sodium.crypto_generichash(32, input, null)) >= bits) return nonce.slice();
  }
}
