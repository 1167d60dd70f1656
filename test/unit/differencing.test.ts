// No differencing between releases (DESIGN §6): the refresh rule, the consistency of one
// noisy refresh, and a simulated adversary who holds two consecutive refreshes, knows a
// target's platform and former role, and tries to read the target's other answers from the
// change. Fixed seeds throughout, so the figures printed are the same on every run.
// The verification tier's adversary (issue 18) is in differencing-tier.test.ts, a file of its own, so that the two run in parallel.
import { describe, expect, it } from 'vitest';
import { addDays } from '../../server/db/day.js';
import { EPSILON_PER_COUNT, geometricNoise } from '../../server/publishing/noise.js';
import { lastScheduledDay, statisticsRefreshDue } from '../../server/publishing/release.js';
import type { StoredStatistics } from '../../server/publishing/schemas.js';
import { COUNTS_ONE_ACCOUNT_MOVES, drawStatistics } from '../../server/publishing/statistics.js';
import { payBands } from '../../common/vocabulary.js';
import { seededRandomIntegers, seededUnit } from '../support/seeded-random.js';
import { talliesOf } from '../support/tallies.js';
import { DAY, differenceMass, EPSILON, K, randomAccount } from '../support/differencing.js';

describe('statisticsRefreshDue (continual release: a fixed public schedule)', () => {
  it('refreshes on the first day of each scheduled month, whatever changed, and at once when nothing was ever drawn', () => {
    expect(statisticsRefreshDue(undefined, DAY)).toBe(true);
    expect(lastScheduledDay('2026-06-17')).toBe('2026-06-01');
    expect(lastScheduledDay('2026-06-17', 3)).toBe('2026-04-01');
    expect(lastScheduledDay('2027-01-01', 12)).toBe('2027-01-01');
    // Refreshed on the 1st: nothing more until the 1st of the next month, however many accounts change.
    expect(statisticsRefreshDue('2026-06-01', '2026-06-30')).toBe(false);
    expect(statisticsRefreshDue('2026-06-01', '2026-07-01')).toBe(true);
    // A refresh that ran late (the server was down on the 1st) still counts for its month.
    expect(statisticsRefreshDue('2026-06-09', '2026-06-30')).toBe(false);
    expect(statisticsRefreshDue('2026-06-09', addDays('2026-06-09', 40))).toBe(true);
  });
});

const payTable = (s: StoredStatistics) => s.tables.find((t) => t.id === 'platform_by_pay_band')!;

describe('one refresh', () => {
  it('adds up: every shown total is the sum of its noisy cells, and no shown count is 1..K−1', () => {
    const unit = seededUnit(seededRandomIntegers('population'));
    const accounts = Array.from({ length: 400 }, () => randomAccount(unit));
    const statistics = drawStatistics(talliesOf(accounts), K, geometricNoise(EPSILON_PER_COUNT, seededRandomIntegers('consistency')), EPSILON, DAY);
    expect(statistics.epsilon).toEqual({ perCount: 0.5, perRefresh: 0.5 * COUNTS_ONE_ACCOUNT_MOVES });
    for (const table of statistics.tables) {
      const all = [...table.cells.flat(), ...table.rowTotals, ...table.columnTotals, table.total];
      for (const f of all) if (f.status === 'shown') expect(f.count === 0 || (f.count ?? 0) >= K).toBe(true);
      table.rowTotals.forEach((total, r) => {
        const row = table.cells[r]!;
        if (total.status === 'shown' && row.every((f) => f.status === 'shown')) expect(row.reduce((a, f) => a + (f.count ?? 0), 0)).toBe(total.count);
      });
    }
    // Noise is really there: some shown count differs from the true one.
    const truePay = talliesOf(accounts).platformPay;
    const pay = payTable(statistics);
    const differs = pay.rows.some((row, r) =>
      pay.columns.some((column, c) => pay.cells[r]![c]!.status === 'shown' && pay.cells[r]![c]!.count !== (truePay.get(`${row.key}\u0000${column.key}`) ?? 0)),
    );
    expect(differs).toBe(true);
  });
});

describe('noise on a sparse table', () => {
  it('keeps totals near the truth: empty cells read mostly 0, not +1 each', () => {
    // 100 accounts, all Mercor at $40–59: 55 of the pay table's 56 cells are empty.
    const unit = seededUnit(seededRandomIntegers('sparse'));
    const accounts = Array.from({ length: 100 }, () => randomAccount(unit, { platforms: ['mercor'], payBand: '40_59' }));
    const totals: number[] = [];
    for (let i = 0; i < 20; i++) {
      const s = drawStatistics(talliesOf(accounts), K, geometricNoise(EPSILON_PER_COUNT, seededRandomIntegers(`sparse ${i}`)), EPSILON, DAY);
      const pay = payTable(s);
      totals.push(pay.total.count ?? Number.NaN);
    }
    const mean = totals.reduce((a, b) => a + b, 0) / totals.length;
    // Clamping each cell at 0 would put the mean near 100 + 55 × 0.96 ≈ 153.
    expect(Math.abs(mean - 100)).toBeLessThan(8);
  });
});

describe('a simulated adversary holding two consecutive refreshes', () => {
  it('learns a changed target’s pay band, or one yes/no answer, at most 0.10 better than from the earlier release alone', () => {
    const unit = seededUnit(seededRandomIntegers('adversary population'));
    const mass = differenceMass(EPSILON);
    const likelihood = (d: number) => mass.get(d) ?? 1e-30;
    // 1,000 pairs: with 200 the estimate moved by about ±0.04 between noise streams, as much as the margin.
    const pairs = 1000;
    const score = { payBaseline: 0, payAdversary: 0, yesNoBaseline: 0, yesNoAdversary: 0 };

    for (let trial = 0; trial < pairs; trial++) {
      const population = Array.from({ length: 300 }, () => randomAccount(unit));
      // The target: random answers; its pay band and its yes/no answer uniformly at random.
      const target = randomAccount(unit, {
        payBand: payBands.keys[Math.floor(unit() * payBands.keys.length)]!,
      });
      target.conditions = { ...target.conditions, nda_signed: unit() < 0.5 ? 'yes' : 'no' };
      // Exactly K_MIN changes, the fewest that refresh: the target and K−1 others, added or withdrawn.
      const others = Array.from({ length: K - 1 }, () => randomAccount(unit));
      const withdrawing = trial % 2 === 1;
      const before = withdrawing ? [...population, target, ...others] : population;
      const after = withdrawing ? population : [...population, target, ...others];
      // Each refresh its own noise stream, so that the number of tables one refresh draws (version 2
      // added some after these) does not shift the other refresh's draws.
      const noiseOf = (release: string) => geometricNoise(EPSILON_PER_COUNT, seededRandomIntegers(`adversary refreshes ${trial} ${release}`));
      const earlier = drawStatistics(talliesOf(before), K, noiseOf('earlier'), EPSILON, DAY);
      const later = drawStatistics(talliesOf(after), K, noiseOf('later'), EPSILON, addDays(DAY, 7));
      const sign = withdrawing ? -1 : 1;
      const platform = target.platforms[0]!;

      // Pay band. The row of the target's platform in each release.
      const rowOf = (s: StoredStatistics) => {
        const table = payTable(s);
        return table.cells[table.rows.findIndex((r) => r.key === platform)]!;
      };
      const a = rowOf(earlier);
      const b = rowOf(later);
      // Best guess from the earlier release alone: the band the most accounts of that platform report.
      const shownCount = (f: { count: number | null; status: string }) => (f.status === 'shown' ? (f.count ?? 0) : -1);
      const mode = (row: typeof a) => row.reduce((best, f, i) => (shownCount(f) > shownCount(row[best]!) ? i : best), 0);
      const baselineGuess = mode(a);
      // With both releases: the likelihood that the target's +1 (or −1) sits in each band, from
      // the change of that band's count under the noise of two draws; bands hidden in either
      // release give no evidence. Two adversaries: the likelihood alone, and it times the earlier
      // release's proportions; the better of the two is scored.
      const evidence = a.map((fa, i) => {
        const fb = b[i]!;
        if (fa.status !== 'shown' || fb.status !== 'shown') return 1;
        const d = (fb.count ?? 0) - (fa.count ?? 0);
        return likelihood(d - sign) / likelihood(d);
      });
      const prior = a.map((f) => Math.max(shownCount(f), 0) + 1);
      const argmax = (xs: number[]) => xs.reduce((best, x, i) => (x > xs[best]! ? i : best), 0);
      const truth = payBands.keys.indexOf(target.payBand as (typeof payBands.keys)[number]);
      score.payBaseline += baselineGuess === truth ? 1 : 0;
      const likelihoodGuess = argmax(evidence);
      const bayesGuess = argmax(evidence.map((e, i) => e * prior[i]!));
      score.payAdversary += Math.max(likelihoodGuess === truth ? 1 : 0, bayesGuess === truth ? 1 : 0);

      // One yes/no condition (NDA signed): the platform's row of that table and the headline.
      const conditionRow = (s: StoredStatistics) => {
        const table = s.tables.find((t) => t.id === 'platform_by_nda_signed')!;
        return table.cells[table.rows.findIndex((r) => r.key === platform)]!;
      };
      const ca = conditionRow(earlier);
      const cb = conditionRow(later);
      const yesNo = [0, 1]; // columns yes, no
      const baselineAnswer = shownCount(ca[0]!) >= shownCount(ca[1]!) ? 0 : 1;
      const conditionEvidence = yesNo.map((j) => {
        let e = 1;
        if (ca[j]!.status === 'shown' && cb[j]!.status === 'shown') {
          const d = (cb[j]!.count ?? 0) - (ca[j]!.count ?? 0);
          e *= likelihood(d - sign) / likelihood(d);
        }
        const ha = earlier.headline.conditions.find((c) => c.key === 'nda_signed')!.yes;
        const hb = later.headline.conditions.find((c) => c.key === 'nda_signed')!.yes;
        if (j === 0 && ha.status === 'shown' && hb.status === 'shown') {
          const d = (hb.count ?? 0) - (ha.count ?? 0);
          e *= likelihood(d - sign) / likelihood(d);
        }
        return e;
      });
      const conditionPrior = yesNo.map((j) => Math.max(shownCount(ca[j]!), 0) + 1);
      const answerTruth = target.conditions.nda_signed === 'yes' ? 0 : 1;
      score.yesNoBaseline += baselineAnswer === answerTruth ? 1 : 0;
      const answerByLikelihood = argmax(conditionEvidence);
      const answerByBayes = argmax(conditionEvidence.map((e, j) => e * conditionPrior[j]!));
      score.yesNoAdversary += Math.max(answerByLikelihood === answerTruth ? 1 : 0, answerByBayes === answerTruth ? 1 : 0);
    }

    const rate = (n: number) => n / pairs;
    console.log(
      `differencing adversary over ${pairs} pairs of refreshes (ε = ${EPSILON} per count, K_MIN = ${K}): ` +
        `pay band ${rate(score.payAdversary).toFixed(3)} vs ${rate(score.payBaseline).toFixed(3)} from the earlier release alone; ` +
        `NDA yes/no ${rate(score.yesNoAdversary).toFixed(3)} vs ${rate(score.yesNoBaseline).toFixed(3)}`,
    );
    expect(rate(score.payAdversary) - rate(score.payBaseline)).toBeLessThanOrEqual(0.1);
    expect(rate(score.yesNoAdversary) - rate(score.yesNoBaseline)).toBeLessThanOrEqual(0.1);
  });

  it('would win without noise: the same adversary reads the band from noise-free refreshes (the test can fail)', () => {
    const unit = seededUnit(seededRandomIntegers('noise-free control'));
    let hits = 0;
    const pairs = 50;
    for (let trial = 0; trial < pairs; trial++) {
      const population = Array.from({ length: 300 }, () => randomAccount(unit));
      const target = randomAccount(unit, { platforms: ['mercor'], payBand: payBands.keys[Math.floor(unit() * payBands.keys.length)]! });
      const others = Array.from({ length: K - 1 }, () => randomAccount(unit, { platforms: ['outlier'] }));
      const earlier = drawStatistics(talliesOf(population), K, () => 0, EPSILON, DAY);
      const later = drawStatistics(talliesOf([...population, target, ...others]), K, () => 0, EPSILON, DAY);
      const row = (s: StoredStatistics) => payTable(s).cells[0]!;
      const grew = row(later).findIndex((f, i) => f.status === 'shown' && row(earlier)[i]!.status === 'shown' && (f.count ?? 0) > (row(earlier)[i]!.count ?? 0));
      if (payBands.keys[grew] === target.payBand) hits++;
    }
    expect(hits / pairs).toBeGreaterThan(0.5);
  });
});
