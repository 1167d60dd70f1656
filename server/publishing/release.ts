// Batch releases (DESIGN §4): approved stories go public together, in random order, dated
// by the batch; statistics are recomputed only here, so no number moves on a single decision.
import { randomInt, randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { todayUtc } from '../db/day.js';
import type { Database, Day, PublicTags } from '../db/schema.js';
import { addDays } from '../moderation/retention.js';
import { publishedStateChanged } from './cache.js';
import { publishedCount } from './disclosure.js';
import { attributionToPublish, computeStatistics, type FacetTallies, type PublishedStatistics } from './statistics.js';

export interface ReleaseRules {
  kMin: number;
  batchMin: number;
  batchDelayDays: number;
}

export interface ReleasedBatch {
  id: string;
  sequence: number;
  releasedOn: Day;
  storyCount: number;
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

function shared(values: readonly string[] | undefined, tally: Map<string, number>, kMin: number): string[] {
  return (values ?? []).filter((v) => (publishedCount(tally.get(v) ?? 0, kMin) ?? 0) > 0);
}

export function publicTagsFor(
  account: { role: string | null; platforms: string[]; task_types: string[]; conditions: Record<string, string> },
  facets: FacetTallies,
  kMin: number,
): PublicTags {
  return {
    platforms: shared(account.platforms, facets.platforms, kMin),
    roles: shared(account.role ? [account.role] : [], facets.roles, kMin),
    taskTypes: shared(account.task_types, facets.taskTypes, kMin),
    conditions: shared(
      Object.entries(account.conditions).filter(([, answer]) => answer === 'yes').map(([condition]) => condition),
      facets.conditionsYes,
      kMin,
    ),
  };
}

/** Releases a batch when its rules are met; returns undefined when none is due. */
export async function releaseDueBatch(db: Kysely<Database>, rules: ReleaseRules, today: Day = todayUtc()): Promise<ReleasedBatch | undefined> {
  const released = await db.transaction().execute(async (trx) => {
    // One releaser at a time across instances.
    await sql`lock table batches in share row exclusive mode`.execute(trx);
    const waiting = await trx
      .selectFrom('stories')
      .innerJoin('accounts', 'accounts.id', 'stories.account_id')
      .select(['stories.id', 'stories.title', 'stories.attribution_label', 'accounts.accepted_on', 'accounts.role', 'accounts.platforms', 'accounts.task_types', 'accounts.conditions'])
      .where('stories.status', '=', 'approved')
      .where('accounts.withdrawn_on', 'is', null)
      .execute();
    if (waiting.length < rules.batchMin) return undefined;
    const oldest = waiting.map((s) => s.accepted_on).sort()[0]!;
    if (addDays(oldest, rules.batchDelayDays) > today) return undefined;

    const started = performance.now();
    const { statistics, facets } = await computeStatistics(trx, rules.kMin, today);
    const statisticsMs = performance.now() - started;
    const last = await trx.selectFrom('batches').select((eb) => eb.fn.max('sequence').as('sequence')).executeTakeFirst();
    const batch = { id: randomUUID(), sequence: Number(last?.sequence ?? 0) + 1, released_on: today, story_count: waiting.length, statistics: JSON.stringify(statistics) };
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
          public_tags: JSON.stringify(publicTagsFor(story, facets, rules.kMin)),
          published_attribution: attributionToPublish(story.attribution_label, facets, rules.kMin),
        })
        .where('id', '=', story.id)
        .execute();
    }
    return { id: batch.id, sequence: batch.sequence, releasedOn: today, storyCount: waiting.length, statisticsMs };
  });
  // This instance's pages change at once; others notice within the cache's memo bound.
  if (released) publishedStateChanged();
  return released;
}

export interface DailyRelease {
  stop(): Promise<void>;
}

/** Checks for a due batch at start and then hourly; failures are logged, never thrown. */
export function startReleaseJob(
  db: Kysely<Database>,
  rules: ReleaseRules,
  log: { info(obj: object, msg: string): void; error(obj: object, msg: string): void },
  intervalMs = 60 * 60 * 1000,
): DailyRelease {
  let running: Promise<void> | undefined;
  const check = () => {
    if (running) return;
    running = releaseDueBatch(db, rules)
      .then((batch) => {
        if (batch) log.info({ batch: batch.sequence, stories: batch.storyCount }, 'released a batch');
      })
      .catch((err: unknown) => log.error({ err }, 'release check failed'))
      .finally(() => {
        running = undefined;
      });
  };
  check();
  const timer = setInterval(check, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

export async function latestStatistics(db: Kysely<Database>) {
  const row = await db.selectFrom('batches').select(['id', 'sequence', 'released_on', 'statistics']).orderBy('sequence', 'desc').limit(1).executeTakeFirst();
  return row && { batchId: row.id, sequence: row.sequence, releasedOn: row.released_on, statistics: row.statistics as PublishedStatistics };
}
