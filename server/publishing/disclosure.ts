// Disclosure control for published statistics (DESIGN §6): small-cell, group and complementary
// suppression, band medians, shares, attribution labels. Pure: no I/O, no clock, no randomness
// (noise is added before these rules run, so that they apply to the noisy counts).
import type { Figure, FigureStatus, PublishedTableView } from './schemas.js';

/** Raw counts: counts[r][c] = accounts in row r and column c (non-negative integers). */
export interface CountTable {
  rowKeys: readonly string[];
  columnKeys: readonly string[];
  counts: readonly (readonly number[])[];
}

/** A table after the rules: the figures a published table carries, by row and column key. */
export type PublishedTable = Pick<PublishedTableView, 'cells' | 'rowTotals' | 'columnTotals' | 'total'> & {
  rowKeys: string[];
  columnKeys: string[];
  kMin: number;
};

const ANONYMOUS_ATTRIBUTION = 'anonymous_contributor';

function assertKMin(kMin: number): void {
  // A threshold below 1 would make "fewer than K" meaningless; refuse rather than publish everything.
  if (!Number.isSafeInteger(kMin) || kMin < 1) throw new RangeError(`kMin must be a positive integer, got ${kMin}`);
}

function assertCount(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${what} must be a non-negative integer, got ${value}`);
}

/** A value that may be shown on its own: nothing, or at least kMin accounts. */
function isPublishable(value: number, kMin: number): boolean {
  return value === 0 || value >= kMin;
}

/**
 * Publishes a table under three rules, in order. Primary: an entry (cell or margin) resting on
 * 1..kMin−1 accounts is `fewer_than_k`. Group: every other entry of a line (row or column,
 * margins included) whose total is 1..kMin−1 is `withheld`, zeros too — a zero beside a small
 * total tells what the few answered. Complementary: more entries are `withheld` until no line
 * has a lone hidden entry and no hidden entry that matters (non-zero, or in a small line) can
 * be computed from the shown ones.
 */
/**
 * Small-cell rules applied to noisy counts (DESIGN §6, turn 3): an entry is shown only when its
 * noisy value is at least kMin plus a margin, so that a count truly below kMin is shown with
 * probability at most 1 − confidence; zeros included (a noisy 0 says nothing sure). Cells sum
 * one count's noise; totals sum `cells` of them, hence their own, wider margin.
 */
export interface AfterNoise {
  cellMargin: number;
  totalMargin: (cells: number) => number;
}

export function suppressSmallCells(table: CountTable, kMin: number, afterNoise?: AfterNoise): PublishedTable {
  assertKMin(kMin);
  const R = table.rowKeys.length;
  const C = table.columnKeys.length;
  if (table.counts.length !== R) throw new RangeError(`counts has ${table.counts.length} rows, expected ${R}`);

  // Augmented grid, row-major, (R+1)×(C+1): row R holds column totals, column C row totals.
  const W = C + 1;
  const values = new Array<number>((R + 1) * W).fill(0);
  const add = (i: number, v: number): void => {
    values[i] = (values[i] ?? 0) + v;
  };
  for (let r = 0; r < R; r++) {
    const row = table.counts[r];
    if (row === undefined || row.length !== C) throw new RangeError(`row ${r} must have ${C} counts`);
    for (let c = 0; c < C; c++) {
      const v = row[c] ?? 0;
      assertCount(v, `counts[${r}][${c}]`);
      values[r * W + c] = v;
      add(r * W + C, v);
      add(R * W + c, v);
      add(R * W + C, v);
    }
  }
  // The threshold of entry i: kMin, or after noise kMin plus the margin of its kind (cell, row total, column total, total).
  const margin = (i: number): number => {
    if (!afterNoise) return 0;
    const r = Math.floor(i / W);
    const c = i % W;
    if (r < R && c < C) return afterNoise.cellMargin;
    return afterNoise.totalMargin(r < R ? C : c < C ? R : R * C);
  };
  const small = (i: number): boolean => {
    const v = values[i] ?? 0;
    return afterNoise ? v < kMin + margin(i) : v > 0 && v < kMin;
  };

  // Lines of the augmented grid: each row (incl. totals row) and each column (incl. totals
  // column); a line's own total is its last entry.
  const lines: number[][] = [];
  for (let r = 0; r <= R; r++) lines.push(Array.from({ length: W }, (_, c) => r * W + c));
  for (let c = 0; c <= C; c++) lines.push(Array.from({ length: R + 1 }, (_, r) => r * W + c));

  // Primary, then group suppression; an entry hidden by the group rule is withheld even when
  // it is small itself, or its state would tell the small line's zeros from its non-zeros.
  const status = values.map((_, i): FigureStatus => (small(i) ? 'fewer_than_k' : 'shown'));
  const inSmallLine = new Array<boolean>(values.length).fill(false);
  for (const line of lines) {
    const totalEntry = line[line.length - 1]!;
    if (!small(totalEntry)) continue;
    for (const i of line) if (i !== totalEntry) inSmallLine[i] = true;
  }
  inSmallLine.forEach((grouped, i) => {
    if (grouped) status[i] = 'withheld';
  });
  const suppressed = status.map((s) => s !== 'shown');
  // What must not be derivable: any non-zero hidden entry, and anything in a small line —
  // except in a line whose total is 0: its shown total already says every entry is 0.
  const inEmptyLine = new Array<boolean>(values.length).fill(false);
  for (const line of lines) if ((values[line[line.length - 1]!] ?? 0) === 0) for (const i of line) inEmptyLine[i] = true;
  const sensitive = values.map((v, i) => (v > 0 || (inSmallLine[i] ?? false)) && !inEmptyLine[i]);

  const hide = (pick: number | undefined): void => {
    // Unreachable: every line has at least two entries, and each step offers a shown one; fail rather than publish.
    if (pick === undefined) throw new Error('complementary suppression found no candidate');
    suppressed[pick] = true;
    status[pick] = 'withheld';
  };
  // A line with one hidden entry gives it away; that matters only for a sensitive entry.
  const lonely = (line: readonly number[]): boolean => {
    const hidden = line.filter((i) => suppressed[i]);
    return hidden.length === 1 && (sensitive[hidden[0]!] ?? false);
  };
  // A line whose shown total equals its shown entries tells that its hidden entries are all 0
  // (counts are never negative): a small line's members would be revealed by it.
  const zeroRemainder = (line: readonly number[]): boolean => {
    const totalEntry = line[line.length - 1]!;
    if (suppressed[totalEntry]) return false;
    const hidden = line.slice(0, -1).filter((i) => suppressed[i]);
    return hidden.length > 0 && hidden.every((i) => (values[i] ?? 0) === 0) && hidden.some((i) => sensitive[i]);
  };
  for (;;) {
    // Complementary suppression, step 1: no line may have exactly one suppressed entry
    // (otherwise that entry is its line's total minus the shown entries). Rescanning from the
    // first line after each addition lets a complement serve two lines, so fewer get hidden.
    for (let line = lines.find(lonely); line !== undefined; line = lines.find(lonely)) {
      hide(
        cheapestComplement(
          line.filter((i) => !suppressed[i]),
          values,
        ),
      );
    }
    // Step 2: two suppressed entries per line is not enough (e.g. two suppressed blocks joined
    // by one cell); fix every sensitive entry that is still derivable. See `derivableBridge`.
    const bridge = derivableBridge(R, C, sensitive, suppressed);
    if (bridge !== undefined) {
      hide(cheapestComplement(bridge.candidates, values));
      continue;
    }
    // Step 3: hide one more non-zero entry of a line whose hidden entries would be known zeros.
    const line = lines.find(zeroRemainder);
    if (line === undefined) break;
    hide(
      cheapestComplement(
        line.filter((i) => !suppressed[i]),
        values,
      ),
    );
  }

  const figure = (i: number): Figure => {
    const s = status[i] ?? 'withheld';
    return { count: s === 'shown' ? (values[i] ?? 0) : null, status: s };
  };
  return {
    rowKeys: [...table.rowKeys],
    columnKeys: [...table.columnKeys],
    cells: Array.from({ length: R }, (_, r) => Array.from({ length: C }, (_, c) => figure(r * W + c))),
    rowTotals: Array.from({ length: R }, (_, r) => figure(r * W + C)),
    columnTotals: Array.from({ length: C }, (_, c) => figure(R * W + c)),
    total: figure(R * W + C),
    kMin,
  };
}

/** Smallest non-zero candidate (a suppressed zero hides little), else the first zero; ties: lowest index. */
function cheapestComplement(candidates: readonly number[], values: readonly number[]): number | undefined {
  let best: number | undefined;
  let bestValue = Infinity;
  let firstZero: number | undefined;
  for (const i of candidates) {
    const v = values[i] ?? 0;
    if (v === 0) {
      if (firstZero === undefined || i < firstZero) firstZero = i;
    } else if (v < bestValue || (v === bestValue && best !== undefined && i < best)) {
      best = i;
      bestValue = v;
    }
  }
  return best ?? firstZero;
}

/**
 * With margins negated, the augmented grid is a table whose every line sums to zero, so the
 * suppressed entries form a bipartite graph (rows × columns) and an entry is derivable from the
 * shown ones exactly when its edge lies on no cycle, i.e. is a bridge. Returns the first
 * (lowest-index) bridge with a non-zero value, with the unsuppressed entries joining its two
 * sides (suppressing any of them puts the bridge on a cycle). Only sensitive entries count:
 * a derivable zero outside a small line reveals nothing.
 */
function derivableBridge(R: number, C: number, sensitive: readonly boolean[], suppressed: readonly boolean[]): { candidates: number[] } | undefined {
  const W = C + 1;
  const V = R + 1 + W; // vertices: rows 0..R, then columns as R+1+c
  const adjacency: { to: number; entry: number }[][] = Array.from({ length: V }, () => []);
  for (let i = 0; i < suppressed.length; i++) {
    if (!suppressed[i]) continue;
    const r = Math.floor(i / W);
    const col = R + 1 + (i % W);
    adjacency[r]?.push({ to: col, entry: i });
    adjacency[col]?.push({ to: r, entry: i });
  }

  // Tarjan's bridge finding; depth is bounded by the number of vertices (small tables).
  const discovery = new Array<number>(V).fill(-1);
  const low = new Array<number>(V).fill(0);
  const bridges: number[] = [];
  let time = 0;
  const visit = (u: number, viaEntry: number): void => {
    discovery[u] = low[u] = time++;
    for (const { to, entry } of adjacency[u] ?? []) {
      if (entry === viaEntry) continue;
      if ((discovery[to] ?? -1) === -1) {
        visit(to, entry);
        low[u] = Math.min(low[u] ?? 0, low[to] ?? 0);
        if ((low[to] ?? 0) > (discovery[u] ?? 0)) bridges.push(entry);
      } else {
        low[u] = Math.min(low[u] ?? 0, discovery[to] ?? 0);
      }
    }
  };
  for (let u = 0; u < V; u++) if (discovery[u] === -1) visit(u, -1);

  let bridge: number | undefined;
  for (const entry of bridges) if (sensitive[entry] && (bridge === undefined || entry < bridge)) bridge = entry;
  if (bridge === undefined) return undefined;

  // The two sides of the bridge once it is removed.
  const side = (start: number): boolean[] => {
    const seen = new Array<boolean>(V).fill(false);
    const queue = [start];
    seen[start] = true;
    while (queue.length > 0) {
      const u = queue.pop() ?? 0;
      for (const { to, entry } of adjacency[u] ?? []) {
        if (entry === bridge || seen[to]) continue;
        seen[to] = true;
        queue.push(to);
      }
    }
    return seen;
  };
  const rowSide = side(Math.floor(bridge / W));
  const columnSide = side(R + 1 + (bridge % W));
  const candidates: number[] = [];
  for (let i = 0; i < suppressed.length; i++) {
    if (suppressed[i]) continue;
    const r = Math.floor(i / W);
    const col = R + 1 + (i % W);
    if ((rowSide[r] && columnSide[col]) || (columnSide[r] && rowSide[col])) candidates.push(i);
  }
  return { candidates };
}

/**
 * Median of ordered bands (counts per band, lowest first): the band index, or null when fewer
 * than kMin accounts. Uses the lower median: the lowest band with at least half the accounts at
 * or below it (for an even total, the band of the (n/2)-th account).
 */
export function medianBand(countsPerBand: readonly number[], kMin: number): number | null {
  assertKMin(kMin);
  let total = 0;
  for (const [i, n] of countsPerBand.entries()) {
    assertCount(n, `countsPerBand[${i}]`);
    total += n;
  }
  if (total < kMin) return null;
  let cumulative = 0;
  for (const [i, n] of countsPerBand.entries()) {
    cumulative += n;
    if (2 * cumulative >= total) return i;
  }
  return null; // unreachable: total ≥ kMin ≥ 1
}

/**
 * A share (0..1, rounded to 3 decimals) shown only when numerator and denominator are both
 * publishable: denominator ≥ kMin and numerator either 0 or ≥ kMin and (denominator − numerator)
 * either 0 or ≥ kMin (else the complement is a small cell); null otherwise.
 */
export function publishedShare(numerator: number, denominator: number, kMin: number): number | null {
  assertKMin(kMin);
  assertCount(numerator, 'numerator');
  assertCount(denominator, 'denominator');
  if (numerator > denominator) throw new RangeError(`numerator ${numerator} exceeds denominator ${denominator}`);
  if (denominator < kMin) return null;
  if (!isPublishable(numerator, kMin) || !isPublishable(denominator - numerator, kMin)) return null;
  return Math.round((numerator / denominator) * 1000) / 1000;
}

/** The attribution label to publish: the label itself when at least kMin accepted accounts share it, else 'anonymous_contributor'. */
export function publishedAttribution(label: string, accountsSharingLabel: number, kMin: number): string {
  assertKMin(kMin);
  assertCount(accountsSharingLabel, 'accountsSharingLabel');
  return accountsSharingLabel >= kMin ? label : ANONYMOUS_ATTRIBUTION;
}

/**
 * A single count (e.g. a headline figure) as published: shown when 0 or ≥ kMin, else fewer_than_k;
 * after noise (`cellMargin` given), shown only from kMin + cellMargin, zeros included.
 */
export function figureOf(count: number, kMin: number, cellMargin?: number): Figure {
  if (cellMargin !== undefined) return count >= kMin + cellMargin ? { count, status: 'shown' } : { count: null, status: 'fewer_than_k' };
  const shown = publishedCount(count, kMin);
  return shown === null ? { count: null, status: 'fewer_than_k' } : { count: shown, status: 'shown' };
}

/** A single count: itself when 0 or ≥ kMin, else null. */
export function publishedCount(count: number, kMin: number): number | null {
  assertKMin(kMin);
  assertCount(count, 'count');
  return isPublishable(count, kMin) ? count : null;
}
