// Integer noise for published counts (DESIGN §6, "no differencing between releases").
//
// Each count gets two-sided geometric ("discrete Laplace") noise: P(x) ∝ exp(−ε·|x|). It is
// drawn with integers only, by the exact sampler of Canonne, Kamath and Steinke ("The Discrete
// Gaussian for Differential Privacy", 2020, algorithms 1 and 2), so no floating-point rounding
// can make some outputs impossible and betray the true count (Mironov 2012). ε is a fraction
// numerator/denominator for the same reason. The uniform integers come from a CSPRNG
// (node:crypto randomInt) unless a caller injects another source (tests, with a fixed seed).
import { randomInt } from 'node:crypto';

/** Uniform integer in [0, maxExclusive): node:crypto's randomInt, or a seeded stand-in in tests. */
export type RandomIntegers = (maxExclusive: number) => number;

/** ε as an exact fraction. */
export interface Epsilon {
  numerator: number;
  denominator: number;
}

/** Draws one noise value for one count. */
export type NoiseSource = () => number;

/**
 * ε per published count: 1/2. One account moves any one count by at most 1, so seeing that
 * count makes "the account is in it" at most e^½ ≈ 1.65 times likelier than "it is not" —
 * roughly, a fair coin's guess can become 62 % sure, never certain. Smaller ε hides more but
 * blurs small counts: at ½ the noise has a standard deviation of about 2.8 accounts, small
 * beside K_MIN (11) and the dozens a quoted figure rests on. The simulated adversary in
 * test/unit/differencing.test.ts checks that one refresh after K_MIN changes teaches an
 * attacker who knows a source's platform and role almost nothing more about that source.
 */
export const EPSILON_PER_COUNT: Epsilon = { numerator: 1, denominator: 2 };

/**
 * ε per stored tree node under continual release (continual-release.ts): 1/4. One event lies in
 * at most one node per level, so over the tree's levels one answer costs 2 × levels × ¼ (accepted
 * and withdrawn). Chosen with the adversary of test/unit/continual-release.test.ts: at ½ it read
 * a target's unpaid hours 0.17 better than its platform alone after 26 monthly releases either
 * side; at ¼ at most about 0.07 at 400 and 2,000 accounts. The noise of one node has a standard
 * deviation of about 5.6 accounts; a published count sums one node per set bit of its refresh number.
 */
export const EPSILON_PER_NODE: Epsilon = { numerator: 1, denominator: 4 };

export const epsilonValue = (epsilon: Epsilon): number => epsilon.numerator / epsilon.denominator;

const cryptoRandom: RandomIntegers = (maxExclusive) => randomInt(maxExclusive);

function bernoulliFraction(numerator: number, denominator: number, random: RandomIntegers): boolean {
  return random(denominator) < numerator;
}

/** Bernoulli(exp(−n/d)) with integers only (Canonne–Kamath–Steinke, algorithm 1). */
function bernoulliExpMinus(n: number, d: number, random: RandomIntegers): boolean {
  if (n <= d) {
    // For γ = n/d ≤ 1: count how long Bernoulli(γ/k) keeps succeeding; an odd count means yes.
    let k = 1;
    while (bernoulliFraction(n, d * k, random)) k++;
    return k % 2 === 1;
  }
  for (let i = 0; i < Math.floor(n / d); i++) if (!bernoulliExpMinus(1, 1, random)) return false;
  return bernoulliExpMinus(n % d, d, random);
}

/**
 * One draw of two-sided geometric noise, P(x) ∝ exp(−|x|·numerator/denominator)
 * (Canonne–Kamath–Steinke, algorithm 2, with scale denominator/numerator).
 */
export function twoSidedGeometric(epsilon: Epsilon, random: RandomIntegers = cryptoRandom): number {
  const { numerator: s, denominator: t } = epsilon;
  if (!Number.isSafeInteger(s) || !Number.isSafeInteger(t) || s < 1 || t < 1) throw new RangeError(`ε must be a fraction of positive integers, got ${s}/${t}`);
  for (;;) {
    const u = random(t);
    if (!bernoulliExpMinus(u, t, random)) continue;
    let v = 0;
    while (bernoulliExpMinus(1, 1, random)) v++;
    const y = Math.floor((u + t * v) / s);
    const negative = random(2) === 1;
    if (negative && y === 0) continue;
    return negative ? -y : y;
  }
}

/** A noise source for one refresh: each call draws afresh. */
export function geometricNoise(epsilon: Epsilon = EPSILON_PER_COUNT, random: RandomIntegers = cryptoRandom): NoiseSource {
  return () => twoSidedGeometric(epsilon, random);
}
