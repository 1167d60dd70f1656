// Account version 2 in the statistics (DESIGN §5, §6): every new table, drawn from random
// populations of version-1 and version-2 accounts, obeys the disclosure rules, counts exactly
// what it says (version-1 accounts as "not asked", never as "no"), and the scorecard adds
// nothing the tables do not show.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { conditions, factQuestions, NOT_ASKED, platforms } from '../../common/vocabulary.js';
import { countedFacts } from '../../server/moderation/queue-service.js';
import type { PublishedTable } from '../../server/publishing/disclosure.js';
import { EPSILON_PER_COUNT, epsilonValue, geometricNoise } from '../../server/publishing/noise.js';
import { platformColumn, SCORECARD_QUESTIONS, scorecard } from '../../server/publishing/platforms.js';
import { FORM_VERSION_FIRST_ASKED } from '../../common/intake/account.js';
import type { StoredTable as PublishedTableView } from '../../server/publishing/schemas.js';
import { askedSince, drawStatistics, FACT_TABLES, STATISTICS_TABLE_IDS } from '../../server/publishing/statistics.js';
import { augmentedFigures, augmentedRaw, derivableEntries, linesOf } from '../support/disclosure-checks.js';
import { seededRandomIntegers } from '../support/seeded-random.js';
import { talliesOf, type CountedAccount } from '../support/tallies.js';
import { formatHalfYear } from '../../server/i18n/locale-format.js';

const DAY = '2026-06-01';
const EPSILON = epsilonValue(EPSILON_PER_COUNT);
const VERSION_2_TABLES = STATISTICS_TABLE_IDS.filter((id) => id === 'platform_by_account_version' || id === 'location_group' || FACT_TABLES.some((f) => id.endsWith(`_by_${f.id}`)));

// Each question answered or skipped; fast-check's optional keys type their values `string | undefined`.
const answersArb = (version: 2 | 3) =>
  fc.record(Object.fromEntries(factQuestions.filter((q) => q.since <= version).map((q) => [q.key, fc.constantFrom(...q.answers.keys)])) as Record<string, fc.Arbitrary<string>>, {
    requiredKeys: [],
  }) as fc.Arbitrary<Record<string, string>>;
// Few platforms and half-years, so that lines hold both small and large counts.
const accountArb: fc.Arbitrary<CountedAccount> = fc
  .record({
    platforms: fc.subarray(['outlier', 'mercor', 'appen'], { minLength: 1 }),
    payBand: fc.option(fc.constantFrom('under_20', '40_59', 'over_150'), { nil: null }),
    version2: fc.option(
      fc
        .constantFrom(2 as const, 3 as const)
        .chain((version) => fc.record({ version: fc.constant(version), answers: answersArb(version), halfYear: fc.option(fc.constantFrom('2025-H1', '2025-H2', '2026-H1'), { nil: null }) })),
      { nil: null, freq: 3 },
    ),
  })
  .map(({ platforms: named, payBand, version2 }) => ({
    role: null,
    platforms: named,
    taskTypes: [],
    payBand,
    hoursBand: null,
    conditions: {},
    ...(version2 ? { version: version2.version, facts: countedFacts({ facts: version2.answers, payBand: payBand ?? undefined }), halfYear: version2.halfYear } : { version: 1 as const }),
  }));
// Mostly populations around K_MIN per line, now and then a big one.
const populationArb = fc.oneof(fc.array(accountArb, { maxLength: 40 }), fc.array(accountArb, { minLength: 60, maxLength: 160 }));
const kArb = fc.integer({ min: 3, max: 12 });

/** The true count behind one cell, from the accounts themselves (not from the tallies). */
function trueCount(table: PublishedTableView, row: string, column: string, accounts: readonly CountedAccount[]): number {
  if (table.id === 'platform_by_account_version') return accounts.filter((a) => a.platforms.includes(row) && String(a.version ?? 1) === column).length;
  if (table.id === 'location_group') return accounts.filter((a) => (row === NOT_ASKED.key ? (a.version ?? 1) < 3 : a.facts?.location === row)).length;
  const fact = FACT_TABLES.find((f) => table.id.endsWith(`_by_${f.id}`))!.fact;
  if (table.id.startsWith('half_year_by_')) return accounts.filter((a) => a.halfYear === row && a.facts?.[fact] === column).length;
  if (column === NOT_ASKED.key) return accounts.filter((a) => a.platforms.includes(row) && (a.version ?? 1) < askedSince(fact)).length;
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
  it('has a column exactly for the platforms named by at least K_MIN accounts (noise off: their true count)', () => {
    fc.assert(
      fc.property(populationArb, kArb, (accounts, kMin) => {
        const statistics = drawStatistics(talliesOf(accounts), kMin, () => 0, EPSILON, DAY);
        const named = platforms.keys.filter((p) => accounts.filter((a) => a.platforms.includes(p)).length >= kMin);
        const card = scorecard(statistics);
        expect(card.platforms.map((c) => c.key)).toEqual(accounts.length >= kMin ? named : []);
        for (const question of card.questions) expect(question.cells.map((c) => c.platform)).toEqual(card.platforms.map((c) => c.key));
      }),
      { numRuns: 100 },
    );
  });

  it('carries, with noise on, only figures the tables show, and every cell names its platform and question', () => {
    fc.assert(
      fc.property(populationArb, kArb, fc.string(), (accounts, kMin, seed) => {
        const statistics = drawStatistics(talliesOf(accounts), kMin, geometricNoise(EPSILON_PER_COUNT, seededRandomIntegers(seed)), EPSILON, DAY);
        const card = scorecard(statistics);
        expect(card.platforms.map((c) => c.key)).toEqual(statistics.scorecardPlatforms);
        for (const question of card.questions) {
          for (const cell of question.cells) {
            // A cell never carries a count the tables do not show: every number is 0 or at least K_MIN.
            for (const figure of [cell.says, cell.answered]) {
              expect(figure.count === null || figure.count === 0 || figure.count >= kMin, `${question.key} ${cell.platform}`).toBe(true);
              expect(figure.count === null).toBe(figure.status !== 'shown');
            }
            if (cell.state === 'shown') expect(cell.says.status).toBe('shown');
            else expect(cell.says.status !== 'shown' || cell.answered.count === 0).toBe(true);
            expect(cell.text).toContain(platforms.labelOf(cell.platform));
            expect(cell.text).toContain(question.asked);
          }
        }
        for (const key of platforms.keys.filter((k) => !card.platforms.some((p) => p.key === k))) {
          expect(platformColumn(statistics, key).questions.every((q) => q.cell.state === 'platform_fewer_than_k' && q.cell.says.count === null)).toBe(true);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('says "X of N (share)" from the tables, leaving out the not-asked; a platform of older accounts reads "not asked before"', () => {
    const v1: CountedAccount = { role: null, platforms: ['outlier'], taskTypes: [], payBand: null, hoursBand: null, conditions: {} };
    const paid = (paidShare: string): CountedAccount => ({ ...v1, version: 2, facts: { paidShare } });
    const accounts = [
      ...Array.from({ length: 20 }, () => v1),
      ...Array.from({ length: 31 }, () => paid('less_than_half')),
      ...Array.from({ length: 16 }, () => paid('all')),
      ...Array.from({ length: 15 }, () => ({ ...v1, platforms: ['appen' as const] })),
    ];
    const statistics = drawStatistics(talliesOf(accounts), 11, () => 0, EPSILON, DAY);
    const card = scorecard(statistics);
    expect(card.platforms).toEqual([
      { key: 'outlier', label: 'Outlier', accounts: { count: 67, status: 'shown' } },
      { key: 'appen', label: 'Appen', accounts: { count: 15, status: 'shown' } },
    ]);
    const row = card.questions.find((q) => q.key === 'not_paid_all_time')!;
    expect(row.asked).toBe(factQuestions.find((q) => q.key === 'paidShare')!.label);
    expect(row.cells[0]).toMatchObject({ state: 'shown', says: { count: 31, status: 'shown' }, answered: { count: 47, status: 'shown' }, percent: 66, words: '31 of 47 (66 %)' });
    expect(row.cells[0]!.text).toBe('Outlier, “How much of the time you worked was paid” (counting Most of it, About half or Less than half): 31 of 47 (66 %)');
    expect(row.cells[1]).toMatchObject({ state: 'not_asked', words: `not asked before ${formatHalfYear('en', FORM_VERSION_FIRST_ASKED[2])} (15 accounts came before the question)` });
    expect(platformColumn(statistics, 'mercor').hasScorecard).toBe(false);
  });

  it("takes each row's question from the form as it was asked", () => {
    const asked = (key: string) => scorecard(drawStatistics(talliesOf([]), 1, () => 0, EPSILON, DAY)).questions.find((q) => q.key === key);
    expect(SCORECARD_QUESTIONS.length).toBeGreaterThan(0);
    for (const [row, label] of [
      ['ended_without_notice', factQuestions.find((q) => q.key === 'endedWithoutNotice')!.label],
      ['not_told_data_use', conditions.labelOf('told_data_use')],
      ['disturbing_content', conditions.labelOf('disturbing_content')],
      ['monitoring', factQuestions.find((q) => q.key === 'monitoring')!.label],
    ] as const) {
      expect(asked(row)!.asked).toBe(label);
    }
    // Every row reads a published table and counts answers of its question; version 3's say the form's own words.
    for (const row of SCORECARD_QUESTIONS) {
      expect(STATISTICS_TABLE_IDS, row.key).toContain(row.table);
      const fact = FACT_TABLES.find((f) => `platform_by_${f.id}` === row.table);
      if (fact)
        for (const key of row.says)
          expect(
            fact.answers.map((a) => a.key),
            row.key,
          ).toContain(key);
      if (row.since === 3) expect(asked(row.key)!.asked, row.key).toBe(factQuestions.find((q) => q.key === fact!.fact)!.label);
    }
  });
});
