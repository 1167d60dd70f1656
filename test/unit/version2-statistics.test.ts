// Account version 2 in the statistics (DESIGN §5, §6): every new table, drawn from random
// populations of version-1 and version-2 accounts, obeys the disclosure rules, counts exactly
// what it says (version-1 accounts as "not asked", never as "no"), and the scorecard adds
// nothing the tables do not show.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { factQuestions, NOT_ASKED, platforms } from '../../common/vocabulary.js';
import { countedFacts } from '../../server/moderation/queue-service.js';
import type { PublishedTable } from '../../server/publishing/disclosure.js';
import { EPSILON_PER_COUNT, epsilonValue, geometricNoise } from '../../server/publishing/noise.js';
import { platformScorecard, platformScorecards } from '../../server/publishing/platforms.js';
import type { StoredTable as PublishedTableView } from '../../server/publishing/schemas.js';
import { drawStatistics, FACT_TABLES, STATISTICS_TABLE_IDS } from '../../server/publishing/statistics.js';
import { augmentedFigures, augmentedRaw, derivableEntries, linesOf } from '../support/disclosure-checks.js';
import { seededRandomIntegers } from '../support/seeded-random.js';
import { talliesOf, type CountedAccount } from '../support/tallies.js';

const DAY = '2026-06-01';
const EPSILON = epsilonValue(EPSILON_PER_COUNT);
const VERSION_2_TABLES = STATISTICS_TABLE_IDS.filter((id) => id === 'platform_by_account_version' || FACT_TABLES.some((f) => id.endsWith(`_by_${f.id}`)));

// Each question answered or skipped; fast-check's optional keys type their values `string | undefined`.
const answersArb = fc.record(Object.fromEntries(factQuestions.map((q) => [q.key, fc.constantFrom(...q.answers.keys)])) as Record<string, fc.Arbitrary<string>>, {
  requiredKeys: [],
}) as fc.Arbitrary<Record<string, string>>;
// Few platforms and half-years, so that lines hold both small and large counts.
const accountArb: fc.Arbitrary<CountedAccount> = fc
  .record({
    platforms: fc.subarray(['outlier', 'mercor', 'appen'], { minLength: 1 }),
    payBand: fc.option(fc.constantFrom('under_20', '40_59', 'over_150'), { nil: null }),
    version2: fc.option(fc.record({ answers: answersArb, halfYear: fc.option(fc.constantFrom('2025-H1', '2025-H2', '2026-H1'), { nil: null }) }), { nil: null, freq: 3 }),
  })
  .map(({ platforms: named, payBand, version2 }) => ({
    role: null,
    platforms: named,
    taskTypes: [],
    payBand,
    hoursBand: null,
    conditions: {},
    ...(version2
      ? { version: 2 as const, facts: countedFacts({ facts: version2.answers, payBand: payBand ?? undefined }), halfYear: version2.halfYear }
      : { version: 1 as const }),
  }));
// Mostly populations around K_MIN per line, now and then a big one.
const populationArb = fc.oneof(fc.array(accountArb, { maxLength: 40 }), fc.array(accountArb, { minLength: 60, maxLength: 160 }));
const kArb = fc.integer({ min: 3, max: 12 });

/** The true count behind one cell, from the accounts themselves (not from the tallies). */
function trueCount(table: PublishedTableView, row: string, column: string, accounts: readonly CountedAccount[]): number {
  if (table.id === 'platform_by_account_version') return accounts.filter((a) => a.platforms.includes(row) && String(a.version ?? 1) === column).length;
  const fact = FACT_TABLES.find((f) => table.id.endsWith(`_by_${f.id}`))!.fact;
  if (table.id.startsWith('half_year_by_')) return accounts.filter((a) => a.halfYear === row && a.facts?.[fact] === column).length;
  if (column === NOT_ASKED.key) return accounts.filter((a) => a.platforms.includes(row) && (a.version ?? 1) === 1).length;
  return accounts.filter((a) => a.platforms.includes(row) && a.facts?.[fact] === column).length;
}

const rawOf = (table: PublishedTableView, accounts: readonly CountedAccount[]) => table.rows.map((r) => table.columns.map((c) => trueCount(table, r.key, c.key, accounts)));
const asPublished = (table: PublishedTableView, kMin: number): PublishedTable => ({
  rowKeys: table.rows.map((r) => r.key),
  columnKeys: table.columns.map((c) => c.key),
  cells: table.cells,
  rowTotals: table.rowTotals,
  columnTotals: table.columnTotals,
  total: table.total,
  kMin,
});

describe('version-2 tables: disclosure properties (noise off, so that the true counts are known)', () => {
  it('are all published, and each shown entry is its true count, 0 or at least K_MIN', () => {
    fc.assert(
      fc.property(populationArb, kArb, (accounts, kMin) => {
        const statistics = drawStatistics(talliesOf(accounts), kMin, () => 0, EPSILON, DAY);
        expect(statistics.tables.map((t) => t.id)).toEqual(STATISTICS_TABLE_IDS);
        for (const id of VERSION_2_TABLES) {
          const table = statistics.tables.find((t) => t.id === id)!;
          const raw = augmentedRaw(rawOf(table, accounts), table.columns.length);
          augmentedFigures(asPublished(table, kMin)).forEach((row, r) =>
            row.forEach((f, c) => {
              const value = raw[r]![c]!;
              if (f.status === 'shown') {
                expect(f.count).toBe(value);
                expect(value === 0 || value >= kMin).toBe(true);
              }
              if (value > 0 && value < kMin) expect(f.status).not.toBe('shown');
              if (f.status === 'fewer_than_k') expect(value > 0 && value < kMin).toBe(true);
            }),
          );
        }
      }),
      { numRuns: 60 },
    );
  });

  it('leave no hidden non-zero entry, nor any entry of a small line, derivable from the shown ones; small lines show nothing', () => {
    fc.assert(
      fc.property(populationArb, kArb, (accounts, kMin) => {
        const statistics = drawStatistics(talliesOf(accounts), kMin, () => 0, EPSILON, DAY);
        for (const id of VERSION_2_TABLES) {
          const table = statistics.tables.find((t) => t.id === id)!;
          const raw = augmentedRaw(rawOf(table, accounts), table.columns.length);
          const figures = augmentedFigures(asPublished(table, kMin));
          const hidden = figures.map((row) => row.map((f) => f.status !== 'shown'));
          const rawLines = linesOf(raw);
          const positions = linesOf(raw.map((row, r) => row.map((_, c) => [r, c] as const)));
          const inSmall = raw.map((row) => row.map(() => false));
          rawLines.forEach((line, i) => {
            const total = line[line.length - 1]!;
            if (total > 0 && total < kMin) {
              for (const f of linesOf(figures)[i]!.slice(0, -1)) expect(f.status).toBe('withheld');
              for (const [r, c] of positions[i]!.slice(0, -1)) inSmall[r]![c] = true;
            }
          });
          rawLines.forEach((line, i) => {
            if (line[line.length - 1] === 0) for (const [r, c] of positions[i]!) inSmall[r]![c] = false;
          });
          const leaked = derivableEntries(hidden).filter(([r, c]) => raw[r]![c]! > 0 || inSmall[r]![c]);
          expect(leaked).toEqual([]);
        }
      }),
      { numRuns: 80 },
    );
  });

  it('count a version-1 account as "not asked" in every platform table of a version-2 question, never as an answer', () => {
    const v1: CountedAccount = { role: null, platforms: ['outlier'], taskTypes: [], payBand: null, hoursBand: null, conditions: {} };
    const statistics = drawStatistics(talliesOf(Array.from({ length: 12 }, () => v1)), 11, () => 0, EPSILON, DAY);
    const outlier = platforms.keys.indexOf('outlier');
    for (const f of FACT_TABLES) {
      const table = statistics.tables.find((t) => t.id === `platform_by_${f.id}`)!;
      const row = table.cells[outlier]!;
      table.columns.forEach((c, j) => expect(row[j]!.count).toBe(c.key === NOT_ASKED.key ? 12 : 0));
    }
  });
});

describe('the platform scorecard', () => {
  it('exists exactly for the platforms named by at least K_MIN accounts (noise off: their true count)', () => {
    fc.assert(
      fc.property(populationArb, kArb, (accounts, kMin) => {
        const statistics = drawStatistics(talliesOf(accounts), kMin, () => 0, EPSILON, DAY);
        const named = platforms.keys.filter((p) => accounts.filter((a) => a.platforms.includes(p)).length >= kMin);
        expect(platformScorecards(statistics).map((c) => c.key)).toEqual(accounts.length >= kMin ? named : []);
      }),
      { numRuns: 100 },
    );
  });

  it('carries, with noise on, only figures the tables show: every number in a sentence is 0 or at least K_MIN', () => {
    fc.assert(
      fc.property(populationArb, kArb, fc.string(), (accounts, kMin, seed) => {
        const statistics = drawStatistics(talliesOf(accounts), kMin, geometricNoise(EPSILON_PER_COUNT, seededRandomIntegers(seed)), EPSILON, DAY);
        const shownKeys = platformScorecards(statistics).map((c) => c.key);
        expect(shownKeys).toEqual(statistics.scorecardPlatforms);
        platforms.keys.forEach((key) => {
          const card = platformScorecard(statistics, key);
          if (!shownKeys.includes(key)) expect(card.principles).toEqual([]);
          for (const s of card.principles.flatMap((p) => p.statements)) {
            if (s.says.status === 'shown' && (s.answered.count ?? 0) > 0) {
              expect(s.text).toContain(`bout ${s.says.count}`);
              expect(s.answered.status).toBe('shown');
            }
            // A sentence never carries a count the tables do not show: no number 1..K−1 appears.
            for (const n of s.text.match(/\d+/g) ?? []) expect(Number(n) === 0 || Number(n) >= kMin).toBe(true);
          }
        });
      }),
      { numRuns: 100 },
    );
  });

  it('says "about X of about N … that answered say …" from the tables, leaving out the not-asked', () => {
    const v1: CountedAccount = { role: null, platforms: ['outlier'], taskTypes: [], payBand: null, hoursBand: null, conditions: {} };
    const paid = (paidShare: string): CountedAccount => ({ ...v1, version: 2, facts: { paidShare } });
    const accounts = [...Array.from({ length: 20 }, () => v1), ...Array.from({ length: 31 }, () => paid('less_than_half')), ...Array.from({ length: 16 }, () => paid('all'))];
    const statistics = drawStatistics(talliesOf(accounts), 11, () => 0, EPSILON, DAY);
    const card = platformScorecard(statistics, 'outlier');
    expect(card.accounts).toEqual({ count: 67, status: 'shown' });
    const statement = card.principles.find((p) => p.key === 'paid_for_all_work')!.statements.find((s) => s.key === 'not_paid_all_time')!;
    expect(statement.text).toBe('About 31 of about 47 accounts about Outlier that answered say they were not paid for all the time they worked.');
    expect(platformScorecard(statistics, 'mercor').principles).toEqual([]);
  });
});
