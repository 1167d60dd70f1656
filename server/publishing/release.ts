// Batch releases (DESIGN §4): approved stories go public together, in random order, dated
// by the batch. Statistics refresh on a fixed public schedule (DESIGN §6, continual release):
// a scheduled refresh is a release of its own when no stories are due; between refreshes every
// release carries the figures over byte for byte. See docs/statistics-continual-release.md.
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { addDays, todayUtc } from '../db/day.js';
import type { Database, Day } from '../db/schema.js';
import { publishedStateChanged } from './cache.js';
import { EPSILON_PER_NODE, epsilonValue, type Epsilon, type NoiseSource } from './noise.js';
import { nodeNoiseSource, prefixNodes, privacyBudget, refreshWithinBudget, spentAfter, TreeNoise, nodeKey, type PrivacyBudget } from './continual-release.js';
import { admitPendingAccounts, shuffle } from './pending-accounts.js';
import { startPeriodicJob, type PeriodicJob } from '../periodic-job.js';
import { appendAuditEntry } from '../audit/log.js';
import { CodedError } from '../../common/errors.js';
import { codedErrorMessage } from '../i18n/error-messages.js';
import { AUDIT_GENESIS_HASH } from '../../common/protocol/digest.js';
import { heldByClock, onClockConfirmed, type ClockGuard } from '../clock/guard.js';
import { transition } from '../../common/workflow.js';
import { samePublication, storyPublication } from './story-publication.js';
import { COUNTS_ONE_ACCOUNT_MOVES, drawFacets, drawStatistics, noisyFacetTallies, readTallies, type FacetTallies } from './statistics.js';
import { STATISTICS_FORMAT, type StoredStatistics } from './schemas.js';
import { keysOnly } from './statistics-words.js';

/** The public schedule: statistics refresh on the first day of every month (a multiple of this many months). */
export const STATISTICS_REFRESH_MONTHS = 1;
/** The horizon the lifetime budget is stated for: five years of monthly refreshes (the tree then covers 63). */
export const STATISTICS_HORIZON_REFRESHES = 60;
/** Confidence that a shown count rests on K_MIN or more accounts, and of every margin of error. */
export const STATISTICS_CONFIDENCE = 0.95;

export interface ReleaseRules {
  kMin: number;
  batchMin: number;
  batchDelayDays: number;
  /** Tests only: a seeded or fixed draw of node noise in place of the CSPRNG-backed one. */
  noise?: NoiseSource;
  /** Tests only: ε per node (a very large ε with `noise: () => 0` is a release without noise, and without margins). */
  epsilonPerNode?: Epsilon;
  /** Months between scheduled refreshes; STATISTICS_REFRESH_MONTHS unless set; 0 (the demo seed's compressed time): every release. */
  refreshEveryMonths?: number;
  /** Refreshes the lifetime budget covers; STATISTICS_HORIZON_REFRESHES unless a test says otherwise. */
  horizonRefreshes?: number;
  /**
   * Whether a scheduled refresh is released on its own when no stories are due (the hourly job
   * and the operator's `npm run release` say yes; otherwise it waits for the next batch of stories).
   */
  refreshWithoutStories?: boolean;
}

/** The lifetime privacy budget per account, from the tree's depth and the counts one account moves. */
export function lifetimeBudget(rules: Pick<ReleaseRules, 'epsilonPerNode' | 'horizonRefreshes'> = {}): PrivacyBudget {
  return privacyBudget(rules.epsilonPerNode ?? EPSILON_PER_NODE, COUNTS_ONE_ACCOUNT_MOVES, rules.horizonRefreshes ?? STATISTICS_HORIZON_REFRESHES);
}

/** The latest scheduled refresh day on or before `today`: the 1st of a month whose number (Jan = 0) is a multiple of `everyMonths`. */
export function lastScheduledDay(today: Day, everyMonths = STATISTICS_REFRESH_MONTHS): Day {
  const [year, month] = today.split('-').map(Number) as [number, number];
  const monthIndex = year * 12 + (month - 1);
  const scheduled = monthIndex - (monthIndex % everyMonths);
  return `${Math.floor(scheduled / 12)}-${String((scheduled % 12) + 1).padStart(2, '0')}-01` as Day;
}

/**
 * Whether a release draws new figures: only on the fixed public schedule, never because of what
 * changed (the timing of a data-dependent refresh is itself information). The first refresh of a
 * deployment is due at once.
 */
export function statisticsRefreshDue(lastRefreshedOn: Day | undefined, today: Day, everyMonths = STATISTICS_REFRESH_MONTHS): boolean {
  return lastRefreshedOn === undefined || everyMonths === 0 || lastRefreshedOn < lastScheduledDay(today, everyMonths);
}

export interface ReleasedBatch {
  id: string;
  sequence: number;
  releasedOn: Day;
  storyCount: number;
  /** Whether this release drew new figures (else they carried over). */
  statisticsRefreshed: boolean;
  /** Why a scheduled refresh was refused (the privacy filter), for the operator; absent otherwise. */
  statisticsRefused?: string;
  statisticsMs: number;
}

export function slugFor(title: string): string {
  const words = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  const suffix = randomUUID().replace(/-/g, '').slice(0, 6);
  return `${words || 'story'}-${suffix}`;
}

type Transaction = Parameters<Parameters<ReturnType<Kysely<Database>['transaction']>['execute']>[0]>[0];

interface DrawnRefresh {
  statistics: StoredStatistics;
}

/**
 * One scheduled refresh by continual release: reads the tallies (the running counts), adds each
 * count's tree noise for this refresh (stored nodes, and one new node per count, drawn once and
 * stored), and records the refresh in the ledger. Refused, with the reason for the operator, when
 * it would take one account's loss past the lifetime budget.
 */
export async function refreshStatistics(trx: Transaction, rules: ReleaseRules, today: Day): Promise<DrawnRefresh | { refused: CodedError<'statistics_budget_exhausted'> }> {
  const last = await trx.selectFrom('statistics_refreshes').select(['sequence', 'tree_refresh']).orderBy('sequence', 'desc').limit(1).executeTakeFirst();
  const previous = await trx
    .selectFrom('statistics_refreshes')
    .select((eb) => eb.fn.max('tree_refresh').as('t'))
    .executeTakeFirst();
  const t = Number(previous?.t ?? 0) + 1;
  const budget = lifetimeBudget(rules);
  if (!refreshWithinBudget(budget, t)) {
    return { refused: new CodedError('statistics_budget_exhausted', { refresh: t, lifetime: budget.lifetime, horizon: budget.horizonRefreshes }) };
  }
  // Where a refresh starts: accounts accepted since the last refresh are counted from now on,
  // all at once and shuffled (publishing/pending-accounts.ts), before the running counts are read.
  await admitPendingAccounts(trx);
  const tallies = await readTallies(trx);
  const nodes = prefixNodes(t);
  const rows = await trx
    .selectFrom('statistics_node_noise')
    .select(['cell', 'level', 'node', 'noise'])
    .where((eb) => eb.or(nodes.map((n) => eb.and([eb('level', '=', n.level), eb('node', '=', n.index)]))))
    .execute();
  const stored = new Map(rows.map((r) => [nodeKey(r.cell, { level: r.level, index: r.node }), r.noise]));
  const epsilonPerNode = rules.epsilonPerNode ?? EPSILON_PER_NODE;
  const tree = new TreeNoise(t, stored, rules.noise ?? nodeNoiseSource(epsilonPerNode));
  const spent = spentAfter(budget, t);
  const release = { refresh: t, nodesPerCount: tree.nodesPerCount, epsilonPerNode, confidence: STATISTICS_CONFIDENCE, budget, spent };
  const statistics = drawStatistics(tallies, rules.kMin, tree.noiseOf, epsilonValue(epsilonPerNode), today, { release });
  const noisyFacets = drawFacets(tallies, tree.noiseOf, rules.kMin + (statistics.release?.showFrom ?? 0));
  const drawn = [...tree.drawn.values()].map((d) => ({ cell: d.cell, level: d.node.level, node: d.node.index, noise: d.noise }));
  // Plain inserts: a node already stored makes the primary key fail the refresh rather than redraw it.
  for (let k = 0; k < drawn.length; k += 1000)
    await trx
      .insertInto('statistics_node_noise')
      .values(drawn.slice(k, k + 1000))
      .execute();
  const changes = Number((await trx.selectFrom('statistics_changes').select('changes').where('id', '=', 1).executeTakeFirst())?.changes ?? 0);
  await trx
    .insertInto('statistics_refreshes')
    .values({
      sequence: (last?.sequence ?? 0) + 1,
      refreshed_on: today,
      epsilon_per_count: release.epsilonPerNode.numerator / release.epsilonPerNode.denominator,
      // What this refresh added to the bound on one account's loss (nothing unless it opened a tree level).
      epsilon_per_refresh: Math.round((spent - spentAfter(budget, t - 1)) * 1000) / 1000,
      changes_at: changes,
      tree_refresh: t,
      nodes_per_count: tree.nodesPerCount,
      noisy_facets: JSON.stringify(noisyFacets),
    })
    .execute();
  return { statistics };
}

/** The noisy facet counts of the latest refresh by continual release, and the threshold they are read with. */
export async function latestNoisyFacets(db: Kysely<Database>): Promise<{ facets: FacetTallies; showFrom: number } | undefined> {
  const row = await db.selectFrom('statistics_refreshes').select('noisy_facets').where('noisy_facets', 'is not', null).orderBy('sequence', 'desc').limit(1).executeTakeFirst();
  return row?.noisy_facets ? { facets: noisyFacetTallies(row.noisy_facets), showFrom: row.noisy_facets.showFrom } : undefined;
}

/** No refresh yet: no facet is shared by anyone, so stories carry no tags and the anonymous label. */
const NO_FACETS: FacetTallies = { accounts: 0, platforms: new Map(), roles: new Map(), taskTypes: new Map(), conditionsYes: new Map() };

/** What story tags and attribution labels are decided on: the latest refresh's noisy counts and the threshold a shown count must reach. */
export async function facetsForStories(db: Kysely<Database>, kMin: number): Promise<{ facets: FacetTallies; showFrom: number }> {
  return (await latestNoisyFacets(db)) ?? { facets: NO_FACETS, showFrom: kMin };
}

/**
 * Releases a batch when its rules are met, or when the schedule says the statistics refresh (a
 * release without stories, then); returns undefined when neither is due.
 */
export async function releaseDueBatch(db: Kysely<Database>, rules: ReleaseRules, today: Day = todayUtc()): Promise<ReleasedBatch | undefined> {
  const released = await db.transaction().execute(async (trx) => {
    // One releaser at a time across instances.
    await sql`lock table batches in share row exclusive mode`.execute(trx);
    const approved = await trx
      .selectFrom('stories')
      .select(['id', 'title', 'attribution_label', 'approved_attribution', 'approved_tags', 'accepted_on', 'role', 'platforms', 'task_types', 'conditions'])
      .where('status', '=', 'approved')
      .execute();
    const oldest = approved.map((s) => s.accepted_on).sort()[0];
    const storiesDue = approved.length >= rules.batchMin && oldest !== undefined && addDays(oldest, rules.batchDelayDays) <= today;

    // Tags and labels from the latest refresh's noisy counts as the second reviewer saw them
    // (before any refresh this release draws), never from exact counts.
    const { facets, showFrom } = await facetsForStories(trx, rules.kMin);

    // The statistics: refreshed when the schedule says so (never because of what changed), with a
    // batch of stories or, where the caller allows, on their own.
    const started = performance.now();
    const lastRefresh = await trx.selectFrom('statistics_refreshes').select('refreshed_on').orderBy('sequence', 'desc').limit(1).executeTakeFirst();
    let refusal: CodedError<'statistics_budget_exhausted'> | undefined;
    let drawn: DrawnRefresh | undefined;
    if ((storiesDue || rules.refreshWithoutStories) && statisticsRefreshDue(lastRefresh?.refreshed_on, today, rules.refreshEveryMonths)) {
      const outcome = await refreshStatistics(trx, rules, today);
      if ('refused' in outcome) refusal = outcome.refused;
      else drawn = outcome;
    }
    const statisticsMs = performance.now() - started;

    let waiting: typeof approved = [];
    let publications = new Map<string, ReturnType<typeof storyPublication>>();
    if (storiesDue) {
      publications = new Map(approved.map((story) => [story.id, storyPublication(story, story.attribution_label, facets, showFrom)]));
      // What the second reviewer approved is what is published: a story that would publish otherwise goes back to review.
      const changed = approved.filter(
        (story) => story.approved_attribution !== null && !samePublication({ attribution: story.approved_attribution, tags: story.approved_tags ?? {} }, publications.get(story.id)!),
      );
      for (const story of changed) {
        await trx
          .updateTable('stories')
          .set({
            status: transition('story', 'approved', 'publication_changed', 'system'),
            review_note: 'At release its attribution or tags would have been published differently from what was approved; review them again.',
          })
          .where('id', '=', story.id)
          .execute();
        await appendAuditEntry(trx, { actor: 'system', action: 'story.returned_at_release', subject: { type: 'story', id: story.id } });
      }
      waiting = approved.filter((story) => !changed.includes(story));
      if (waiting.length < rules.batchMin) waiting = [];
    }
    // Stories returned for review can leave too few; a refresh drawn is released all the same.
    if (waiting.length === 0 && drawn === undefined) return refusal === undefined ? undefined : { refusal };

    // The stored snapshot, byte for byte, unless this release refreshed: the same noise in every format and every release.
    const statistics: StoredStatistics | null = drawn?.statistics ?? (await latestStatistics(trx))?.statistics ?? null;
    const refresh = drawn !== undefined;
    const last = await trx.selectFrom('batches').select(['sequence', 'figures_from', 'figures_updated_on']).orderBy('sequence', 'desc').limit(1).executeTakeFirst();
    const sequence = (last?.sequence ?? 0) + 1;
    // Where the figures come from, for the release pages: this release when it refreshed them, else the one they carried over from.
    const provenance =
      statistics === null
        ? { figures_from: null, figures_updated_on: null }
        : refresh
          ? { figures_from: sequence, figures_updated_on: today }
          : { figures_from: last?.figures_from ?? null, figures_updated_on: last?.figures_updated_on ?? null };
    // The audit log's head, published with the release (issue 26): a later rewrite or truncation shows against it.
    const auditHead = await trx.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
    const batch = {
      id: randomUUID(),
      sequence,
      released_on: today,
      story_count: waiting.length,
      statistics: JSON.stringify(statistics),
      ...provenance,
      audit_head_hash: auditHead ? new Uint8Array(auditHead.hash) : AUDIT_GENESIS_HASH,
      audit_length: auditHead?.seq ?? 0,
    };
    await trx.insertInto('batches').values(batch).execute();
    for (const [position, story] of shuffle(waiting).entries()) {
      await trx
        .updateTable('stories')
        .set({
          status: transition('story', 'approved', 'publish', 'system'),
          batch_id: batch.id,
          batch_position: position,
          published_on: today,
          slug: slugFor(story.title),
          public_tags: JSON.stringify(publications.get(story.id)!.tags),
          published_attribution: publications.get(story.id)!.attribution,
        })
        .where('id', '=', story.id)
        .execute();
    }
    const result: ReleasedBatch = { id: batch.id, sequence: batch.sequence, releasedOn: today, storyCount: waiting.length, statisticsRefreshed: refresh, statisticsMs };
    if (refusal !== undefined) result.statisticsRefused = codedErrorMessage(refusal);
    return { batch: result };
  });
  if (released === undefined) return undefined;
  if ('refusal' in released) throw released.refusal;
  // This instance's pages change at once; others notice within the cache's memo bound.
  publishedStateChanged();
  return released.batch;
}

/**
 * Checks for a due batch at start and then hourly; failures are logged, never thrown. With
 * `clock`, nothing is released (nor dated) while the clock is far from the latest time seen.
 */
export function startReleaseJob(
  db: Kysely<Database>,
  rules: ReleaseRules,
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void; error(obj: object, msg: string): void },
  intervalMs = 60 * 60 * 1000,
  clock?: ClockGuard,
): Pick<PeriodicJob, 'stop'> {
  const job = startPeriodicJob(
    async () => {
      if (await heldByClock(clock, log, 'release')) return;
      // On a trial's every-batch schedule (0) the hourly job refreshes only with stories: alone it would spend the budget hourly.
      const batch = await releaseDueBatch(db, { ...rules, refreshWithoutStories: rules.refreshEveryMonths !== 0 }, todayUtc(clock?.now()));
      if (batch) log.info({ batch: batch.sequence, stories: batch.storyCount, statisticsRefreshed: batch.statisticsRefreshed }, 'released a batch');
      if (batch?.statisticsRefused) log.error({ batch: batch.sequence }, batch.statisticsRefused);
    },
    (err) => log.error({ err }, 'release check failed'),
    intervalMs,
  );
  // An operator's clock:confirm releases what the guard held at once, not an hour later.
  const stopListening = onClockConfirmed(job.runNow);
  return {
    async stop() {
      stopListening();
      await job.stop();
    },
  };
}

function isCurrentSnapshot(value: unknown): value is StoredStatistics {
  return typeof value === 'object' && value !== null && (value as { format?: unknown }).format === STATISTICS_FORMAT;
}

/** The latest batch and its figures; null figures before the first refresh (or from before migration 0006, whose plain nulls could not tell the hidden states apart). */
export async function latestStatistics(db: Kysely<Database>) {
  const row = await db.selectFrom('batches').select(['id', 'sequence', 'released_on', 'statistics']).orderBy('sequence', 'desc').limit(1).executeTakeFirst();
  return row && { batchId: row.id, sequence: row.sequence, releasedOn: row.released_on, statistics: isCurrentSnapshot(row.statistics) ? keysOnly(row.statistics) : null };
}

export interface PrivacyLedger {
  refreshes: { sequence: number; refreshedOn: Day; epsilonPerCount: number; epsilonPerRefresh: number }[];
  totalPerCount: number;
  totalPerRefresh: number;
  /** The lifetime budget per account under continual release. */
  budget: PrivacyBudget;
  /** What one account's loss can have reached under continual release, by the latest refresh. */
  spent: number;
  /** What the refreshes before continual release spent (fresh noise each), strict bound; 0 where there were none. */
  before: number;
}

/** The privacy-loss ledger for /about and the codebook: each refresh, the lifetime budget and what is spent of it. */
export async function privacyLedger(db: Kysely<Database>, rules: Pick<ReleaseRules, 'epsilonPerNode' | 'horizonRefreshes'> = {}): Promise<PrivacyLedger> {
  const rows = await db.selectFrom('statistics_refreshes').select(['sequence', 'refreshed_on', 'epsilon_per_count', 'epsilon_per_refresh', 'tree_refresh']).orderBy('sequence').execute();
  const refreshes = rows.map((r) => ({ sequence: r.sequence, refreshedOn: r.refreshed_on, epsilonPerCount: Number(r.epsilon_per_count), epsilonPerRefresh: Number(r.epsilon_per_refresh) }));
  const round = (x: number) => Math.round(x * 1000) / 1000;
  const sum = (pick: (r: (typeof refreshes)[number]) => number) => round(refreshes.reduce((total, r) => total + pick(r), 0));
  const budget = lifetimeBudget(rules);
  const latestTree = Math.max(0, ...rows.map((r) => r.tree_refresh ?? 0));
  const before = round(rows.filter((r) => r.tree_refresh === null).reduce((total, r) => total + Number(r.epsilon_per_refresh), 0));
  return { refreshes, totalPerCount: sum((r) => r.epsilonPerCount), totalPerRefresh: sum((r) => r.epsilonPerRefresh), budget, spent: spentAfter(budget, latestTree), before };
}
