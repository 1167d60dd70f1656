// Continual release (issue 24; DESIGN §6, turn 3): the tree, node noise drawn once, thresholds
// after noise, the lifetime budget computed from the table definitions, and the adversary who
// keeps every release. Fixed seeds throughout, so the figures printed are the same on every run.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  errorMargin,
  prefixNodes,
  privacyBudget,
  refreshWithinBudget,
  spentAfter,
  thresholdMargin,
  treeLevels,
  TreeNoise,
  nodeNoiseSource,
} from '../../server/publishing/continual-release.js';
import { EPSILON_PER_NODE } from '../../server/publishing/noise.js';
import { lifetimeBudget, STATISTICS_CONFIDENCE } from '../../server/publishing/release.js';
import { COUNTS_ONE_ACCOUNT_MOVES, drawFacets, drawStatistics, FACT_TABLES, noiseShape, type ContinualRelease } from '../../server/publishing/statistics.js';
import { suppressSmallCells } from '../../server/publishing/disclosure.js';
import { conditionAnswers, conditions, payBands, platforms, roles, taskTypes } from '../../common/vocabulary.js';
import { attack, QUESTIONS, type Question } from '../support/continual-adversary.js';
import { seededRandomIntegers, seededUnit } from '../support/seeded-random.js';
import { talliesOf, type CountedAccount } from '../support/tallies.js';

const K = 11;
const DAY = '2026-06-01';

describe('the binary tree', () => {
  it('tiles refreshes 1…t with one node per set bit of t', () => {
    expect(prefixNodes(1)).toEqual([{ level: 0, index: 0 }]);
    expect(prefixNodes(6)).toEqual([
      { level: 2, index: 0 },
      { level: 1, index: 2 },
    ]);
    expect(prefixNodes(27)).toEqual([
      { level: 4, index: 0 },
      { level: 3, index: 2 },
      { level: 1, index: 12 },
      { level: 0, index: 26 },
    ]);
    for (let t = 1; t <= 200; t++) {
      const covered = prefixNodes(t).reduce((sum, n) => sum + 2 ** n.level, 0);
      expect(covered).toBe(t);
    }
    expect(treeLevels(60)).toBe(6);
  });

  it('draws each node once: the same count at the same refresh has the same noise, and later refreshes reuse stored nodes', () => {
    const store = new Map<string, number>();
    let draws = 0;
    const random = seededRandomIntegers('tree');
    const draw = () => {
      draws++;
      return nodeNoiseSource(EPSILON_PER_NODE, random)();
    };
    const seen: number[] = [];
    for (let t = 1; t <= 16; t++) {
      const tree = new TreeNoise(t, store, draw);
      const first = tree.noiseOf('a/b/c');
      expect(tree.noiseOf('a/b/c')).toBe(first);
      // One new node per count per refresh: the one that ends at t.
      expect(tree.drawn.size).toBe(1);
      for (const [key, { noise }] of tree.drawn) {
        expect(store.has(key)).toBe(false);
        store.set(key, noise);
      }
      seen.push(first);
    }
    expect(draws).toBe(16);
    // Refresh 8 again, from the store alone: the same value, nothing drawn.
    const again = new TreeNoise(8, store, () => {
      throw new Error('redrawn');
    });
    expect(again.noiseOf('a/b/c')).toBe(seen[7]);
  });
});

describe('thresholds after noise and margins of error', () => {
  it('are exact quantiles of the summed node noise', () => {
    const q = thresholdMargin(EPSILON_PER_NODE, 1, 0.95);
    const m = errorMargin(EPSILON_PER_NODE, 1, 0.95);
    // One two-sided geometric draw at ε = ¼: P(X ≥ x) = α^x / (1 + α), α = e^−¼.
    const alpha = Math.exp(-0.25);
    const tail = (x: number) => alpha ** x / (1 + alpha);
    expect(tail(q + 1)).toBeLessThanOrEqual(0.05);
    expect(tail(q)).toBeGreaterThan(0.05);
    expect(2 * tail(m + 1)).toBeLessThanOrEqual(0.05);
    expect(2 * tail(m)).toBeGreaterThan(0.05);
    // More nodes, wider margins.
    expect(thresholdMargin(EPSILON_PER_NODE, 4, 0.95)).toBeGreaterThan(q);
    console.log(
      `ε ${EPSILON_PER_NODE.numerator}/${EPSILON_PER_NODE.denominator} per node: show from K + ${[1, 2, 3, 4, 5, 6].map((k) => thresholdMargin(EPSILON_PER_NODE, k, 0.95)).join(', ')}; ± ${[1, 2, 3, 4, 5, 6].map((k) => errorMargin(EPSILON_PER_NODE, k, 0.95)).join(', ')} for 1…6 nodes`,
    );
  });

  it('property: for random tables and refreshes, a count truly below K_MIN is shown no more often than the stated confidence allows', () => {
    const budget = lifetimeBudget();
    let small = 0;
    let shownSmall = 0;
    const table = fc
      .integer({ min: 1, max: 5 })
      .chain((rows) =>
        fc
          .integer({ min: 1, max: 6 })
          .chain((columns) => fc.array(fc.array(fc.integer({ min: 0, max: 80 }), { minLength: columns, maxLength: columns }), { minLength: rows, maxLength: rows })),
      );
    fc.assert(
      fc.property(table, fc.integer({ min: 1, max: 63 }), fc.integer({ min: 5, max: 20 }), fc.string(), (counts, refresh, kMin, seed) => {
        const tree = new TreeNoise(refresh, new Map(), nodeNoiseSource(EPSILON_PER_NODE, seededRandomIntegers(`noise ${seed}`)));
        const release: ContinualRelease = {
          refresh,
          nodesPerCount: tree.nodesPerCount,
          epsilonPerNode: EPSILON_PER_NODE,
          confidence: STATISTICS_CONFIDENCE,
          budget,
          spent: spentAfter(budget, refresh),
        };
        // The server's own thresholds (noiseShape) on the server's own noise (TreeNoise); negative noisy counts read as 0.
        const noisy = counts.map((row, r) => row.map((n, c) => Math.max(0, n + tree.noiseOf(`t/${r}/${c}`))));
        const published = suppressSmallCells({ rowKeys: counts.map((_, r) => `${r}`), columnKeys: counts[0]!.map((_, c) => `${c}`), counts: noisy }, kMin, noiseShape(release).afterNoise);
        let runSmall = 0;
        let runShown = 0;
        counts.forEach((row, r) =>
          row.forEach((n, c) => {
            if (n >= kMin) return;
            runSmall++;
            if (published.cells[r]![c]!.status === 'shown') runShown++;
          }),
        );
        small += runSmall;
        shownSmall += runShown;
        // Per run, a binomial tail beyond 1 in a million at the stated rate would be a failure.
        return runShown <= binomialUpper(runSmall, 1 - STATISTICS_CONFIDENCE, 1e-6);
      }),
      { numRuns: 3000, seed: 24 },
    );
    console.log(
      `threshold after noise: ${shownSmall} of ${small} cells truly below K_MIN shown (${((100 * shownSmall) / small).toFixed(2)} %; stated at most ${Math.round(100 * (1 - STATISTICS_CONFIDENCE))} %)`,
    );
    expect(shownSmall / small).toBeLessThanOrEqual(1 - STATISTICS_CONFIDENCE);
  });

  it('a whole refresh: no shown cell of drawStatistics rests on fewer than K_MIN accounts beyond the stated rate', () => {
    const budget = lifetimeBudget();
    let small = 0;
    let shownSmall = 0;
    for (const [i, accounts] of [200, 2000, 8000].entries()) {
      const unit = seededUnit(seededRandomIntegers(`population ${i}`));
      const population = Array.from({ length: accounts }, () => randomAccount(unit));
      const tree = new TreeNoise(7, new Map(), nodeNoiseSource(EPSILON_PER_NODE, seededRandomIntegers(`noise ${i}`)));
      const release: ContinualRelease = {
        refresh: 7,
        nodesPerCount: tree.nodesPerCount,
        epsilonPerNode: EPSILON_PER_NODE,
        confidence: STATISTICS_CONFIDENCE,
        budget,
        spent: spentAfter(budget, 7),
      };
      const truth = new Map<string, number>();
      const statistics = drawStatistics(talliesOf(population), K, tree.noiseOf, 0.25, DAY, { release, record: truth });
      for (const table of statistics.tables) {
        table.rows.forEach((row, r) =>
          table.columns.forEach((column, c) => {
            const figure = table.cells[r]![c]!;
            if (figure.status === 'shown') expect(figure.margin).toBe(statistics.release!.margin);
            if (truth.get(`${table.id}/${row.key}/${column.key}`)! >= K) return;
            small++;
            if (figure.status === 'shown') shownSmall++;
          }),
        );
      }
    }
    expect(shownSmall).toBeLessThanOrEqual(binomialUpper(small, 1 - STATISTICS_CONFIDENCE, 1e-6));
  });
});

describe('the lifetime budget', () => {
  it('counts the counts one account moves from the table definitions, as drawStatistics and drawFacets draw them', () => {
    const everything: CountedAccount = {
      role: roles.keys[0]!,
      platforms: [...platforms.keys],
      taskTypes: [...taskTypes.keys],
      payBand: payBands.keys[0]!,
      hoursBand: '10_19',
      conditions: Object.fromEntries(conditions.keys.map((c) => [c, conditionAnswers.keys[0]!])),
      version: 3,
      facts: { ...Object.fromEntries(FACT_TABLES.map((f) => [f.fact, f.answers[0]!.key])), location: 'canada' },
      halfYear: '2026-H1',
      documentsSeen: true,
    };
    const record = (accounts: CountedAccount[]) => {
      const counts = new Map<string, number>();
      const t = talliesOf(accounts);
      drawStatistics(t, K, () => 0, 0.25, DAY, { record: counts });
      drawFacets(t, () => 0, K, counts);
      return counts;
    };
    const without = record([]);
    const withAccount = record([everything]);
    const moved = [...withAccount].filter(([cell, n]) => n !== (without.get(cell) ?? 0));
    expect(moved.every(([, n]) => n === 1)).toBe(true);
    expect(moved.length).toBe(COUNTS_ONE_ACCOUNT_MOVES);
    const budget = lifetimeBudget();
    expect(budget).toMatchObject({ countsPerAccount: moved.length, levels: 6, horizonRefreshes: 63, eventsPerCount: 2 });
    expect(budget.perCount).toBeCloseTo(0.25 * 2 * 6, 6);
    expect(budget.lifetime).toBeCloseTo(0.25 * 2 * 6 * moved.length, 3);
    console.log(`lifetime budget: ${moved.length} counts per account, ε ${budget.perCount} per count, ε ${budget.lifetime} per account over ${budget.horizonRefreshes} refreshes`);
  });

  it('the privacy filter admits refreshes up to the horizon and refuses the next', () => {
    const budget = privacyBudget(EPSILON_PER_NODE, 10, 3);
    expect(budget.horizonRefreshes).toBe(3);
    expect([1, 2, 3].every((t) => refreshWithinBudget(budget, t))).toBe(true);
    expect(refreshWithinBudget(budget, 4)).toBe(false);
    expect(spentAfter(budget, 1)).toBeLessThan(spentAfter(budget, 2));
    expect(spentAfter(budget, 3)).toBe(budget.lifetime);
  });
});

describe('an adversary who keeps every release (issue 24)', () => {
  // It knows the target's platform and role, holds 26 monthly releases before and 26 after the
  // target joined, and floods with its own accepted-then-withdrawn accounts. 1,000 targets per
  // question and population; the best of three adversaries is scored against the platform alone.
  for (const accounts of [400, 2000]) {
    it(`gains at most 0.10 over the platform-and-role baseline at ${accounts} accounts`, () => {
      const lines: string[] = [];
      for (const question of Object.keys(QUESTIONS) as Question[]) {
        const r = attack(question, { accounts, targets: 1000, epsilonPerNode: EPSILON_PER_NODE, seed: 'issue 24' });
        lines.push(`${question} ${r.adversary.toFixed(3)} vs ${r.baseline.toFixed(3)} (gain ≤ ${r.gainUpper.toFixed(3)} at 95 %)`);
        expect(r.adversary - r.baseline).toBeLessThanOrEqual(0.1);
      }
      console.log(`continual-release adversary, ${accounts} accounts, 1,000 targets each: ${lines.join('; ')}`);
    });
  }

  it('would win without noise (the test can fail)', () => {
    for (const accounts of [400, 2000]) {
      for (const question of ['pay_band', 'nda_signed'] as const) {
        const r = attack(question, { accounts, targets: 200, epsilonPerNode: null, seed: 'control' });
        expect(r.adversary - r.baseline).toBeGreaterThan(0.2);
      }
    }
  });
});

/** The largest x with P(Binomial(n, p) ≥ x) ≥ tail: more successes than this are implausible. */
function binomialUpper(n: number, p: number, tail: number): number {
  let mass = (1 - p) ** n;
  let cumulative = mass;
  for (let x = 0; x < n; x++) {
    if (1 - cumulative < tail) return x;
    mass = (mass * (n - x) * p) / ((x + 1) * (1 - p));
    cumulative += mass;
  }
  return n;
}

function randomAccount(unit: () => number): CountedAccount {
  const pick = <T>(items: readonly T[], weights: readonly number[] = items.map(() => 1)): T => {
    let r = unit() * weights.reduce((a, b) => a + b, 0);
    for (const [i, item] of items.entries()) {
      r -= weights[i] ?? 0;
      if (r < 0) return item;
    }
    return items[items.length - 1]!;
  };
  const answer = () => pick(conditionAnswers.keys, [6, 3, 1]);
  return {
    role: pick(roles.keys),
    platforms: [pick(platforms.keys, [30, 25, 15, 10, 8, 5, 4, 3])],
    taskTypes: [pick(taskTypes.keys)],
    payBand: pick(payBands.keys, [10, 25, 30, 20, 8, 5, 2]),
    hoursBand: pick(['under_10', '10_19', '20_29', '30_39', '40_49', '50_plus']),
    conditions: Object.fromEntries(conditions.keys.map((c) => [c, answer()])),
  };
}
