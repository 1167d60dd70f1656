// Utility of the published statistics before and after continual release (issue 24), for
// docs/statistics-continual-release.md: the median absolute error of shown cells and the share of
// cells shown, at 400, 2,000 and 20,000 accounts. In memory, with the server's own drawStatistics,
// noise and tree; a few draws per setting, so it runs in seconds (the figures move by a point or two
// between seeds). Run: node scripts/build.mjs && node dist/scripts/bench/statistics-utility.js
import { nodeNoiseSource, privacyBudget, spentAfter, TreeNoise } from '../../server/publishing/continual-release.js';
import { EPSILON_PER_COUNT, EPSILON_PER_NODE, epsilonValue, geometricNoise } from '../../server/publishing/noise.js';
import { COUNTS_ONE_ACCOUNT_MOVES, drawStatistics, tallyKey, type AccountTallies, type CellNoise, type ContinualRelease } from '../../server/publishing/statistics.js';
import { conditionAnswers, conditions, payBands, platforms, roles, taskTypes } from '../../common/vocabulary.js';

const K = 11;
const DAY = '2026-06-01';
const DRAWS = 3;

/** Accounts drawn like the demo's (a few big platforms, skewed pay), tallied as the database does for the tables counted here. */
function population(size: number, unit: () => number): AccountTallies {
  const pick = <T>(items: readonly T[], weights: readonly number[] = items.map(() => 1)): T => {
    let r = unit() * weights.reduce((a, b) => a + b, 0);
    for (const [i, item] of items.entries()) {
      r -= weights[i] ?? 0;
      if (r < 0) return item;
    }
    return items[items.length - 1]!;
  };
  const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  const t: AccountTallies = {
    platformPay: new Map(),
    platformConditions: new Map(),
    roleTask: new Map(),
    hours: new Map(),
    platformVersions: new Map(),
    platformFacts: new Map(),
    halfYearFacts: new Map(),
    facts: new Map(),
    versions: new Map([['1', size]]),
    tiers: new Map(),
    accounts: size,
    facets: { platforms: new Map(), roles: new Map(), taskTypes: new Map(), conditionsYes: new Map(), conditionsNo: new Map(), conditionsUnsure: new Map() },
  };
  const answers: Record<string, Map<string, number>> = { yes: t.facets.conditionsYes, no: t.facets.conditionsNo, unsure: t.facets.conditionsUnsure };
  for (let i = 0; i < size; i++) {
    const platform = pick(platforms.keys, [30, 25, 15, 10, 8, 5, 4, 3]);
    const role = pick(roles.keys, [30, 8, 10, 6, 8, 4, 10, 12, 8, 4]);
    const task = pick(taskTypes.keys);
    bump(t.facets.platforms, platform);
    bump(t.facets.roles, role);
    bump(t.facets.taskTypes, task);
    bump(t.platformVersions, tallyKey(platform, '1'));
    bump(t.platformPay, tallyKey(platform, pick(payBands.keys, [10, 25, 30, 20, 8, 5, 2])));
    bump(t.roleTask, tallyKey(role, task));
    bump(t.hours, tallyKey('all', pick(['under_10', '10_19', '20_29', '30_39', '40_49', '50_plus'])));
    bump(t.tiers, unit() < 0.3 ? 'documents_seen' : 'none');
    for (const condition of conditions.keys) {
      const answer = pick(conditionAnswers.keys, [6, 3, 1]);
      bump(t.platformConditions, tallyKey(`${platform}:${condition}`, answer));
      bump(answers[answer]!, condition);
    }
  }
  return t;
}

function measure(t: AccountTallies, noise: CellNoise, epsilon: number, release?: ContinualRelease) {
  const truth = new Map<string, number>();
  const statistics = drawStatistics(t, K, noise, epsilon, DAY, { release, record: truth });
  const errors: number[] = [];
  let cells = 0;
  let large = 0;
  let largeShown = 0;
  for (const table of statistics.tables) {
    table.rows.forEach((row, r) =>
      table.columns.forEach((column, c) => {
        cells++;
        const figure = table.cells[r]![c]!;
        const count = truth.get(`${table.id}/${row.key}/${column.key}`) ?? 0;
        if (count >= K) large++;
        if (figure.status !== 'shown') return;
        if (count >= K) largeShown++;
        // Errors of shown non-empty cells: a shown empty cell (before) reads 0 most of the time, and would hide the error of the rest.
        if (count > 0) errors.push(Math.abs((figure.count ?? 0) - count));
      }),
    );
  }
  return { errors, cells, shown: errors.length, large, largeShown };
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : sorted[Math.floor(sorted.length / 2)]!;
};

let seed = 1;
const unit = () => {
  // A small deterministic generator for the population (mulberry32); the noise is the server's own.
  seed = (seed + 0x6d2b79f5) | 0;
  let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
  return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
};

const budget = privacyBudget(EPSILON_PER_NODE, COUNTS_ONE_ACCOUNT_MOVES, 60);
console.log('accounts | mechanism | refresh | median abs. error, shown non-empty cells | cells shown (non-empty) | cells truly ≥ K shown');
for (const size of [400, 2000, 20000]) {
  const t = population(size, unit);
  const row = (label: string, refresh: string, runs: ReturnType<typeof measure>[]) => {
    const errors = runs.flatMap((r) => r.errors);
    const sum = (pick: (r: ReturnType<typeof measure>) => number) => runs.reduce((a, r) => a + pick(r), 0);
    const percent = (a: number, b: number) => `${((100 * a) / b).toFixed(1)} %`;
    console.log(
      `${size} | ${label} | ${refresh} | ${median(errors)} | ${percent(
        sum((r) => r.shown),
        sum((r) => r.cells),
      )} | ${percent(
        sum((r) => r.largeShown),
        sum((r) => r.large),
      )}`,
    );
  };
  row(
    'before: fresh noise each refresh, ε ½, threshold K',
    'any',
    Array.from({ length: DRAWS }, () => measure(t, geometricNoise(EPSILON_PER_COUNT), epsilonValue(EPSILON_PER_COUNT))),
  );
  for (const refresh of [1, 12, 31]) {
    row(
      `after: binary tree, ε ¼ per node, threshold K + margin (95 %)`,
      String(refresh),
      Array.from({ length: DRAWS }, () => {
        const tree = new TreeNoise(refresh, new Map(), nodeNoiseSource(EPSILON_PER_NODE));
        const release: ContinualRelease = { refresh, nodesPerCount: tree.nodesPerCount, epsilonPerNode: EPSILON_PER_NODE, confidence: 0.95, budget, spent: spentAfter(budget, refresh) };
        return measure(t, tree.noiseOf, epsilonValue(EPSILON_PER_NODE), release);
      }),
    );
  }
}
