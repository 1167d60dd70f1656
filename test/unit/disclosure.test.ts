import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CountTable, figureOf, medianBand, publishedAttribution, publishedCount, publishedShare, suppressSmallCells } from '../../server/publishing/disclosure.js';
import type { Figure } from '../../server/publishing/schemas.js';
import { augmentedFigures, augmentedRaw, augmentedShown, derivableEntries, linesOf } from '../support/disclosure-checks.js';

/** Figures in short: the count when shown, 'F' for fewer_than_k, 'W' for withheld. */
const short = (figures: readonly Figure[]): (number | 'F' | 'W')[] => figures.map((f) => (f.status === 'shown' ? (f.count ?? -1) : f.status === 'fewer_than_k' ? 'F' : 'W'));

const K = 11;

function tableOf(counts: number[][]): CountTable {
  return {
    rowKeys: counts.map((_, r) => `row${r}`),
    columnKeys: (counts[0] ?? []).map((_, c) => `col${c}`),
    counts,
  };
}

const countArb = fc.oneof(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 0, max: 200 }));
const tableArb = fc
  .tuple(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 8 }))
  .chain(([rows, columns]) => fc.array(fc.array(countArb, { minLength: columns, maxLength: columns }), { minLength: rows, maxLength: rows }));
const kArb = fc.integer({ min: 2, max: 20 });

describe('derivability checker (tests the test)', () => {
  it('detects a small cell recovered by subtraction when it is the only one suppressed', () => {
    const hidden = [
      [true, false, false],
      [false, false, false],
      [false, false, false],
    ];
    expect(derivableEntries(hidden)).toEqual([[0, 0]]);
  });

  it('detects a cell suppressed with a partner in its row only', () => {
    const hidden = [
      [true, true, false],
      [false, false, false],
      [false, false, false],
    ];
    expect(derivableEntries(hidden)).toEqual([
      [0, 0],
      [0, 1],
    ]);
  });

  it('detects a cell joining two suppressed blocks although every line has two suppressions', () => {
    // Columns 2 and 3 minus rows 2 and 3 leave exactly entry (0,2).
    const hidden = [
      [true, true, true, false, false],
      [true, true, false, false, false],
      [false, false, true, true, false],
      [false, false, true, true, false],
      [false, false, false, false, false],
    ];
    expect(derivableEntries(hidden)).toEqual([[0, 2]]);
  });

  it('finds nothing derivable in a suppressed rectangle', () => {
    const hidden = [
      [true, true, false],
      [true, true, false],
      [false, false, false],
    ];
    expect(derivableEntries(hidden)).toEqual([]);
  });
});

describe('suppressSmallCells: properties', () => {
  it('shows only raw values resting on 0 or at least kMin accounts', () => {
    fc.assert(
      fc.property(tableArb, kArb, (counts, kMin) => {
        const columns = counts[0]?.length ?? 0;
        const published = suppressSmallCells(tableOf(counts), kMin);
        expect(published.kMin).toBe(kMin);
        expect(published.cells).toHaveLength(counts.length);
        expect(published.columnTotals).toHaveLength(columns);
        const raw = augmentedRaw(counts, columns);
        const shown = augmentedShown(published);
        raw.forEach((row, r) =>
          row.forEach((value, c) => {
            const s = shown[r]?.[c];
            expect(s).not.toBeUndefined();
            if (s === null || s === undefined) return;
            expect(s).toBe(value);
            expect(s === 0 || s >= kMin).toBe(true);
          }),
        );
      }),
      { numRuns: 1000 },
    );
  });

  it('leaves no suppressed non-zero entry derivable from the shown values', () => {
    fc.assert(
      fc.property(tableArb, kArb, (counts, kMin) => {
        const columns = counts[0]?.length ?? 0;
        const raw = augmentedRaw(counts, columns);
        const hidden = augmentedShown(suppressSmallCells(tableOf(counts), kMin)).map((row) => row.map((v) => v === null));
        const leaked = derivableEntries(hidden).filter(([r, c]) => (raw[r]?.[c] ?? 0) > 0);
        expect(leaked).toEqual([]);
      }),
      { numRuns: 1000 },
    );
  });

  it('group rule: a line whose total is 1..kMin−1 shows none of its entries, zeros included', () => {
    fc.assert(
      fc.property(tableArb, kArb, (counts, kMin) => {
        const raw = augmentedRaw(counts, counts[0]?.length ?? 0);
        const figures = augmentedFigures(suppressSmallCells(tableOf(counts), kMin));
        for (const [line, rawLine] of linesOf(figures).map((l, i) => [l, linesOf(raw)[i]!] as const)) {
          const total = rawLine[rawLine.length - 1] ?? 0;
          if (total === 0 || total >= kMin) continue;
          // fewer_than_k, or withheld when it also sits in a small line (a small grand total).
          expect(line[line.length - 1]?.status).not.toBe('shown');
          // Withheld, not "fewer than K": the state itself must not tell zeros from the rest.
          for (const f of line.slice(0, -1)) expect(f.status).toBe('withheld');
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('labels honestly: fewer_than_k only for 1..kMin−1, a count exactly when shown, every small value hidden', () => {
    fc.assert(
      fc.property(tableArb, kArb, (counts, kMin) => {
        const raw = augmentedRaw(counts, counts[0]?.length ?? 0);
        augmentedFigures(suppressSmallCells(tableOf(counts), kMin)).forEach((row, r) =>
          row.forEach((f, c) => {
            const value = raw[r]?.[c] ?? 0;
            expect(f.count === null).toBe(f.status !== 'shown');
            if (f.status === 'fewer_than_k') expect(value > 0 && value < kMin).toBe(true);
            if (value > 0 && value < kMin) expect(f.status).not.toBe('shown');
          }),
        );
      }),
      { numRuns: 1000 },
    );
  });

  it('leaves no entry of a small line derivable, not even a zero, nor known to be zero by a full line (unless its other line is empty)', () => {
    fc.assert(
      fc.property(tableArb, kArb, (counts, kMin) => {
        const raw = augmentedRaw(counts, counts[0]?.length ?? 0);
        const figures = augmentedFigures(suppressSmallCells(tableOf(counts), kMin));
        const inSmall = raw.map((row) => row.map(() => false));
        const rawLines = linesOf(raw);
        linesOf(raw.map((row, r) => row.map((_, c) => [r, c] as const))).forEach((positions, i) => {
          const rawLine = rawLines[i]!;
          const total = rawLine[rawLine.length - 1] ?? 0;
          if (total > 0 && total < kMin) for (const [r, c] of positions.slice(0, -1)) inSmall[r]![c] = true;
        });
        // Except in a line whose total is 0: that shown total already says each entry is 0.
        linesOf(raw.map((row, r) => row.map((_, c) => [r, c] as const))).forEach((positions, i) => {
          const rawLine = rawLines[i]!;
          if ((rawLine[rawLine.length - 1] ?? 0) === 0) for (const [r, c] of positions) inSmall[r]![c] = false;
        });
        const hidden = figures.map((row) => row.map((f) => f.status !== 'shown'));
        expect(derivableEntries(hidden).filter(([r, c]) => inSmall[r]?.[c])).toEqual([]);
        // A shown total equal to its shown entries would tell that the hidden ones are all zero.
        linesOf(figures).forEach((line, i) => {
          const rawLine = rawLines[i]!;
          const totalFigure = line[line.length - 1]!;
          if (totalFigure.status !== 'shown') return;
          const hiddenValues = line.slice(0, -1).flatMap((f, j) => (f.status === 'shown' ? [] : [rawLine[j] ?? 0]));
          if (hiddenValues.length > 0 && hiddenValues.every((v) => v === 0)) {
            const positions = linesOf(raw.map((row, r) => row.map((_, c) => [r, c] as const)))[i]!;
            const smallMembers = positions.slice(0, -1).filter(([r, c], j) => line[j]!.status !== 'shown' && inSmall[r]?.[c]);
            expect(smallMembers).toEqual([]);
          }
        });
      }),
      { numRuns: 1000 },
    );
  });

  it('is deterministic', () => {
    fc.assert(
      fc.property(tableArb, kArb, (counts, kMin) => {
        expect(suppressSmallCells(tableOf(counts), kMin)).toEqual(suppressSmallCells(tableOf(counts), kMin));
      }),
      { numRuns: 500 },
    );
  });
});

describe('suppressSmallCells: examples', () => {
  it('suppresses a 3-account cell and complements in its row and column', () => {
    const counts = [
      [3, 40, 50],
      [30, 60, 70],
      [45, 35, 80],
    ];
    const p = suppressSmallCells(tableOf(counts), K);
    expect(p.cells.map(short)).toEqual([
      ['F', 'W', 50],
      ['W', 'W', 70],
      [45, 35, 80],
    ]);
    // Margins rest on many accounts and equal the raw sums.
    expect(short(p.rowTotals)).toEqual([93, 160, 160]);
    expect(short(p.columnTotals)).toEqual([78, 135, 200]);
    expect(p.total).toEqual({ count: 413, status: 'shown' });
    expect(p.rowKeys).toEqual(['row0', 'row1', 'row2']);
    expect(p.columnKeys).toEqual(['col0', 'col1', 'col2']);
    expect(derivableEntries(augmentedShown(p).map((row) => row.map((v) => v === null)))).toEqual([]);
  });

  it('suppresses nothing when every cell has at least kMin accounts', () => {
    const counts = [
      [11, 40],
      [12, 300],
    ];
    const p = suppressSmallCells(tableOf(counts), K);
    expect(p.cells.map(short)).toEqual(counts);
    expect(p.cells.flat().every((f) => f.status === 'shown')).toBe(true);
    expect(short(p.rowTotals)).toEqual([51, 312]);
    expect(short(p.columnTotals)).toEqual([23, 340]);
    expect(p.total).toEqual({ count: 363, status: 'shown' });
  });

  it('withholds every cell of a row whose total is below kMin, its zero too, and complements them', () => {
    const counts = [
      [2, 3, 0],
      [40, 50, 60],
      [30, 45, 55],
    ];
    const p = suppressSmallCells(tableOf(counts), K);
    expect(p.rowTotals[0]).toEqual({ count: null, status: 'fewer_than_k' });
    // The zero beside a total of 5 would say what those five did not answer.
    expect(short(p.cells[0]!)).toEqual(['W', 'W', 'W']);
    // The small row's total is complemented by the smaller other row total, its cells by row 2.
    expect(short(p.rowTotals)).toEqual(['F', 150, 'W']);
    expect(short(p.cells[2]!)).toEqual(['W', 'W', 'W']);
    expect(short(p.columnTotals)).toEqual([72, 98, 115]);
    expect(p.total).toEqual({ count: 285, status: 'shown' });
    expect(derivableEntries(augmentedShown(p).map((row) => row.map((v) => v === null)))).toEqual([]);
  });

  it('withholds small columns whole and leaves no row whose hidden cells must be zeros', () => {
    // Columns 0 and 1 hold 3 and 8 accounts: all their cells are withheld. Row 2 would then
    // show 40 of 40 in column 2, telling that none of those few accounts is in row 2.
    const counts = [
      [0, 3, 100],
      [3, 5, 100],
      [0, 0, 40],
    ];
    const p = suppressSmallCells(tableOf(counts), K);
    expect(p.cells.map(short)).toEqual([
      ['W', 'W', 'W'],
      ['W', 'W', 100],
      ['W', 'W', 'W'],
    ]);
    expect(short(p.rowTotals)).toEqual([103, 108, 40]);
    expect(short(p.columnTotals)).toEqual(['F', 'F', 240]);
    expect(p.total).toEqual({ count: 251, status: 'shown' });
    expect(derivableEntries(augmentedShown(p).map((row) => row.map((v) => v === null)))).toEqual([]);
  });

  it('shows an all-zero table as zeros', () => {
    const p = suppressSmallCells(
      tableOf([
        [0, 0, 0],
        [0, 0, 0],
      ]),
      K,
    );
    expect(p.cells.map(short)).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(short(p.rowTotals)).toEqual([0, 0]);
    expect(short(p.columnTotals)).toEqual([0, 0, 0]);
    expect(p.total).toEqual({ count: 0, status: 'shown' });
  });

  it('hides a one-row table with a small cell through its mirrored column totals', () => {
    const p = suppressSmallCells(tableOf([[3, 50, 60]]), K);
    expect(p.cells.map(short)).toEqual([['W', 'W', 60]]);
    expect(short(p.columnTotals)).toEqual(['F', 'W', 60]);
    expect(short(p.rowTotals)).toEqual([113]);
    expect(p.total).toEqual({ count: 113, status: 'shown' });
  });

  it('rejects malformed input', () => {
    expect(() => suppressSmallCells(tableOf([[1, -1]]), K)).toThrow(RangeError);
    expect(() => suppressSmallCells(tableOf([[1.5]]), K)).toThrow(RangeError);
    expect(() => suppressSmallCells({ rowKeys: ['a'], columnKeys: ['x', 'y'], counts: [[1]] }, K)).toThrow(RangeError);
    expect(() => suppressSmallCells(tableOf([[1]]), 0)).toThrow(RangeError);
  });
});

describe('medianBand', () => {
  it('returns the band of the middle account for an odd total', () => {
    // 11 accounts: the 6th lies in band 2 (5 in band 1, 6 in band 2).
    expect(medianBand([0, 5, 6, 0], K)).toBe(2);
    expect(medianBand([0, 0, 20], K)).toBe(2);
  });

  it('uses the lower median for an even total', () => {
    // 12 accounts, 6 in each band: the lower median (6th account) is band 0; the upper would be 1.
    expect(medianBand([6, 6], K)).toBe(0);
    expect(medianBand([5, 2, 5], K)).toBe(1);
  });

  it('is null below kMin', () => {
    expect(medianBand([5, 5], K)).toBeNull();
    expect(medianBand([], K)).toBeNull();
    expect(medianBand([0, 0], 1)).toBeNull();
  });

  it('agrees with the lower median of the sorted accounts and splits the mass', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 8 }), kArb, (bands, kMin) => {
        const total = bands.reduce((a, b) => a + b, 0);
        const result = medianBand(bands, kMin);
        if (total < kMin) {
          expect(result).toBeNull();
          return;
        }
        expect(result).not.toBeNull();
        const b = result ?? -1;
        const sorted = bands.flatMap((n, i) => Array.from({ length: n }, () => i));
        expect(b).toBe(sorted[Math.ceil(total / 2) - 1]);
        const atOrBelow = bands.slice(0, b + 1).reduce((a, x) => a + x, 0);
        const atOrAbove = bands.slice(b).reduce((a, x) => a + x, 0);
        expect(2 * atOrBelow).toBeGreaterThanOrEqual(total);
        expect(2 * atOrAbove).toBeGreaterThanOrEqual(total);
      }),
      { numRuns: 500 },
    );
  });
});

describe('publishedShare', () => {
  it('shows shares whose parts are all publishable', () => {
    expect(publishedShare(50, 100, K)).toBe(0.5);
    expect(publishedShare(22, 33, K)).toBe(0.667);
    expect(publishedShare(0, 100, K)).toBe(0);
    expect(publishedShare(100, 100, K)).toBe(1);
    expect(publishedShare(11, 22, K)).toBe(0.5);
  });

  it('hides a share whose complement is a small cell', () => {
    // 95 of 100 said yes: the 5 who said no would be exposed.
    expect(publishedShare(95, 100, K)).toBeNull();
    expect(publishedShare(11, 15, K)).toBeNull();
  });

  it('hides a share with a small numerator or denominator', () => {
    expect(publishedShare(5, 100, K)).toBeNull();
    expect(publishedShare(0, 10, K)).toBeNull();
    expect(publishedShare(10, 10, K)).toBeNull();
    expect(publishedShare(0, 0, K)).toBeNull();
  });

  it('rejects impossible shares', () => {
    expect(() => publishedShare(20, 10, K)).toThrow(RangeError);
    expect(() => publishedShare(-1, 10, K)).toThrow(RangeError);
  });

  it('shown shares rest on publishable parts and are rounded to 3 decimals', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 500 }).chain((d) => fc.tuple(fc.integer({ min: 0, max: d }), fc.constant(d))),
        kArb,
        ([n, d], kMin) => {
          const share = publishedShare(n, d, kMin);
          const publishable = (x: number): boolean => x === 0 || x >= kMin;
          expect(share !== null).toBe(d >= kMin && publishable(n) && publishable(d - n));
          if (share === null) return;
          expect(Math.abs(share - n / d)).toBeLessThanOrEqual(0.0005 + 1e-12);
          expect(Math.round(share * 1000)).toBeCloseTo(share * 1000, 9);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('publishedAttribution', () => {
  it('uses the label only when at least kMin accepted accounts share it', () => {
    expect(publishedAttribution('Anonymous Hollywood writer', 11, K)).toBe('Anonymous Hollywood writer');
    expect(publishedAttribution('Anonymous Hollywood writer', 40, K)).toBe('Anonymous Hollywood writer');
    expect(publishedAttribution('Industry insider', 10, K)).toBe('anonymous_contributor');
    expect(publishedAttribution('Industry insider', 0, K)).toBe('anonymous_contributor');
  });
});

describe('figureOf', () => {
  it('shows 0 and counts of at least kMin; anything between is fewer_than_k with no count', () => {
    expect(figureOf(0, K)).toEqual({ count: 0, status: 'shown' });
    expect(figureOf(4, K)).toEqual({ count: null, status: 'fewer_than_k' });
    expect(figureOf(11, K)).toEqual({ count: 11, status: 'shown' });
  });
});

describe('publishedCount', () => {
  it('shows zero and counts of at least kMin, hides the rest', () => {
    expect(publishedCount(0, K)).toBe(0);
    expect(publishedCount(1, K)).toBeNull();
    expect(publishedCount(10, K)).toBeNull();
    expect(publishedCount(11, K)).toBe(11);
    expect(publishedCount(1234, K)).toBe(1234);
    expect(() => publishedCount(-3, K)).toThrow(RangeError);
  });
});
