// No differencing between releases (DESIGN §6), the verification tier's part (issue 18): a
// simulated adversary who holds two consecutive refreshes tries to read a changed target's tier.
// Its own file so that it runs in parallel with the pay-band adversary (differencing.test.ts).
import { describe, expect, it } from 'vitest';
import { addDays } from '../../server/db/day.js';
import { EPSILON_PER_COUNT, geometricNoise } from '../../server/publishing/noise.js';
import type { Figure, StoredStatistics } from '../../server/publishing/schemas.js';
import { drawStatistics } from '../../server/publishing/statistics.js';
import { statisticsTiers } from '../../common/vocabulary.js';
import { DAY, differenceMass, EPSILON, K, randomAccount } from '../support/differencing.js';
import { seededRandomIntegers, seededUnit } from '../support/seeded-random.js';
import { talliesOf, type CountedAccount } from '../support/tallies.js';

/**
 * The verification tier's attack (issue 18): pairs of consecutive refreshes in which a target with
 * a tier drawn at random is among the K_MIN accounts that changed; the adversary holds both and
 * reads the tier table's two cells (documents seen, none recorded), which the headline repeats.
 * `noise` false and `othersTier` set make the control: noise-free refreshes, and the other
 * changes all of one tier, which the adversary knows. Returns the success rates of the adversary and of the earlier release alone.
 */
function tierAttack(seed: string, pairs: number, options: { noise: boolean; othersTier?: boolean }) {
  const unit = seededUnit(seededRandomIntegers(seed));
  const mass = differenceMass(EPSILON);
  const likelihood = (d: number) => mass.get(d) ?? 1e-30;
  // Documents are the exception: about 3 accounts in 10 carry them.
  const withTier = (account: CountedAccount, share = 0.3): CountedAccount => ({ ...account, documentsSeen: unit() < share });
  // Four adversaries (the likelihood alone or times the earlier proportions, each plain or
  // centred), each committing to one guess: with two tiers, scoring whichever of them is right
  // would score almost every trial. The best of the four is reported.
  const score = { baseline: 0, adversaries: [0, 0, 0, 0] };
  for (let trial = 0; trial < pairs; trial++) {
    const population = Array.from({ length: 300 }, () => withTier(randomAccount(unit)));
    const target = withTier(randomAccount(unit), 0.5);
    const others = Array.from({ length: K - 1 }, () => (options.othersTier === undefined ? withTier(randomAccount(unit)) : { ...randomAccount(unit), documentsSeen: options.othersTier }));
    const withdrawing = trial % 2 === 1;
    const before = withdrawing ? [...population, target, ...others] : population;
    const after = withdrawing ? population : [...population, target, ...others];
    const noiseOf = (release: string) => (options.noise ? geometricNoise(EPSILON_PER_COUNT, seededRandomIntegers(`${seed} ${trial} ${release}`)) : () => 0);
    const earlier = drawStatistics(talliesOf(before), K, noiseOf('earlier'), EPSILON, DAY);
    const later = drawStatistics(talliesOf(after), K, noiseOf('later'), EPSILON, addDays(DAY, 7));
    const sign = withdrawing ? -1 : 1;

    // The two tiers this attack is about, by key (the signed-email tier, issue 33, is empty here).
    const cellsOf = (s: StoredStatistics): Figure[] => {
      const table = s.tables.find((t) => t.id === 'verification_tier')!;
      return ['documents_seen', 'none'].map((key) => table.cells[0]![table.columns.findIndex((c) => c.key === key)]!);
    };
    // The headline repeats the table: the same draws, so no more evidence (checked here).
    expect(later.headline.verification?.documentsSeen).toEqual(cellsOf(later)[0]);
    const a = cellsOf(earlier);
    const b = cellsOf(later);
    const shownCount = (f: Figure) => (f.status === 'shown' ? (f.count ?? 0) : -1);
    const all = Math.max(
      1,
      a.reduce((sum, f) => sum + Math.max(shownCount(f), 0), 0),
    );
    // Best guess from the earlier release alone: the tier most accounts have.
    const baselineGuess = shownCount(a[0]!) > shownCount(a[1]!) ? 0 : 1;
    // The K_MIN − 1 other changes each tier holds: known in the control; else what the earlier
    // release's proportions lead the adversary to expect.
    const othersIn = (j: number) => (options.othersTier === undefined ? Math.round(((K - 1) * Math.max(shownCount(a[j]!), 0)) / all) : j === (options.othersTier ? 0 : 1) ? K - 1 : 0);
    // The likelihood that the target's ±1 sits in each tier's cell, from the change of the cells
    // under two draws of noise; the centred adversaries first take off the other changes.
    const evidence = (centred: boolean) =>
      a.map((fa, j) => {
        const fb = b[j]!;
        if (fa.status !== 'shown' || fb.status !== 'shown') return 1;
        const d = (fb.count ?? 0) - (fa.count ?? 0) - (centred ? sign * othersIn(j) : 0);
        return likelihood(d - sign) / likelihood(d);
      });
    const prior = a.map((f) => Math.max(shownCount(f), 0) + 1);
    const argmax = (xs: number[]) => xs.reduce((best, x, i) => (x > xs[best]! ? i : best), 0);
    const truth = target.documentsSeen ? 0 : 1;
    score.baseline += baselineGuess === truth ? 1 : 0;
    const guesses = [false, true].flatMap((centred) => {
      const e = evidence(centred);
      return [argmax(e), argmax(e.map((x, j) => x * prior[j]!))];
    });
    guesses.forEach((guess, i) => (score.adversaries[i]! += guess === truth ? 1 : 0));
  }
  return { adversary: Math.max(...score.adversaries) / pairs, adversaries: score.adversaries.map((n) => n / pairs), baseline: score.baseline / pairs };
}

describe('a simulated adversary after the verification tier (issue 18)', () => {
  it('learns a changed target’s tier at most 0.10 better than from the earlier release alone', () => {
    const { adversary, adversaries, baseline } = tierAttack('tier adversary', 1000, { noise: true });
    console.log(
      `tier adversary over 1000 pairs of refreshes (ε = ${EPSILON} per count, K_MIN = ${K}): ` +
        `verification tier ${adversary.toFixed(3)} (best of ${adversaries.map((r) => r.toFixed(3)).join(', ')}) vs ${baseline.toFixed(3)} from the earlier release alone`,
    );
    expect(adversary - baseline).toBeLessThanOrEqual(0.1);
  });

  it('would win without noise, when the other changes are of a known tier (the tier test can fail)', () => {
    const { adversary, baseline } = tierAttack('tier noise-free control', 100, { noise: false, othersTier: false });
    expect(adversary - baseline).toBeGreaterThan(0.3);
  });

  it('are the table’s cells: the tier table is one row over all accounts, and the headline reads it', () => {
    const unit = seededUnit(seededRandomIntegers('tier table'));
    // 20 backed by a signed email (issue 33; 10 of them with documents too: the email tier wins), 50 more with documents only.
    const accounts = Array.from({ length: 200 }, (_, i) => ({ ...randomAccount(unit), documentsSeen: i >= 10 && i < 70, verifiedEmail: i < 20 }));
    const s = drawStatistics(talliesOf(accounts), K, () => 0, EPSILON, DAY);
    const table = s.tables.find((t) => t.id === 'verification_tier')!;
    expect(table.rows.map((r) => r.key)).toEqual(['all']);
    expect(table.columns.map((c) => c.key)).toEqual([...statisticsTiers.keys]);
    expect(statisticsTiers.keys).toEqual(['verified_email', 'documents_seen', 'none']);
    expect(table.cells[0]).toEqual([
      { count: 20, status: 'shown' },
      { count: 50, status: 'shown' },
      { count: 130, status: 'shown' },
    ]);
    expect(s.headline.verification).toEqual({
      documentsSeen: { count: 50, status: 'shown' },
      accounts: { count: 200, status: 'shown' },
      share: { share: 0.25, status: 'shown' },
      verifiedEmail: { count: 20, status: 'shown' },
      verifiedEmailShare: { share: 0.1, status: 'shown' },
    });
    // Five accounts with documents: a small count, and its share is not shown either.
    const few = drawStatistics(talliesOf(accounts.map((a, i) => ({ ...a, documentsSeen: i < 5, verifiedEmail: false }))), K, () => 0, EPSILON, DAY);
    expect(few.headline.verification?.documentsSeen).toEqual({ count: null, status: 'fewer_than_k' });
    expect(few.headline.verification?.share).toEqual({ share: null, status: 'withheld' });
  });
});
