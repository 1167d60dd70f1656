// The adversary of issue 24, simulated in memory with the server's own continual-release code
// (TreeNoise over stored node noise, the exact geometric sampler): it knows a target's platform
// (and role, which no table below splits by), holds every release, and reads the target's answer
// to one question from the releases before and after the target joined. Only the rows it needs
// are simulated: the target's platform row of the question's table and a second table the same
// answer moves (the headline's overall row for a condition, the half-year row for unpaid hours),
// as raw noisy counts before any suppression or clamping — more than is published, so the
// adversary here is stronger than the real one.
import { TreeNoise, nodeNoiseSource, type TreeNode } from '../../server/publishing/continual-release.js';
import type { Epsilon } from '../../server/publishing/noise.js';
import { seededRandomIntegers, seededUnit } from './seeded-random.js';

/** Share of accounts per platform (eight platforms) and per answer, as the demo draws them. */
const PLATFORM_SHARES = [30, 25, 15, 10, 8, 5, 4, 3];
export const QUESTIONS = {
  pay_band: { answers: [10, 25, 30, 20, 8, 5, 2], second: 0 },
  unpaid_hours: { answers: [30, 30, 20, 12, 8], second: 0.5 },
  disturbing_content: { answers: [6, 3, 1], second: 1 },
  nda_signed: { answers: [6, 3, 1], second: 1 },
} as const;
export type Question = keyof typeof QUESTIONS;

export interface AttackSettings {
  accounts: number;
  targets: number;
  /** null: no noise at all (the control that must win). */
  epsilonPerNode: Epsilon | null;
  seed: string;
  before?: number;
  after?: number;
  /** The flooder's own accounts, accepted then withdrawn at the next refresh, each refresh. */
  floodPerRefresh?: number;
}

export interface AttackResult {
  question: Question;
  baseline: number;
  /** The best of the adversaries, each committing to one guess per target. */
  adversary: number;
  /** Upper end of a 95 % confidence interval of adversary − baseline (paired, normal approximation). */
  gainUpper: number;
}

const normalise = (weights: readonly number[]) => {
  const sum = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => w / sum);
};

function pick(unit: () => number, shares: readonly number[]): number {
  let r = unit();
  for (const [i, s] of shares.entries()) {
    r -= s;
    if (r < 0) return i;
  }
  return shares.length - 1;
}

const argmax = (xs: readonly number[]) => xs.reduce((best, x, i) => (x > xs[best]! ? i : best), 0);

/**
 * One question at one population size. Accounts arrive at N/100 a refresh (about the issue's
 * "10 a week at 2,000" over a month is four times more: fewer arrivals hide the target less).
 */
export function attack(question: Question, settings: AttackSettings): AttackResult {
  const before = settings.before ?? 26;
  const after = settings.after ?? 26;
  const releases = before + after;
  const joined = before + 1;
  const flood = settings.floodPerRefresh ?? 6;
  const arrivals = Math.max(1, Math.round(settings.accounts / 100));
  const { answers: answerWeights, second } = QUESTIONS[question];
  const answerShares = normalise(answerWeights);
  const platformShares = normalise(PLATFORM_SHARES);
  const k = answerShares.length;
  const random = seededRandomIntegers(`${settings.seed} ${question} ${settings.accounts}`);
  const unit = seededUnit(random);
  const draw = settings.epsilonPerNode ? nodeNoiseSource(settings.epsilonPerNode, random) : () => 0;
  // Node noise variance, known to the adversary (the mechanism is public).
  const alpha = settings.epsilonPerNode ? Math.exp(-settings.epsilonPerNode.numerator / settings.epsilonPerNode.denominator) : 0;
  const nodeVariance = settings.epsilonPerNode ? (2 * alpha) / (1 - alpha) ** 2 : 1e-9;
  const scores = { baseline: [] as number[], adversaries: [[], [], []] as number[][] };

  for (let trial = 0; trial < settings.targets; trial++) {
    const platform = pick(unit, platformShares);
    // The target's answer uniformly at random: the platform's proportions alone then guess it
    // 1 time in k, and any gain must come from the releases.
    const answer = Math.floor(unit() * k);
    // Rows: 0 the platform's row, 1 the second table's row (absent for pay). Per refresh, per row
    // and answer, the events of that refresh (the flooder's net zero included at its own refresh).
    const rows = second > 0 ? 2 : 1;
    const rowShare = [platformShares[platform]!, second];
    const events = Array.from({ length: rows }, () => Array.from({ length: releases + 1 }, () => new Array<number>(k).fill(0)));
    // The population, all counted by the first refresh; then arrivals each refresh.
    const arrive = (t: number, n: number) => {
      for (let i = 0; i < n; i++) {
        const a = pick(unit, answerShares);
        for (let r = 0; r < rows; r++) if (unit() < rowShare[r]!) events[r]![t]![a]! += 1;
      }
    };
    arrive(1, settings.accounts);
    for (let t = 2; t <= releases; t++) arrive(t, arrivals);
    for (let r = 0; r < rows; r++) events[r]![joined]![answer]! += 1;
    // The flooder's accounts: its own answers on the target's platform, accepted at t and withdrawn
    // at t + 1; the adversary knows them and subtracts them, so they teach it nothing beyond keeping releases coming.
    const floodEvents = Array.from({ length: releases + 2 }, () => new Array<number>(k).fill(0));
    for (let t = 1; t <= releases; t++) {
      for (let i = 0; i < flood; i++) {
        const a = Math.floor(unit() * k);
        floodEvents[t]![a]! += 1;
        floodEvents[t + 1]![a]! -= 1;
      }
    }
    // The releases, through the server's TreeNoise: node noise drawn once and kept.
    const store = new Map<string, number>();
    const running = Array.from({ length: rows }, () => new Array<number>(k).fill(0));
    const published: number[][][] = []; // [t][row][answer], flooder's known part removed
    for (let t = 1; t <= releases; t++) {
      const tree = new TreeNoise(t, store, draw);
      published[t] = running.map((row, r) =>
        row.map((count, a) => {
          const n = count + events[r]![t]![a]! + (r === 0 ? floodEvents[t]![a]! : 0);
          row[a] = n;
          return n + tree.noiseOf(`${r}/${a}`) - (r === 0 ? floodRunning(floodEvents, t, a) : 0);
        }),
      );
      for (const [key, { noise }] of tree.drawn) store.set(key, noise);
    }

    // Background rate per refresh and cell, which the adversary reads from the releases after the population arrived.
    const rate = (r: number, a: number) => (published[releases]![r]![a]! - published[joined]![r]![a]!) / (releases - joined);
    // Baseline: the platform's most common answer over the releases before the target.
    const meanBefore = (r: number, a: number) => average(Array.from({ length: before }, (_, i) => published[i + 1]![r]![a]!));
    const meanAfter = (r: number, a: number) => average(Array.from({ length: after }, (_, i) => published[joined + i]![r]![a]!));
    const prior = Array.from({ length: k }, (_, a) => Math.max(meanBefore(0, a), 0) + 1);
    scores.baseline.push(argmax(prior) === answer ? 1 : 0);

    // Adversary 1, averaging: the step between the means of 26 releases before and 26 after,
    // less the arrivals expected between them.
    const step = Array.from({ length: k }, (_, a) =>
      Array.from({ length: rows }, (_, r) => meanAfter(r, a) - meanBefore(r, a) - (rate(r, a) * (before + after)) / 2).reduce((x, y) => x + y, 0),
    );
    scores.adversaries[0]!.push(argmax(step) === answer ? 1 : 0);
    // Adversary 2, one difference: the release the target entered, less the one before.
    const jump = Array.from({ length: k }, (_, a) =>
      Array.from({ length: rows }, (_, r) => published[joined]![r]![a]! - published[joined - 1]![r]![a]! - rate(r, a)).reduce((x, y) => x + y, 0),
    );
    scores.adversaries[1]!.push(argmax(jump) === answer ? 1 : 0);
    // Adversary 3, the tree itself: every released node holding the target's refresh is the
    // difference of two releases; weigh each by its variance (noise and arrivals) and combine
    // with the prior into a posterior (Gaussian approximation).
    const nodes = nodesHolding(joined, releases);
    const logPosterior = Array.from({ length: k }, (_, a) => {
      let llr = 0;
      for (let r = 0; r < rows; r++) {
        let weighted = 0;
        let weights = 0;
        for (const node of nodes) {
          const width = 2 ** node.level;
          const start = node.index * width;
          const value = published[start + width]![r]![a]! - (start === 0 ? 0 : published[start]![r]![a]!);
          const expected = rate(r, a) * (start === 0 ? 0 : width); // the first node holds the whole population
          if (start === 0) continue; // its arrivals (the population) swamp one account
          const w = 1 / (nodeVariance + Math.max(rate(r, a), 0.05) * width);
          weighted += w * (value - expected);
          weights += w;
        }
        if (weights > 0) llr += weighted - weights / 2; // log N(e; 1, 1/W) − log N(e; 0, 1/W), times 1
      }
      return llr + Math.log(prior[a]!);
    });
    scores.adversaries[2]!.push(argmax(logPosterior) === answer ? 1 : 0);
  }

  const baseline = average(scores.baseline);
  const best = scores.adversaries.reduce((a, b) => (average(b) > average(a) ? b : a));
  const differences = best.map((x, i) => x - scores.baseline[i]!);
  const gain = average(differences);
  const sd = Math.sqrt(average(differences.map((d) => (d - gain) ** 2)));
  return { question, baseline, adversary: average(best), gainUpper: gain + 1.96 * (sd / Math.sqrt(settings.targets)) };
}

function floodRunning(floodEvents: readonly number[][], t: number, a: number): number {
  let n = 0;
  for (let s = 1; s <= t; s++) n += floodEvents[s]![a]!;
  return n;
}

/** The nodes released by refresh `horizon` that hold refresh s. */
function nodesHolding(s: number, horizon: number): TreeNode[] {
  const nodes: TreeNode[] = [];
  for (let level = 0; 2 ** level <= horizon; level++) {
    const index = Math.floor((s - 1) / 2 ** level);
    if ((index + 1) * 2 ** level <= horizon) nodes.push({ level, index });
  }
  return nodes;
}

const average = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
