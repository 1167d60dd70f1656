// Batch releases (DESIGN §4): approved stories go public together, in random order, dated
// by the batch. Statistics refresh only here, and only when enough has changed (DESIGN §6):
// otherwise the batch carries the previous figures over unchanged, so that comparing two
// releases never isolates a few accounts.
import { randomInt, randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { addDays, todayUtc } from '../db/day.js';
import type { Database, Day } from '../db/schema.js';
import { publishedStateChanged } from './cache.js';
import { EPSILON_PER_COUNT, epsilonValue, geometricNoise, type NoiseSource } from './noise.js';
import { appendAuditEntry } from '../audit/log.js';
import { startPeriodicJob, type PeriodicJob } from '../periodic-job.js';
import { STORY_STATUS_WHEN_PUBLICATION_WOULD_CHANGE } from '../../common/workflow.js';
import { samePublication, storyPublication } from './story-publication.js';
import { drawStatistics, facetTallies, readTallies } from './statistics.js';
import { STATISTICS_FORMAT, type PublishedStatistics } from './schemas.js';

/**
 * At most one refresh a week: with ε per refresh fixed, this bounds how fast the privacy loss
 * can grow (at most 52 refreshes a year), whatever the pace of acceptances and withdrawals.
 */
export const STATISTICS_REFRESH_MIN_DAYS = 7;

export interface ReleaseRules {
  kMin: number;
  batchMin: number;
  batchDelayDays: number;
  /** Tests only: a seeded or fixed noise source in place of the CSPRNG-backed one. */
  noise?: NoiseSource;
  /** Days between refreshes; STATISTICS_REFRESH_MIN_DAYS unless a test or the demo seed says otherwise. */
  refreshMinDays?: number;
}

export interface LastRefresh {
  refreshedOn: Day;
  changesAt: number;
}

/**
 * Whether a release draws new figures: only once at least kMin counted accounts have been
 * added or withdrawn since the last refresh, and a week has passed since it. Otherwise the
 * difference between two releases would be the answers of the few accounts that changed.
 */
export function statisticsRefreshDue(last: LastRefresh | undefined, changes: number, kMin: number, today: Day, minDays = STATISTICS_REFRESH_MIN_DAYS): boolean {
  if (changes - (last?.changesAt ?? 0) < kMin) return false;
  return last === undefined || addDays(last.refreshedOn, minDays) <= today;
}

export interface ReleasedBatch {
  id: string;
  sequence: number;
  releasedOn: Day;
  storyCount: number;
  /** Whether this release drew new figures (else they carried over). */
  statisticsRefreshed: boolean;
  statisticsMs: number;
}

/** Fisher–Yates with cryptographic randomness: the order must not hint at acceptance order. */
function shuffle<T>(items: T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
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

/** Releases a batch when its rules are met; returns undefined when none is due. */
export async function releaseDueBatch(db: Kysely<Database>, rules: ReleaseRules, today: Day = todayUtc()): Promise<ReleasedBatch | undefined> {
  const released = await db.transaction().execute(async (trx) => {
    // One releaser at a time across instances.
    await sql`lock table batches in share row exclusive mode`.execute(trx);
    const approved = await trx
      .selectFrom('stories')
      .innerJoin('accounts', 'accounts.id', 'stories.account_id')
      .select([
        'stories.id',
        'stories.title',
        'stories.attribution_label',
        'stories.approved_attribution',
        'stories.approved_tags',
        'accounts.accepted_on',
        'accounts.role',
        'accounts.platforms',
        'accounts.task_types',
        'accounts.conditions',
      ])
      .where('stories.status', '=', 'approved')
      .where('accounts.withdrawn_on', 'is', null)
      .execute();
    if (approved.length < rules.batchMin) return undefined;
    const oldest = approved.map((s) => s.accepted_on).sort()[0]!;
    if (addDays(oldest, rules.batchDelayDays) > today) return undefined;

    const started = performance.now();
    const tallies = await readTallies(trx);
    const facets = facetTallies(tallies);
    const publications = new Map(approved.map((story) => [story.id, storyPublication(story, story.attribution_label, facets, rules.kMin)]));
    // What the second reviewer approved is what is published: a story that would publish otherwise goes back to review.
    const changed = approved.filter(
      (story) =>
        story.approved_attribution !== null &&
        !samePublication({ attribution: story.approved_attribution, tags: story.approved_tags ?? {} }, publications.get(story.id)!),
    );
    for (const story of changed) {
      await trx
        .updateTable('stories')
        .set({
          status: STORY_STATUS_WHEN_PUBLICATION_WOULD_CHANGE,
          review_note: 'At release its attribution or tags would have been published differently from what was approved; review them again.',
        })
        .where('id', '=', story.id)
        .execute();
      await appendAuditEntry(trx, { actor: 'system', action: 'story.returned_at_release', subject: { type: 'story', id: story.id } });
    }
    const waiting = approved.filter((story) => !changed.includes(story));
    if (waiting.length < rules.batchMin) return undefined;
    const changes = Number((await trx.selectFrom('statistics_changes').select('changes').where('id', '=', 1).executeTakeFirst())?.changes ?? 0);
    const lastRefresh = await trx.selectFrom('statistics_refreshes').selectAll().orderBy('sequence', 'desc').limit(1).executeTakeFirst();
    const refresh = statisticsRefreshDue(lastRefresh && { refreshedOn: lastRefresh.refreshed_on, changesAt: Number(lastRefresh.changes_at) }, changes, rules.kMin, today, rules.refreshMinDays);
    let statistics: PublishedStatistics | null;
    if (refresh) {
      const epsilon = epsilonValue(EPSILON_PER_COUNT);
      statistics = drawStatistics(tallies, rules.kMin, rules.noise ?? geometricNoise(EPSILON_PER_COUNT), epsilon, today);
      await trx
        .insertInto('statistics_refreshes')
        .values({
          sequence: (lastRefresh?.sequence ?? 0) + 1,
          refreshed_on: today,
          epsilon_per_count: statistics.epsilon.perCount,
          epsilon_per_refresh: statistics.epsilon.perRefresh,
          changes_at: changes,
        })
        .execute();
    } else {
      // The stored snapshot, byte for byte: the same noise in every format and every release.
      statistics = (await latestStatistics(trx))?.statistics ?? null;
    }
    const statisticsMs = performance.now() - started;
    const last = await trx.selectFrom('batches').select(['sequence', 'figures_from', 'figures_updated_on']).orderBy('sequence', 'desc').limit(1).executeTakeFirst();
    const sequence = (last?.sequence ?? 0) + 1;
    // Where the figures come from, for the release pages: this release when it refreshed them, else the one they carried over from.
    const provenance =
      statistics === null ? { figures_from: null, figures_updated_on: null }
      : refresh ? { figures_from: sequence, figures_updated_on: today }
      : { figures_from: last?.figures_from ?? null, figures_updated_on: last?.figures_updated_on ?? null };
    const batch = { id: randomUUID(), sequence, released_on: today, story_count: waiting.length, statistics: JSON.stringify(statistics), ...provenance };
    await trx.insertInto('batches').values(batch).execute();
    for (const [position, story] of shuffle(waiting).entries()) {
      await trx
        .updateTable('stories')
        .set({
          status: 'published',
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
    return { id: batch.id, sequence: batch.sequence, releasedOn: today, storyCount: waiting.length, statisticsRefreshed: refresh, statisticsMs };
  });
  // This instance's pages change at once; others notice within the cache's memo bound.
  if (released) publishedStateChanged();
  return released;
}

/** Checks for a due batch at start and then hourly; failures are logged, never thrown. */
export function startReleaseJob(
  db: Kysely<Database>,
  rules: ReleaseRules,
  log: { info(obj: object, msg: string): void; error(obj: object, msg: string): void },
  intervalMs = 60 * 60 * 1000,
): PeriodicJob {
  return startPeriodicJob(
    async () => {
      const batch = await releaseDueBatch(db, rules);
      if (batch) log.info({ batch: batch.sequence, stories: batch.storyCount }, 'released a batch');
    },
    intervalMs,
    (err) => log.error({ err }, 'release check failed'),
  );
}

function isCurrentSnapshot(value: unknown): value is PublishedStatistics {
  return typeof value === 'object' && value !== null && (value as { format?: unknown }).format === STATISTICS_FORMAT;
}

/** The latest batch and its figures; null figures before the first refresh (or from before migration 0006, whose plain nulls could not tell the hidden states apart). */
export async function latestStatistics(db: Kysely<Database>) {
  const row = await db.selectFrom('batches').select(['id', 'sequence', 'released_on', 'statistics']).orderBy('sequence', 'desc').limit(1).executeTakeFirst();
  return row && { batchId: row.id, sequence: row.sequence, releasedOn: row.released_on, statistics: isCurrentSnapshot(row.statistics) ? row.statistics : null };
}

export interface PrivacyLedger {
  refreshes: { sequence: number; refreshedOn: Day; epsilonPerCount: number; epsilonPerRefresh: number }[];
  totalPerCount: number;
  totalPerRefresh: number;
}

/** The privacy-loss ledger for /about: ε per refresh, and the running totals (losses add up). */
export async function privacyLedger(db: Kysely<Database>): Promise<PrivacyLedger> {
  const rows = await db.selectFrom('statistics_refreshes').select(['sequence', 'refreshed_on', 'epsilon_per_count', 'epsilon_per_refresh']).orderBy('sequence').execute();
  const refreshes = rows.map((r) => ({ sequence: r.sequence, refreshedOn: r.refreshed_on, epsilonPerCount: Number(r.epsilon_per_count), epsilonPerRefresh: Number(r.epsilon_per_refresh) }));
  const sum = (pick: (r: (typeof refreshes)[number]) => number) => Math.round(refreshes.reduce((total, r) => total + pick(r), 0) * 1000) / 1000;
  return { refreshes, totalPerCount: sum((r) => r.epsilonPerCount), totalPerRefresh: sum((r) => r.epsilonPerRefresh) };
}
