// The predefined statistics (DESIGN §6), computed at release from counted accounts and passed
// through disclosure control. Only this snapshot is ever published; there are no free queries.
import type { Kysely } from 'kysely';
import { todayUtc } from '../db/day.js';
import type { Database, Day } from '../db/schema.js';
import {
  attributionLabels,
  attributionRoles,
  conditionAnswers,
  conditions,
  hoursBands,
  payBands,
  platforms,
  roles,
  taskTypes,
  type Term,
} from '../vocabulary.js';
import { medianBand, publishedAttribution, publishedCount, publishedShare, suppressSmallCells } from './disclosure.js';

export interface PublishedTableView {
  id: string;
  title: string;
  description: string;
  rowTitle: string;
  columnTitle: string;
  rows: { key: string; label: string }[];
  columns: { key: string; label: string }[];
  cells: (number | null)[][];
  rowTotals: (number | null)[];
  columnTotals: (number | null)[];
  total: number | null;
  /** Per row, the median band's key (pay tables only); null when fewer than K_MIN. */
  medians?: (string | null)[];
}

export interface PublishedStatistics {
  kMin: number;
  computedOn: Day;
  headline: {
    accounts: number | null;
    platforms: number | null;
    conditions: { key: string; label: string; share: number | null; answered: number | null }[];
  };
  tables: PublishedTableView[];
}

/** Per facet value, how many counted accounts carry it: the basis for public tags. */
export interface FacetTallies {
  accounts: number;
  platforms: Map<string, number>;
  roles: Map<string, number>;
  taskTypes: Map<string, number>;
  conditionsYes: Map<string, number>;
}

type Tally = Map<string, number>;
const key2 = (a: string, b: string) => `${a}\u0000${b}`;

function grid(rows: readonly Term[], columns: readonly Term[], tally: Tally): number[][] {
  return rows.map((r) => columns.map((c) => tally.get(key2(r.key, c.key)) ?? 0));
}

function tableView(
  id: string,
  title: string,
  description: string,
  rowTitle: string,
  columnTitle: string,
  rows: readonly Term[],
  columns: readonly Term[],
  counts: number[][],
  kMin: number,
): PublishedTableView {
  const published = suppressSmallCells({ rowKeys: rows.map((r) => r.key), columnKeys: columns.map((c) => c.key), counts }, kMin);
  return {
    id,
    title,
    description,
    rowTitle,
    columnTitle,
    rows: rows.map((r) => ({ key: r.key, label: r.label })),
    columns: columns.map((c) => ({ key: c.key, label: c.label })),
    cells: published.cells,
    rowTotals: published.rowTotals,
    columnTotals: published.columnTotals,
    total: published.total,
  };
}

/**
 * The raw tallies as the database keeps them (migration 0005: triggers on accounts count
 * every accepted, unwithdrawn account with statistics consent): one read of a few hundred rows.
 */
async function tallies(db: Kysely<Database>) {
  const rows = await db.selectFrom('account_tallies').select(['kind', 'a', 'b', 'n']).where('n', '<>', 0).execute();
  const counts = rows.map((row) => ({ ...row, n: Number(row.n) }));
  const pairs = (kind: string): Tally => new Map(counts.filter((r) => r.kind === kind).map((r) => [key2(r.a, r.b), r.n]));
  // Single-facet kinds keep their value in `a` and '' (or the answer, for conditions) in `b`.
  const singles = (kind: string, b = ''): Map<string, number> =>
    new Map(counts.filter((r) => r.kind === kind && r.b === b).map((r) => [r.a, r.n]));
  return {
    platformPay: pairs('platform_pay'),
    platformConditions: pairs('platform_condition'),
    roleTask: pairs('role_task_type'),
    hours: new Map([...singles('hours')].map(([band, n]) => [key2('all', band), n])),
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

export async function computeStatistics(db: Kysely<Database>, kMin: number, today: Day = todayUtc()): Promise<{ statistics: PublishedStatistics; facets: FacetTallies }> {
  const t = await tallies(db);
  const payCounts = grid(platforms.terms, payBands.terms, t.platformPay);
  const payTable = tableView(
    'platform_by_pay_band',
    'Pay per hour, by platform',
    'Accounts naming each platform, by the pay band they reported. An account naming two platforms counts once for each.',
    'Platform',
    'Pay per hour',
    platforms.terms,
    payBands.terms,
    payCounts,
    kMin,
  );
  payTable.medians = payCounts.map((row) => {
    const index = medianBand(row, kMin);
    return index === null ? null : payBands.terms[index]!.key;
  });

  const conditionTables = conditions.terms.map((condition) => {
    const tally: Tally = new Map();
    for (const platform of platforms.keys) {
      for (const answer of conditionAnswers.keys) {
        tally.set(key2(platform, answer), t.platformConditions.get(key2(`${platform}:${condition.key}`, answer)) ?? 0);
      }
    }
    return tableView(
      `platform_by_${condition.key}`,
      `${condition.label}, by platform`,
      `Answers to “${condition.label}”, by platform. An account naming two platforms counts once for each.`,
      'Platform',
      'Answer',
      platforms.terms,
      conditionAnswers.terms,
      grid(platforms.terms, conditionAnswers.terms, tally),
      kMin,
    );
  });

  const roleTask = tableView(
    'role_by_task_type',
    'Kinds of task, by former role',
    'Accounts by former industry role and the kinds of task they did. An account naming two task types counts once for each.',
    'Former role',
    'Task type',
    roles.terms,
    taskTypes.terms,
    grid(roles.terms, taskTypes.terms, t.roleTask),
    kMin,
  );
  const allRow: Term[] = [{ key: 'all', label: 'All accounts' }];
  const hours = tableView('hours_band', 'Hours per week', 'Accounts by the hours per week they reported.', 'Accounts', 'Hours per week', allRow, hoursBands.terms, grid(allRow, hoursBands.terms, t.hours), kMin);

  const shownPlatforms = platforms.keys.filter((p) => (publishedCount(t.facets.platforms.get(p) ?? 0, kMin) ?? 0) > 0).length;
  const statistics: PublishedStatistics = {
    kMin,
    computedOn: today,
    headline: {
      accounts: publishedCount(t.accounts, kMin),
      platforms: t.accounts >= kMin ? shownPlatforms : null,
      conditions: conditions.terms.map((c) => {
        const yes = t.facets.conditionsYes.get(c.key) ?? 0;
        const answered = yes + (t.facets.conditionsNo.get(c.key) ?? 0) + (t.facets.conditionsUnsure.get(c.key) ?? 0);
        return { key: c.key, label: c.label, share: publishedShare(yes, answered, kMin), answered: publishedCount(answered, kMin) };
      }),
    },
    tables: [payTable, ...conditionTables, roleTask, hours],
  };
  return {
    statistics,
    facets: { accounts: t.accounts, platforms: t.facets.platforms, roles: t.facets.roles, taskTypes: t.facets.taskTypes, conditionsYes: t.facets.conditionsYes },
  };
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
