// What the differencing tests (test/unit/differencing*.test.ts, split so that the two simulated
// adversaries run in parallel workers) share: the parameters, a random population, and the
// distribution of the difference of two noise draws.
import { EPSILON_PER_COUNT, epsilonValue } from '../../server/publishing/noise.js';
import { conditionAnswers, payBands, platforms, roles, taskTypes } from '../../common/vocabulary.js';
import type { CountedAccount } from './tallies.js';

export const K = 11;
export const EPSILON = epsilonValue(EPSILON_PER_COUNT);
export const DAY = '2026-06-01';

/** A random account, drawn like a plausible population: a few big platforms, skewed pay. */
export function randomAccount(unit: () => number, fixed: Partial<CountedAccount> = {}): CountedAccount {
  const pick = <T>(items: readonly T[], weights?: readonly number[]): T => {
    const w = weights ?? items.map(() => 1);
    let r = unit() * w.reduce((a, b) => a + b, 0);
    for (const [i, item] of items.entries()) {
      r -= w[i] ?? 0;
      if (r < 0) return item;
    }
    return items[items.length - 1]!;
  };
  const platform = pick(platforms.keys, [30, 25, 15, 10, 8, 5, 4, 3]);
  const answer = () => pick(conditionAnswers.keys, [6, 3, 1]);
  return {
    role: pick(roles.keys, [30, 8, 10, 6, 8, 4, 10, 12, 8, 4]),
    platforms: [platform],
    taskTypes: [pick(taskTypes.keys)],
    payBand: pick(payBands.keys, [10, 25, 30, 20, 8, 5, 2]),
    hoursBand: pick(['under_10', '10_19', '20_29', '30_39', '40_49', '50_plus']),
    conditions: { nda_signed: answer(), stopped_without_notice: answer(), disturbing_content: answer() },
    ...fixed,
  };
}
/** The probability mass of the difference of two independent two-sided geometric draws, −R..R. */
export function differenceMass(epsilon: number, range = 80): Map<number, number> {
  const alpha = Math.exp(-epsilon);
  const p = (x: number) => ((1 - alpha) / (1 + alpha)) * alpha ** Math.abs(x);
  const mass = new Map<number, number>();
  for (let d = -range; d <= range; d++) {
    let total = 0;
    for (let x = -range; x <= range; x++) total += p(x) * p(x - d);
    mass.set(d, total);
  }
  return mass;
}
