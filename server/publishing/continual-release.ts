// Continual release of the statistics (DESIGN §6, turn 3; docs/statistics-continual-release.md).
//
// Every published count is a running count over a stream: at refresh t, the change of that count
// since refresh t−1 (accounts accepted +1, withdrawn −1). The binary-tree mechanism (Dwork, Naor,
// Pitassi, Rothblum 2010; Chan, Shi, Song 2011) keeps one noise value per count and per dyadic
// node [j·2^l + 1, (j+1)·2^l] of refresh indices, drawn once and stored; refresh t publishes the
// true running count plus the noise of the ≤ ⌊log₂ t⌋+1 nodes that tile [1, t]. (The true node
// sums add up to the running count, so only the noise is stored: the tallies hold the counts.)
// An event at refresh s lies in one node per level, so over a horizon of T refreshes it touches
// at most ⌊log₂ T⌋+1 noisy values, whatever the number of releases: averaging them gains nothing
// beyond that bound. Pure: no I/O; the caller loads and stores the node noise.
import type { Epsilon, NoiseSource } from './noise.js';
import { epsilonValue, twoSidedGeometric } from './noise.js';

/** A node of the tree: level l, index j, covering refreshes j·2^l + 1 … (j+1)·2^l. */
export interface TreeNode {
  level: number;
  index: number;
}

/** The nodes whose sums add up to refreshes 1…t: one per set bit of t, largest first. */
export function prefixNodes(t: number): TreeNode[] {
  if (!Number.isSafeInteger(t) || t < 1) throw new RangeError(`refresh index must be a positive integer, got ${t}`);
  const nodes: TreeNode[] = [];
  let start = 0;
  for (let level = Math.floor(Math.log2(t)); level >= 0; level--) {
    const width = 2 ** level;
    if (start + width <= t) {
      nodes.push({ level, index: start / width });
      start += width;
    }
  }
  return nodes;
}

/** Levels of a tree over `horizon` refreshes: the most nodes one event can lie in. */
export const treeLevels = (horizon: number): number => Math.floor(Math.log2(Math.max(1, horizon))) + 1;

/** The key of one count's node in the store. */
export const nodeKey = (cell: string, node: TreeNode): string => `${cell}\u0000${node.level}\u0000${node.index}`;

/**
 * The noise of refresh t for every count it draws: the stored node noise, and for a node never
 * used before, a fresh draw that is kept (`drawn`) for the caller to store. Never redraws.
 */
export class TreeNoise {
  readonly drawn = new Map<string, { cell: string; node: TreeNode; noise: number }>();
  private readonly nodes: TreeNode[];

  constructor(
    readonly refresh: number,
    private readonly stored: ReadonlyMap<string, number>,
    private readonly draw: NoiseSource,
  ) {
    this.nodes = prefixNodes(refresh);
  }

  /** How many node values each count of this refresh adds up. */
  get nodesPerCount(): number {
    return this.nodes.length;
  }

  /** The noise of one count at this refresh (same cell, same refresh: same value). */
  readonly noiseOf = (cell: string): number => {
    let sum = 0;
    for (const node of this.nodes) {
      const key = nodeKey(cell, node);
      let noise = this.stored.get(key) ?? this.drawn.get(key)?.noise;
      if (noise === undefined) {
        noise = this.draw();
        this.drawn.set(key, { cell, node, noise });
      }
      sum += noise;
    }
    return sum;
  };
}

/** Probability masses of the two-sided geometric law, exp(−ε|x|) normalised, on −range…range. */
function geometricMass(epsilon: Epsilon, range: number): number[] {
  const alpha = Math.exp(-epsilonValue(epsilon));
  const scale = (1 - alpha) / (1 + alpha);
  return Array.from({ length: 2 * range + 1 }, (_, i) => scale * alpha ** Math.abs(i - range));
}

function convolve(a: readonly number[], b: readonly number[]): number[] {
  const out = new Array<number>(a.length + b.length - 1).fill(0);
  for (let i = 0; i < a.length; i++) {
    const ai = a[i]!;
    if (ai < 1e-18) continue;
    for (let j = 0; j < b.length; j++) out[i + j]! += ai * b[j]!;
  }
  return out;
}

const sumLaws = new Map<string, number[]>();

/** The exact law of the sum of `terms` independent draws (index i holds the mass of i − (length−1)/2). */
function sumLaw(epsilon: Epsilon, terms: number): number[] {
  const key = `${epsilon.numerator}/${epsilon.denominator}×${terms}`;
  const known = sumLaws.get(key);
  if (known) return known;
  // Each draw beyond ±range has mass below 1e-15: nothing a margin could notice.
  const range = Math.ceil(35 / epsilonValue(epsilon));
  const one = geometricMass(epsilon, range);
  let law = one;
  for (let i = 1; i < terms; i++) law = convolve(law, one);
  sumLaws.set(key, law);
  return law;
}

/**
 * The one-sided margin q: noise of `terms` node draws exceeds q with probability at most
 * 1 − confidence. A count is shown only when its noisy value is at least K_MIN + q, so a count
 * truly below K_MIN (at most K_MIN − 1) is shown with probability at most 1 − confidence.
 */
export function thresholdMargin(epsilon: Epsilon, terms: number, confidence: number): number {
  const law = sumLaw(epsilon, terms);
  const centre = (law.length - 1) / 2;
  let tail = 0;
  // tail = P(Z ≥ x); find the smallest q with P(Z ≥ q + 1) ≤ 1 − confidence.
  for (let x = law.length - 1; x >= 0; x--) {
    const next = tail + law[x]!;
    if (next > 1 - confidence) return x - centre;
    tail = next;
  }
  return centre;
}

/** The two-sided margin of error m: |noise| ≤ m with probability at least `confidence`. */
export function errorMargin(epsilon: Epsilon, terms: number, confidence: number): number {
  const law = sumLaw(epsilon, terms);
  const centre = (law.length - 1) / 2;
  let inside = law[centre]!;
  for (let m = 0; m < centre; m++) {
    if (inside >= confidence) return m;
    inside += law[centre - m - 1]! + law[centre + m + 1]!;
  }
  return centre;
}

/**
 * The privacy loss one account can cause, in pure ε-differential privacy (losses add up):
 * each of the counts it moves changes at most `eventsPerCount` times (accepted, withdrawn; a tier
 * recorded moves one account from one tier cell to another, still two events per cell), each
 * event lies in at most one node per level, and each node's noise spends ε per node.
 */
export interface PrivacyBudget {
  epsilonPerNode: number;
  countsPerAccount: number;
  eventsPerCount: number;
  /** Refreshes the budget covers: 2^levels − 1. */
  horizonRefreshes: number;
  levels: number;
  /** ε per count (one answer of one account), over the horizon. */
  perCount: number;
  /** ε for everything one account can move, over the horizon. */
  lifetime: number;
}

export const EVENTS_PER_COUNT = 2;

export function privacyBudget(epsilonPerNode: Epsilon, countsPerAccount: number, horizonRefreshes: number): PrivacyBudget {
  const levels = treeLevels(horizonRefreshes);
  const perCount = round3(epsilonValue(epsilonPerNode) * EVENTS_PER_COUNT * levels);
  return {
    epsilonPerNode: epsilonValue(epsilonPerNode),
    countsPerAccount,
    eventsPerCount: EVENTS_PER_COUNT,
    horizonRefreshes: 2 ** levels - 1,
    levels,
    perCount,
    lifetime: round3(perCount * countsPerAccount),
  };
}

/** What one account's loss can have reached after refresh t (only nodes released so far count). */
export function spentAfter(budget: PrivacyBudget, t: number): number {
  return t < 1 ? 0 : round3(budget.epsilonPerNode * budget.eventsPerCount * treeLevels(t) * budget.countsPerAccount);
}

/** The privacy filter: refresh t may be drawn only while the loss it allows stays within the lifetime budget. */
export function refreshWithinBudget(budget: PrivacyBudget, t: number): boolean {
  return t <= budget.horizonRefreshes && spentAfter(budget, t) <= budget.lifetime;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** A seeded or CSPRNG draw of one node's noise at ε per node. */
export const nodeNoiseSource = (epsilon: Epsilon, random?: (maxExclusive: number) => number): NoiseSource =>
  random ? () => twoSidedGeometric(epsilon, random) : () => twoSidedGeometric(epsilon);
