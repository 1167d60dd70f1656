// The integer-only two-sided geometric sampler: the right distribution, repeatable with a seed.
import { describe, expect, it } from 'vitest';
import { EPSILON_PER_COUNT, geometricNoise, twoSidedGeometric } from '../../server/publishing/noise.js';
import { seededRandomIntegers } from '../support/seeded-random.js';

describe('twoSidedGeometric', () => {
  it('draws P(x) ∝ exp(−ε|x|): the mass at 0, the ratio between neighbours, symmetry and variance', () => {
    const random = seededRandomIntegers('noise distribution');
    const draws = 60_000;
    const counts = new Map<number, number>();
    let sum = 0;
    let squares = 0;
    for (let i = 0; i < draws; i++) {
      const x = twoSidedGeometric(EPSILON_PER_COUNT, random);
      expect(Number.isSafeInteger(x)).toBe(true);
      counts.set(x, (counts.get(x) ?? 0) + 1);
      sum += x;
      squares += x * x;
    }
    const alpha = Math.exp(-0.5);
    const p = (x: number) => ((1 - alpha) / (1 + alpha)) * alpha ** Math.abs(x);
    for (const x of [-3, -1, 0, 1, 2, 4]) expect(Math.abs((counts.get(x) ?? 0) / draws - p(x))).toBeLessThan(0.006);
    expect(Math.abs(sum / draws)).toBeLessThan(0.06);
    // Variance 2α/(1−α)² ≈ 7.83.
    expect(Math.abs(squares / draws - (2 * alpha) / (1 - alpha) ** 2)).toBeLessThan(0.3);
  });

  it('draws the other ε the same way: at ε = 2 most draws are 0', () => {
    const random = seededRandomIntegers('epsilon two');
    const draws = Array.from({ length: 20_000 }, () => twoSidedGeometric({ numerator: 2, denominator: 1 }, random));
    const alpha = Math.exp(-2);
    expect(Math.abs(draws.filter((x) => x === 0).length / draws.length - (1 - alpha) / (1 + alpha))).toBeLessThan(0.01);
  });

  it('repeats with the same seed and differs with another', () => {
    const a = geometricNoise(EPSILON_PER_COUNT, seededRandomIntegers('s'));
    const b = geometricNoise(EPSILON_PER_COUNT, seededRandomIntegers('s'));
    const c = geometricNoise(EPSILON_PER_COUNT, seededRandomIntegers('t'));
    const first = Array.from({ length: 50 }, a);
    expect(Array.from({ length: 50 }, b)).toEqual(first);
    expect(Array.from({ length: 50 }, c)).not.toEqual(first);
  });

  it('draws from node:crypto by default, and refuses an ε that is not a fraction of positive integers', () => {
    expect(Number.isSafeInteger(geometricNoise()())).toBe(true);
    expect(() => twoSidedGeometric({ numerator: 0, denominator: 2 })).toThrow(RangeError);
    expect(() => twoSidedGeometric({ numerator: 0.5, denominator: 1 })).toThrow(RangeError);
  });
});
