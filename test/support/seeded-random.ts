// A repeatable stand-in for node:crypto's randomInt: the ChaCha20 keystream of a key hashed
// from a seed, turned into uniform integers by rejection sampling. Tests only.
import { createCipheriv, createHash } from 'node:crypto';
import type { RandomIntegers } from '../../server/publishing/noise.js';

export function seededRandomIntegers(seed: string): RandomIntegers {
  const cipher = createCipheriv('chacha20', createHash('sha256').update(seed).digest(), Buffer.alloc(16));
  let block = Buffer.alloc(0);
  let offset = 0;
  const next32 = (): number => {
    if (offset + 4 > block.length) {
      block = cipher.update(Buffer.alloc(4096));
      offset = 0;
    }
    const value = block.readUInt32LE(offset);
    offset += 4;
    return value;
  };
  return (maxExclusive) => {
    if (!Number.isSafeInteger(maxExclusive) || maxExclusive < 1 || maxExclusive > 2 ** 32) throw new RangeError(`bad bound ${maxExclusive}`);
    // Values at or above the largest multiple of the bound would favour small results.
    const limit = Math.floor(2 ** 32 / maxExclusive) * maxExclusive;
    for (;;) {
      const value = next32();
      if (value < limit) return value % maxExclusive;
    }
  };
}

/** A uniform float in [0, 1) from the same stream, for test data (not for noise). */
export function seededUnit(random: RandomIntegers): () => number {
  return () => random(2 ** 30) / 2 ** 30;
}
