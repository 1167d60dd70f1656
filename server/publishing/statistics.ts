// The predefined statistics (DESIGN §6), computed at release from counted accounts and passed
// through disclosure control. Only this snapshot is ever published; there are no free queries.
import type { Kysely } from 'kysely';
import { todayUtc } from '../db/day.js';
import type { Database, Day, NoisyFacets } from '../db/schema.js';
import { halfYearsUpTo } from '../../common/intake/account.js';
import {
  accountVersions,
  attributionLabels,
  attributionRoles,
  conditionAnswers,
  conditions,
  deactivationOutcomes,
  factQuestions,
  hoursBands,
  NOT_ASKED,
  payAgainstAdvertised,
  payBands,
  platforms,
  roles,
  statisticsTiers,
  taskTypes,
  type FactQuestion,
} from '../../common/vocabulary.js';
import { figureOf, medianBand, publishedAttribution, publishedShare, suppressSmallCells, type AfterNoise } from './disclosure.js';
import { STATISTICS_FORMAT, type Figure, type MedianFigure, type ShareFigure, type StoredStatistics, type StoredTable } from './schemas.js';
import type { Epsilon } from './noise.js';
import { errorMargin, thresholdMargin, type PrivacyBudget } from './continual-release.js';

/**
 * The noise of one count, by its name (`table/row/column`, `headline/…`, `facet/…`): under
 * continual release, the sum of the count's stored tree nodes for this refresh (TreeNoise.noiseOf).
 * The name never depends on the data, only on the table definitions.
 */
export type CellNoise = (cell: string) => number;

/** How a refresh's noise was drawn, for the thresholds after noise and the margins of error. */
export interface ContinualRelease {
  refresh: number;
  nodesPerCount: number;
  epsilonPerNode: Epsilon;
  /** The confidence that a shown count rests on kMin or more accounts, and of every margin of error. */
  confidence: number;
  budget: PrivacyBudget;
  /** ε one account's loss can have reached after this refresh (PrivacyBudget.spentAfter). */
  spent: number;
}

export interface DrawOptions {
  release?: ContinualRelease;
  /** Tests: the true count of every count drawn, by its name (how many counts one account moves). */
  record?: Map<string, number>;
}

/** The shape of one refresh's noise: the thresholds of the small-cell rules and the margins of error. */
export interface NoiseShape {
  afterNoise?: AfterNoise;
  cellError?: number;
  totalError: (cells: number) => number | undefined;
}

/** The small-cell thresholds after noise and the margins of error of a refresh (none without continual release). */
export function noiseShape(release: ContinualRelease | undefined): NoiseShape {
  if (!release) return { totalError: () => undefined };
  const { epsilonPerNode: e, nodesPerCount: k, confidence } = release;
  const sd = noiseDeviation(e.numerator / e.denominator, k);
  // A total sums many counts' noise: Cantelli's one-sided bound, P(Z ≥ a) ≤ σ²/(σ² + a²), holds for any law.
  const cantelli = (cells: number) => Math.ceil(sd(cells) * Math.sqrt(confidence / (1 - confidence)));
  return {
    afterNoise: { cellMargin: thresholdMargin(e, k, confidence), totalMargin: cantelli },
    cellError: errorMargin(e, k, confidence),
    totalError: (cells: number) => chebyshevMargin(sd(cells), confidence),
  };
}

/** The standard deviation of the noise of a sum of `cells` counts, each `nodesPerCount` node draws at ε per node. */
const noiseDeviation = (epsilonPerNode: number, nodesPerCount: number) => (cells: number) => {
  const alpha = Math.exp(-epsilonPerNode);
  return Math.sqrt((cells * nodesPerCount * 2 * alpha) / (1 - alpha) ** 2);
};

// Chebyshev for the two-sided margin of a total: P(|Z| ≥ a) ≤ σ²/a².
const chebyshevMargin = (sd: number, confidence: number) => Math.ceil(sd / Math.sqrt(1 - confidence));

/**
 * The margin of error of a sum (or difference) of `cells` published cells, read from a published
 * refresh: their noise is the sum of cells × nodesPerCount independent node draws, so the exact law
 * gives it, as it gives one cell's (release.margin); none before continual release.
 */
export function publishedSumMargin(statistics: StoredStatistics, cells: number): number | undefined {
  const release = statistics.release;
  if (!release) return undefined;
  if (cells <= 1) return release.margin;
  return errorMargin({ numerator: release.budget.epsilonPerNode, denominator: 1 }, cells * release.nodesPerCount, release.confidence);
}

/** Draws one table's counts with their noise, each count named `id/row/column`. */
type NoisyGrid = (id: string, rows: readonly Keyed[], columns: readonly Keyed[], counts: number[][]) => number[][];

/** A row or column of a table: its key is all a snapshot stores (its words are rendered per language). */
type Keyed = { readonly key: string };

interface Drawing {
  kMin: number;
  shape: NoiseShape;
  noisyGrid: NoisyGrid;
}

function withMargin(figure: Figure, margin: number | undefined): Figure {
  return figure.status === 'shown' && margin !== undefined ? { ...figure, margin } : figure;
}

const snakeCase = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

const question = (key: string) => {
  const found = factQuestions.find((q) => q.key === key);
  if (!found) throw new Error(`no question ${key}`);
  return found;
};

/**
 * The version-2 facts the statistics count (DESIGN §5): each by platform, with a "not asked"
 * column for version-1 accounts, and (where `byHalfYear`) by the half-year the work happened.
 * `fact` is the key in accounts.facts; two are derived from a pair of answers (queue-service.ts).
 */
// Each table's title is in the catalogue, statistics:facts.<id>; its answers' labels under their vocabulary's name.
const factTable = <const F extends string, const I extends string>(fact: F, id: I, vocabulary: FactQuestion['answers'], byHalfYear: boolean) => ({
  fact,
  id,
  vocabulary,
  answers: vocabulary.terms,
  byHalfYear,
});
export const FACT_TABLES = [
  factTable('payAgainstAdvertised', 'pay_against_advertised', payAgainstAdvertised, true),
  factTable('unpaidHours', 'unpaid_hours', question('unpaidHours').answers, true),
  factTable('paidShare', 'paid_share', question('paidShare').answers, true),
  factTable('latePay', 'late_pay', question('latePay').answers, false),
  factTable('endedWithoutNotice', 'ended_without_notice', question('endedWithoutNotice').answers, true),
  factTable('rateCut', 'rate_cut', question('rateCut').answers, false),
  factTable('deactivation', 'deactivation', deactivationOutcomes, true),
  factTable('monitoring', 'monitoring', question('monitoring').answers, true),
  // Version 3 (issue 32): by platform only, not by half-year, to keep what one account moves small.
  ...(['aiInterview', 'monitoringTools', 'idVerification', 'toldOfBreach', 'classification', 'payMethod', 'relaunchedLower', 'realClientData', 'complaint', 'trainingPaid'] as const).map(
    (fact) => factTable(fact, snakeCase(fact), question(fact).answers, false),
  ),
] as const;

/** The version of the form that first asked a fact table's question (derived facts: their questions'). */
export function askedSince(fact: string): number {
  return factQuestions.find((q) => q.key === fact)?.since ?? 2;
}

/** Every table a refresh publishes, in order: the names `table=` accepts. */
export const STATISTICS_TABLE_IDS: readonly string[] = [
  'platform_by_pay_band',
  ...conditions.keys.map((k) => `platform_by_${k}`),
  'role_by_task_type',
  'hours_band',
  'platform_by_account_version',
  ...FACT_TABLES.map((f) => `platform_by_${f.id}`),
  ...FACT_TABLES.filter((f) => f.byHalfYear).map((f) => `half_year_by_${f.id}`),
  'location_group',
  'verification_tier',
];

/** Per facet value, how many counted accounts carry it: the basis for public tags. */
export interface FacetTallies {
  accounts: number;
  platforms: Map<string, number>;
  roles: Map<string, number>;
  taskTypes: Map<string, number>;
  conditionsYes: Map<string, number>;
}

type Tally = Map<string, number>;
/** The key of a pair in the in-memory tallies (two facet values). */
export const tallyKey = (a: string, b: string) => `${a}\u0000${b}`;

function grid(rows: readonly Keyed[], columns: readonly Keyed[], tally: Tally): number[][] {
  return rows.map((r) => columns.map((c) => tally.get(tallyKey(r.key, c.key)) ?? 0));
}

/**
 * Counts with this refresh's noise, none negative, summing to their noisy sum. Reading each
 * negative cell as 0 would add about one account to every empty cell (E[max(0, noise)] ≈ 0.96
 * at ε = ½) and inflate the totals built from them; so the cells keep the sum of their noisy
 * values (itself at least 0) and the excess comes off the smallest cells, mostly noise on empty
 * ones. This reads only noisy values, so it spends no privacy.
 */
function noisyCells(counts: readonly number[], noisy: (index: number, count: number) => number): number[] {
  const drawn = counts.map((n, i) => noisy(i, n));
  const cells = drawn.map((v) => Math.max(0, v));
  let excess =
    cells.reduce((a, b) => a + b, 0) -
    Math.max(
      0,
      drawn.reduce((a, b) => a + b, 0),
    );
  while (excess > 0) {
    let smallest = -1;
    cells.forEach((v, i) => {
      if (v > 0 && (smallest === -1 || v < (cells[smallest] ?? 0))) smallest = i;
    });
    cells[smallest] = (cells[smallest] ?? 0) - 1;
    excess--;
  }
  return cells;
}

function tableView(id: string, rows: readonly Keyed[], columns: readonly Keyed[], counts: number[][], kMin: number, shape: NoiseShape = { totalError: () => undefined }): StoredTable {
  const published = suppressSmallCells({ rowKeys: rows.map((r) => r.key), columnKeys: columns.map((c) => c.key), counts }, kMin, shape.afterNoise);
  const R = rows.length;
  const C = columns.length;
  return {
    id,
    rows: rows.map((r) => ({ key: r.key })),
    columns: columns.map((c) => ({ key: c.key })),
    cells: published.cells.map((row) => row.map((f) => withMargin(f, shape.cellError))),
    rowTotals: published.rowTotals.map((f) => withMargin(f, shape.totalError(C))),
    columnTotals: published.columnTotals.map((f) => withMargin(f, shape.totalError(R))),
    total: withMargin(published.total, shape.totalError(R * C)),
  };
}

export type AccountTallies = Awaited<ReturnType<typeof readTallies>>;

/**
 * The raw tallies as the database keeps them (migration 0005: triggers on accounts count
 * every accepted, unwithdrawn account with statistics consent): one read of a few hundred rows.
 */
export async function readTallies(db: Kysely<Database>) {
  const rows = await db.selectFrom('account_tallies').select(['kind', 'a', 'b', 'n']).where('n', '<>', 0).execute();
  const counts = rows.map((row) => ({ ...row, n: Number(row.n) }));
  const pairs = (kind: string): Tally => new Map(counts.filter((r) => r.kind === kind).map((r) => [tallyKey(r.a, r.b), r.n]));
  // Single-facet kinds keep their value in `a` and '' (or the answer, for conditions) in `b`.
  const singles = (kind: string, b = ''): Map<string, number> => new Map(counts.filter((r) => r.kind === kind && r.b === b).map((r) => [r.a, r.n]));
  return {
    platformPay: pairs('platform_pay'),
    platformConditions: pairs('platform_condition'),
    roleTask: pairs('role_task_type'),
    hours: new Map([...singles('hours')].map(([band, n]) => [tallyKey('all', band), n])),
    // Version 2 (migration 0010): accounts by version per platform; facts per platform and per half-year.
    platformVersions: pairs('platform_version'),
    platformFacts: pairs('platform_fact'),
    // Version 3: all accounts by answer (the location table), and by version.
    facts: pairs('fact'),
    versions: singles('version'),
    halfYearFacts: pairs('half_year_fact'),
    // Verification tier (migration 0016): accounts by tier.
    tiers: singles('tier'),
    accounts: singles('accounts').get('') ?? 0,
    facets: {
      platforms: singles('platform'),
      roles: singles('role'),
      taskTypes: singles('task_type'),
      conditionsYes: singles('condition', 'yes'),
      conditionsNo: singles('condition', 'no'),
      conditionsUnsure: singles('condition', 'unsure'),
    },
  };
}

export function facetTallies(t: AccountTallies): FacetTallies {
  return { accounts: t.accounts, platforms: t.facets.platforms, roles: t.facets.roles, taskTypes: t.facets.taskTypes, conditionsYes: t.facets.conditionsYes };
}

/**
 * How many published counts one account can move, each by one: the headline count, a count
 * per platform named, per platform its pay band and its answer to each condition, its role
 * with each task type, its hours band and its answer to each condition overall. ε per
 * refresh is this many times ε per count (the strict bound, for an account that names
 * every platform and task and answers everything). The verification tier adds one: its
 * tier's cell of the one-row tier table, which the headline reads without further noise.
 */
export const COUNTS_ONE_ACCOUNT_MOVES =
  1 +
  platforms.keys.length * (2 + conditions.keys.length) +
  taskTypes.keys.length +
  1 +
  conditions.keys.length +
  // Version 2: per platform named, its version and one column of each fact table (an answer or
  // "not asked"); and its half-year's row of each half-year table.
  platforms.keys.length * (1 + FACT_TABLES.length) +
  FACT_TABLES.filter((f) => f.byHalfYear).length +
  // Version 3: its location's cell of the one-row location table (an answer or "not asked").
  1 +
  1 +
  // Continual release: the noisy counts story tags and attribution labels read (drawFacets), by
  // role and by task type; platforms, conditions and all accounts reuse the headline's counts.
  1 +
  taskTypes.keys.length;

/**
 * The noisy per-facet counts of a refresh, for story tags and attribution labels: the same
 * counts (and so the same noise) as the headline's, plus one per role and per task type. Kept
 * private with the refresh; a tag or label needs `showFrom`, the threshold of a shown figure.
 */
export function drawFacets(t: AccountTallies, noise: CellNoise, showFrom: number, record?: Map<string, number>): NoisyFacets {
  const noisy = (cell: string, count: number): number => {
    record?.set(cell, count);
    return count + noise(cell);
  };
  const each = (keys: readonly string[], cell: (key: string) => string, tally: Map<string, number>) => Object.fromEntries(keys.map((key) => [key, noisy(cell(key), tally.get(key) ?? 0)]));
  return {
    showFrom,
    accounts: noisy('headline/accounts', t.accounts),
    platforms: each(platforms.keys, (p) => `headline/platform/${p}`, t.facets.platforms),
    roles: each(roles.keys, (r) => `facet/role/${r}`, t.facets.roles),
    taskTypes: each(taskTypes.keys, (x) => `facet/task_type/${x}`, t.facets.taskTypes),
    conditionsYes: each(conditions.keys, (c) => `headline/condition/${c}/yes`, t.facets.conditionsYes),
  };
}

/** The facet counts a story's tags and label are decided on: a refresh's noisy ones. */
export function noisyFacetTallies(f: NoisyFacets): FacetTallies {
  // Noise can take a small count below 0; no facet is shared by fewer than no accounts.
  const map = (r: Record<string, number>) => new Map(Object.entries(r).map(([k, v]) => [k, Math.max(0, v)]));
  return { accounts: Math.max(0, f.accounts), platforms: map(f.platforms), roles: map(f.roles), taskTypes: map(f.taskTypes), conditionsYes: map(f.conditionsYes) };
}

export function epsilonSpent(epsilonPerCount: number): { perCount: number; perRefresh: number } {
  return { perCount: epsilonPerCount, perRefresh: epsilonPerCount * COUNTS_ONE_ACCOUNT_MOVES };
}

/** A share published from a row's first cell and its total, under publishedShare's rules. */
function shareFigure(part: Figure, whole: Figure, kMin: number): ShareFigure {
  const share = part.status === 'shown' && whole.status === 'shown' ? publishedShare(part.count ?? 0, whole.count ?? 0, kMin) : null;
  return { share, status: share !== null ? 'shown' : whole.status === 'fewer_than_k' ? 'fewer_than_k' : 'withheld' };
}

/**
 * Accounts by verification tier (issue 18), all platforms together: one row, so that the K_MIN
 * accounts a refresh waits for all land in it and blur the one that changed. Split by platform
 * the tier was not hidden: in a first draft, the adversary of test/unit/differencing.test.ts
 * read a changed target's tier from its platform's row 0.67 of the time (400 pairs, the better of
 * two guesses) against 0.50 from the earlier release alone; few of the other changes share a row.
 */
function tierTable(t: AccountTallies, d: Drawing): StoredTable {
  const allRow: Keyed[] = [{ key: 'all' }];
  return tableView(
    'verification_tier',
    allRow,
    statisticsTiers.terms,
    d.noisyGrid('verification_tier', allRow, statisticsTiers.terms, [statisticsTiers.keys.map((tier) => t.tiers.get(tier) ?? 0)]),
    d.kMin,
    d.shape,
  );
}

/**
 * The headline's verification figure: the tier table's first column and its total (no further
 * noise). In one row a small cell is its column's total, which says `fewer_than_k` where the cell
 * itself is withheld by the group rule.
 */
function verificationHeadline(table: StoredTable, kMin: number): NonNullable<StoredStatistics['headline']['verification']> {
  const column = (tier: (typeof statisticsTiers.keys)[number]) => table.columnTotals[statisticsTiers.keys.indexOf(tier)]!;
  const documentsSeen = column('documents_seen');
  const verifiedEmail = column('verified_email');
  const accounts = table.rowTotals[0]!;
  return { documentsSeen, accounts, share: shareFigure(documentsSeen, accounts, kMin), verifiedEmail, verifiedEmailShare: shareFigure(verifiedEmail, accounts, kMin) };
}

function medianFigure(noisyRow: readonly number[], total: Figure): MedianFigure {
  if (total.status !== 'shown' || total.count === 0) return { band: null, status: total.status };
  // The median reads the row's noisy counts, hidden ones included: only the band is published.
  const index = medianBand(noisyRow, 1);
  return { band: index === null ? null : (payBands.terms[index]?.key ?? null), status: 'shown' };
}

/** The tables of account version 2: accounts by version, and each counted fact by platform and by half-year. */
function version2Tables(t: AccountTallies, d: Drawing, today: Day): StoredTable[] {
  const versionTable = tableView(
    'platform_by_account_version',
    platforms.terms,
    accountVersions.terms,
    d.noisyGrid('platform_by_account_version', platforms.terms, accountVersions.terms, grid(platforms.terms, accountVersions.terms, t.platformVersions)),
    d.kMin,
    d.shape,
  );
  const factTables = FACT_TABLES.map((f) => {
    const columns: Keyed[] = [...f.answers, NOT_ASKED];
    const tally: Tally = new Map();
    for (const platform of platforms.keys) {
      for (const answer of f.answers) tally.set(tallyKey(platform, answer.key), t.platformFacts.get(tallyKey(`${platform}:${f.fact}`, answer.key)) ?? 0);
      // "Not asked": the platform's accounts given on a form older than the question.
      const older = accountVersions.keys.filter((v) => Number(v) < askedSince(f.fact));
      tally.set(
        tallyKey(platform, NOT_ASKED.key),
        older.reduce((n, v) => n + (t.platformVersions.get(tallyKey(platform, v)) ?? 0), 0),
      );
    }
    return tableView(`platform_by_${f.id}`, platforms.terms, columns, d.noisyGrid(`platform_by_${f.id}`, platforms.terms, columns, grid(platforms.terms, columns, tally)), d.kMin, d.shape);
  });
  const halfYears: Keyed[] = halfYearsUpTo(new Date(`${today}T00:00:00Z`)).map((h) => ({ key: h }));
  const halfYearTables = FACT_TABLES.filter((f) => f.byHalfYear).map((f) => {
    const tally: Tally = new Map();
    for (const halfYear of halfYears) {
      for (const answer of f.answers) tally.set(tallyKey(halfYear.key, answer.key), t.halfYearFacts.get(tallyKey(`${halfYear.key}:${f.fact}`, answer.key)) ?? 0);
    }
    return tableView(`half_year_by_${f.id}`, halfYears, f.answers, d.noisyGrid(`half_year_by_${f.id}`, halfYears, f.answers, grid(halfYears, f.answers, tally)), d.kMin, d.shape);
  });

  return [versionTable, ...factTables, ...halfYearTables, locationTable(t, d)];
}

/**
 * Accounts by where the work was done (version 3), all platforms together: a country or a group of
 * US states only, in one row, so that one account moves one count and no platform's line is split by place.
 */
function locationTable(t: AccountTallies, d: Drawing): StoredTable {
  // One column and a row per place (the same single line as a one-row table), so that twelve places fit a page.
  const allColumn: Keyed[] = [{ key: 'all' }];
  const location = question('location');
  const rows: Keyed[] = [...location.answers.keys.map((key) => ({ key })), { key: NOT_ASKED.key }];
  const older = accountVersions.keys.filter((v) => Number(v) < location.since);
  const counts = [...location.answers.keys.map((k) => [t.facts.get(tallyKey('location', k)) ?? 0]), [older.reduce((n, v) => n + (t.versions.get(v) ?? 0), 0)]];
  // Its words are statistics:tables.location_group; its rows' labels vocabulary:locationGroups (statistics-words.ts).
  return tableView('location_group', rows, allColumn, d.noisyGrid('location_group', rows, allColumn, counts), d.kMin, d.shape);
}

/**
 * Draws one refresh of the predefined statistics: every count gets fresh noise, then the
 * disclosure rules run on the noisy counts, and totals, shares and medians come from them.
 */
export function drawStatistics(t: AccountTallies, kMin: number, noise: CellNoise, epsilonPerCount: number, today: Day = todayUtc(), options: DrawOptions = {}): StoredStatistics {
  const noisy = (cell: string, count: number): number => {
    options.record?.set(cell, count);
    return count + noise(cell);
  };
  const shape = noiseShape(options.release);
  // Over the whole table at once: row by row, every empty row would still keep a positive sum.
  const noisyGrid: NoisyGrid = (id, rows, columns, counts) => {
    const width = columns.length;
    const flat = noisyCells(counts.flat(), (i, n) => noisy(`${id}/${rows[Math.floor(i / width)]!.key}/${columns[i % width]!.key}`, n));
    return counts.map((_, r) => flat.slice(r * width, (r + 1) * width));
  };
  const d: Drawing = { kMin, shape, noisyGrid };
  const payCounts = noisyGrid('platform_by_pay_band', platforms.terms, payBands.terms, grid(platforms.terms, payBands.terms, t.platformPay));
  const payTable = tableView('platform_by_pay_band', platforms.terms, payBands.terms, payCounts, kMin, shape);
  payTable.medians = payTable.rowTotals.map((total, i) => medianFigure(payCounts[i] ?? [], total));

  const conditionTables = conditions.terms.map((condition) => {
    const tally: Tally = new Map();
    for (const platform of platforms.keys) {
      for (const answer of conditionAnswers.keys) {
        tally.set(tallyKey(platform, answer), t.platformConditions.get(tallyKey(`${platform}:${condition.key}`, answer)) ?? 0);
      }
    }
    return tableView(
      `platform_by_${condition.key}`,
      platforms.terms,
      conditionAnswers.terms,
      noisyGrid(`platform_by_${condition.key}`, platforms.terms, conditionAnswers.terms, grid(platforms.terms, conditionAnswers.terms, tally)),
      kMin,
      shape,
    );
  });

  const roleTask = tableView(
    'role_by_task_type',
    roles.terms,
    taskTypes.terms,
    noisyGrid('role_by_task_type', roles.terms, taskTypes.terms, grid(roles.terms, taskTypes.terms, t.roleTask)),
    kMin,
    shape,
  );
  const allRow: Keyed[] = [{ key: 'all' }];
  const hours = tableView('hours_band', allRow, hoursBands.terms, noisyGrid('hours_band', allRow, hoursBands.terms, grid(allRow, hoursBands.terms, t.hours)), kMin, shape);

  const showFrom = kMin + (shape.afterNoise?.cellMargin ?? 0);
  const accounts = withMargin(figureOf(Math.max(0, noisy('headline/accounts', t.accounts)), kMin, shape.afterNoise?.cellMargin), shape.cellError);
  const namedByKMin = platforms.keys.filter((p) => noisy(`headline/platform/${p}`, t.facets.platforms.get(p) ?? 0) >= showFrom);
  const shownPlatforms = namedByKMin.length;
  const statistics: StoredStatistics = {
    format: STATISTICS_FORMAT,
    kMin,
    figuresUpdatedOn: today,
    epsilon: epsilonSpent(epsilonPerCount),
    ...(options.release && { release: releaseSummary(options.release, shape) }),
    headline: {
      accounts,
      platforms: accounts.status === 'shown' && (accounts.count ?? 0) > 0 ? { count: shownPlatforms, status: 'shown' } : { count: null, status: 'withheld' },
      conditions: conditions.terms.map((c) => {
        // One row per condition (yes, no, unsure), under the same rules as every table.
        const answers = noisyCells(
          [t.facets.conditionsYes, t.facets.conditionsNo, t.facets.conditionsUnsure].map((m) => m.get(c.key) ?? 0),
          (i, n) => noisy(`headline/condition/${c.key}/${conditionAnswers.keys[i]}`, n),
        );
        const row = suppressSmallCells({ rowKeys: [c.key], columnKeys: [...conditionAnswers.keys], counts: [answers] }, kMin, shape.afterNoise);
        const yes = withMargin(row.cells[0]![0]!, shape.cellError);
        const answered = withMargin(row.rowTotals[0]!, shape.totalError(conditionAnswers.keys.length));
        return { key: c.key, yes, answered, share: shareFigure(yes, answered, kMin) };
      }),
    },
    tables: [payTable, ...conditionTables, roleTask, hours],
  };
  // Drawn after the version-1 figures, so that those take the same noise draws as before version 2.
  statistics.tables.push(...version2Tables(t, d, today));
  // And the verification tier after those, for the same reason.
  const tiers = tierTable(t, d);
  statistics.tables.push(tiers);
  statistics.headline.verification = verificationHeadline(tiers, kMin);
  // The same noisy draws as the headline's count of platforms: which ones, not how many accounts.
  statistics.scorecardPlatforms = statistics.headline.platforms.status === 'shown' ? namedByKMin : [];
  return statistics;
}

/** A refresh's noise, the counts one account moves and the lifetime budget, as published with it. */
function releaseSummary(release: ContinualRelease, shape: NoiseShape): NonNullable<StoredStatistics['release']> {
  return {
    refresh: release.refresh,
    nodesPerCount: release.nodesPerCount,
    confidence: release.confidence,
    showFrom: shape.afterNoise?.cellMargin ?? 0,
    margin: shape.cellError ?? 0,
    budget: {
      epsilonPerNode: release.budget.epsilonPerNode,
      countsPerAccount: release.budget.countsPerAccount,
      levels: release.budget.levels,
      horizonRefreshes: release.budget.horizonRefreshes,
      perCount: release.budget.perCount,
      lifetime: release.budget.lifetime,
      spent: release.spent,
    },
  };
}

/** Reads the tallies and draws a refresh (the benchmark's 1 M-account timing goes through here). */
export async function computeStatistics(db: Kysely<Database>, kMin: number, noise: CellNoise, epsilonPerCount: number, today: Day = todayUtc()) {
  const t = await readTallies(db);
  return { statistics: drawStatistics(t, kMin, noise, epsilonPerCount, today), facets: facetTallies(t) };
}

/** How many counted accounts share an attribution label (by the roles it stands for). */
export function accountsSharingLabel(label: string, facets: FacetTallies): number {
  const covered = attributionRoles[label as keyof typeof attributionRoles];
  if (!covered) return 0;
  if (covered === 'any') return facets.accounts;
  return covered.reduce((sum, role) => sum + (facets.roles.get(role) ?? 0), 0);
}

export function attributionToPublish(label: string, facets: FacetTallies, kMin: number): string {
  const key = publishedAttribution(label, accountsSharingLabel(label, facets), kMin);
  return attributionLabels.has(key) ? key : 'anonymous_contributor';
}
