// Independent checks of published tables (DESIGN §6), shared by the disclosure and statistics
// property tests: the augmented grid of raw counts, and which hidden entries follow from the shown.
import type { PublishedTable } from '../../server/publishing/disclosure.js';
import type { Figure } from '../../server/publishing/schemas.js';

/** Raw augmented grid, (R+1)×(C+1): cells, row totals in the last column, column totals and grand total in the last row. */
export function augmentedRaw(counts: readonly (readonly number[])[], columns: number): number[][] {
  const grid = counts.map((row) => [...row, row.reduce((a, b) => a + b, 0)]);
  const totals = Array.from({ length: columns + 1 }, (_, c) => grid.reduce((a, row) => a + (row[c] ?? 0), 0));
  return [...grid, totals];
}

/** The published table's figures laid out like `augmentedRaw`. */
export function augmentedFigures(p: PublishedTable): Figure[][] {
  return [...p.cells.map((row, r) => [...row, p.rowTotals[r]!]), [...p.columnTotals, p.total]];
}

/** The published table laid out like `augmentedRaw`: shown counts, null where hidden. */
export function augmentedShown(p: PublishedTable): (number | null)[][] {
  return augmentedFigures(p).map((row) => row.map((f) => (f.status === 'shown' ? f.count : null)));
}

/** The lines of an augmented grid: each row, then each column; a line's total is its last entry. */
export function linesOf<T>(grid: readonly (readonly T[])[]): T[][] {
  const columns = grid[0]?.length ?? 0;
  return [...grid.map((row) => [...row]), ...Array.from({ length: columns }, (_, c) => grid.map((row) => row[c]!))];
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

function normalise(row: bigint[]): bigint[] {
  const g = row.reduce((acc, v) => gcd(acc, v), 0n);
  return g > 1n ? row.map((v) => v / g) : row;
}

/**
 * Independent checker: which hidden entries of the augmented grid follow linearly from the shown
 * ones and the additivity equations (each row, column, totals row and totals column sums to its
 * total). Entry j is derivable iff e_j lies in the row space of the equations restricted to the
 * hidden entries; decided by exact fraction-free elimination over bigint.
 */
export function derivableEntries(hidden: boolean[][]): [number, number][] {
  const unknowns: [number, number][] = [];
  hidden.forEach((row, r) => row.forEach((h, c) => h && unknowns.push([r, c])));
  const n = unknowns.length;
  const lastRow = hidden.length - 1;
  const lastCol = (hidden[0]?.length ?? 1) - 1;
  const equations: bigint[][] = [];
  for (let r = 0; r <= lastRow; r++) equations.push(unknowns.map(([ur, uc]) => (ur !== r ? 0n : uc === lastCol ? -1n : 1n)));
  for (let c = 0; c <= lastCol; c++) equations.push(unknowns.map(([ur, uc]) => (uc !== c ? 0n : ur === lastRow ? -1n : 1n)));

  // Reduced row echelon form, fraction-free: each pivot column is zero outside its pivot row.
  const pivots: { row: bigint[]; column: number }[] = [];
  let rows = equations;
  for (let column = 0; column < n; column++) {
    const index = rows.findIndex((row) => row[column] !== 0n);
    if (index === -1) continue;
    const pivotRow = rows[index] as bigint[];
    rows = rows.filter((_, i) => i !== index);
    const eliminate = (row: bigint[]): bigint[] => {
      const factor = row[column] ?? 0n;
      if (factor === 0n) return row;
      const p = pivotRow[column] ?? 1n;
      return normalise(row.map((v, i) => v * p - (pivotRow[i] ?? 0n) * factor));
    };
    rows = rows.map(eliminate);
    for (const pivot of pivots) pivot.row = eliminate(pivot.row);
    pivots.push({ row: pivotRow, column });
  }

  const derivable: [number, number][] = [];
  for (let j = 0; j < n; j++) {
    let v: bigint[] = unknowns.map((_, i) => (i === j ? 1n : 0n));
    for (const { row, column } of pivots) {
      const factor = v[column] ?? 0n;
      if (factor === 0n) continue;
      const p = row[column] ?? 1n;
      v = v.map((x, i) => x * p - (row[i] ?? 0n) * factor);
    }
    if (v.every((x) => x === 0n)) derivable.push(unknowns[j] as [number, number]);
  }
  return derivable;
}
