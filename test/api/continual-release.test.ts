// Continual release on a real database (issue 24): republishing without a refresh is byte-identical,
// stored node noise is never redrawn (after a restart too), the lifetime budget is on /about and in
// every codebook, and the privacy filter refuses a refresh past it with words for the operator.
// Runs on PGlite by default and on Postgres when DATABASE_URL is set.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { openDatabase } from '../../server/db/database.js';
import { migrateToLatest } from '../../server/db/migrator.js';
import type { Database } from '../../server/db/schema.js';
import { prefixNodes } from '../../server/publishing/continual-release.js';
import { lifetimeBudget, releaseDueBatch } from '../../server/publishing/release.js';
import { todayUtc } from '../../server/db/day.js';
import { COUNTS_ONE_ACCOUNT_MOVES } from '../../server/publishing/statistics.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { openTestDatabase, type TestDatabase } from '../support/database.js';
import { enrolAdminAndModerator, type TestModerator } from '../support/moderation.js';
import { approvedStory, firstOfMonthAfter, insertStatisticsAccounts } from '../support/publishing.js';
import { CodedError } from '../../common/errors.js';

const ORIGIN = 'http://127.0.0.1:3000';
const RULES = { kMin: 11, batchMin: 3, batchDelayDays: 0 };
// For the restart: three scheduled months, refreshes 1, 2 and 3.
const JUNE = '2026-06-01';
const JULY = '2026-07-02';
const AUGUST = '2026-08-01';
// For the pages: stories are accepted today, so releases fall today (refresh 1, then a release
// without one) and on the 1st of the next two months.
const TODAY = todayUtc();
const NEXT_MONTH = firstOfMonthAfter(TODAY);
const MONTH_AFTER = firstOfMonthAfter(NEXT_MONTH);

const nodeRows = (db: Kysely<Database>) => db.selectFrom('statistics_node_noise').select(['cell', 'level', 'node', 'noise']).orderBy('cell').orderBy('level').orderBy('node').execute();

describe('republishing and the ledger, through the pages', () => {
  let t: TestApp;
  let team: { author: TestModerator; reviewer: TestModerator };
  const get = (url: string) => t.app.inject({ url });
  const stories = (prefix: string) =>
    Promise.all([1, 2, 3].map((i) => approvedStory(t.app, t.database.db, team, { title: `${prefix} story ${i}`, body: `${prefix}: what the work was like, ${i}.` })));

  beforeAll(async () => {
    t = await startTestApp({ PUBLIC_ORIGIN: ORIGIN, K_MIN: '11', BATCH_MIN: '3', BATCH_DELAY_DAYS: '0' });
    const { admin, mod } = await enrolAdminAndModerator(t.app, t.database.db, ORIGIN);
    team = { author: admin, reviewer: mod };
  });
  afterAll(async () => t?.close());

  it('a release without a refresh carries every figure byte for byte, in every format', async () => {
    await insertStatisticsAccounts(t.database.db, 400, {});
    await stories('First');
    expect(await releaseDueBatch(t.database.db, RULES, TODAY)).toMatchObject({ sequence: 1, statisticsRefreshed: true });
    const nodesAfterFirst = await nodeRows(t.database.db);
    expect(nodesAfterFirst.length).toBeGreaterThanOrEqual(COUNTS_ONE_ACCOUNT_MOVES);
    const first = {
      json: JSON.stringify(((await get('/api/v1/releases/1')).json() as { statistics: unknown }).statistics),
      csv: (await get('/releases/1/statistics.csv')).body,
    };
    // Shown figures carry their margin of error in JSON, CSV and HTML.
    expect(first.json).toMatch(/"margin":\d+/);
    expect((await get('/stats')).body).toMatch(/\d+ ± \d+/);
    // More approved stories in the same month: a release, no refresh, the same figures.
    await stories('Later this month');
    expect(await releaseDueBatch(t.database.db, RULES, TODAY)).toMatchObject({ sequence: 2, statisticsRefreshed: false });
    expect(JSON.stringify(((await get('/api/v1/releases/2')).json() as { statistics: unknown }).statistics)).toBe(first.json);
    const csvLines = (csv: string) => csv.split('\r\n').filter((line) => !line.startsWith('#'));
    expect(csvLines((await get('/releases/2/statistics.csv')).body)).toEqual(csvLines(first.csv));
    const stored = await t.database.db.selectFrom('batches').select(['sequence', 'statistics']).orderBy('sequence').execute();
    expect(JSON.stringify(stored[1]!.statistics)).toBe(JSON.stringify(stored[0]!.statistics));
    expect(await nodeRows(t.database.db)).toEqual(nodesAfterFirst);
  });

  it('a scheduled refresh without stories is a release of its own; no stored node is redrawn', async () => {
    const before = await nodeRows(t.database.db);
    // Nothing due this month any more, with or without stories.
    expect(await releaseDueBatch(t.database.db, { ...RULES, refreshWithoutStories: true }, TODAY)).toBeUndefined();
    const july = await releaseDueBatch(t.database.db, { ...RULES, refreshWithoutStories: true }, NEXT_MONTH);
    expect(july).toMatchObject({ sequence: 3, storyCount: 0, statisticsRefreshed: true });
    const after = await nodeRows(t.database.db);
    const key = (r: { cell: string; level: number; node: number }) => `${r.cell} ${r.level} ${r.node}`;
    const afterByKey = new Map(after.map((r) => [key(r), r.noise]));
    for (const row of before) expect(afterByKey.get(key(row))).toBe(row.noise);
    // Refresh 2 needs node (level 1, index 0) of every count: one new node per count, nothing else.
    expect(prefixNodes(2)).toEqual([{ level: 1, index: 0 }]);
    const added = after.filter((r) => !before.some((b) => key(b) === key(r)));
    expect(added.every((r) => r.level === 1 && r.node === 0)).toBe(true);
    // Every count of refresh 1 has its level-1 node now (a half-year row that began since adds its own counts).
    for (const cell of new Set(before.map((r) => r.cell))) expect(afterByKey.has(`${cell} 1 0`)).toBe(true);
  });

  it('shows the lifetime budget on /about and in every codebook, and the privacy filter refuses a refresh past it', async () => {
    const budget = lifetimeBudget();
    const about = (await get('/about')).body;
    expect(about).toContain(`Lifetime budget per account: ε = ${budget.lifetime} over ${budget.horizonRefreshes} refreshes`);
    expect(about).toContain('fewer than 11 after noise');
    for (const sequence of [1, 2, 3]) {
      const codebook = (await get(`/releases/${sequence}/codebook.md`)).body;
      expect(codebook).toContain(`ε = ${budget.lifetime} over the horizon`);
      expect(codebook).toContain(`An account moving every one of the ${COUNTS_ONE_ACCOUNT_MOVES} counts`);
    }
    // A budget that covers one refresh: August's would be the third. With nothing else to release, the operator gets the refusal.
    const refused = releaseDueBatch(t.database.db, { ...RULES, refreshWithoutStories: true, horizonRefreshes: 1 }, MONTH_AFTER);
    await expect(refused).rejects.toBeInstanceOf(CodedError);
    await expect(refused).rejects.toMatchObject({ code: 'statistics_budget_exhausted', details: { refresh: 3, horizon: 1 } });
    expect(await t.database.db.selectFrom('statistics_refreshes').select('tree_refresh').orderBy('sequence', 'desc').limit(1).executeTakeFirst()).toEqual({ tree_refresh: 2 });
    // With stories due, they still go out, the figures carried over, and the refusal is reported.
    await stories('Month after');
    const batch = await releaseDueBatch(t.database.db, { ...RULES, horizonRefreshes: 1 }, MONTH_AFTER);
    expect(batch).toMatchObject({ sequence: 4, storyCount: 3, statisticsRefreshed: false });
    expect(batch?.statisticsRefused).toMatch(/^Statistics refresh 3 refused: the lifetime privacy budget \(ε [\d.]+ per account over 1 refreshes\) is spent/);
    const carried = await t.database.db.selectFrom('batches').select(['sequence', 'statistics']).where('sequence', 'in', [3, 4]).orderBy('sequence').execute();
    expect(JSON.stringify(carried[1]!.statistics)).toBe(JSON.stringify(carried[0]!.statistics));
  });
});

describe('after a restart', () => {
  let dataDir: string;
  let postgres: TestDatabase | undefined;

  /** Opens the database as a fresh process would: its own connection pool, or the PGlite data directory. */
  async function withDatabase<T>(work: (db: Kysely<Database>) => Promise<T>): Promise<T> {
    const { db } = await openDatabase(loadConfig(postgres ? { DATABASE_URL: postgres.url!, DATA_DIR: dataDir } : { DATA_DIR: dataDir }));
    try {
      return await work(db);
    } finally {
      await db.destroy();
    }
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'offscript-continual-'));
    if (process.env.DATABASE_URL) postgres = await openTestDatabase();
    await withDatabase(async (db) => {
      await migrateToLatest(db);
    });
  });
  afterAll(async () => {
    await postgres?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps every stored node: refreshes 1, 2 and 3 in three processes draw one new node per count each, and redraw none', async () => {
    const rules = { ...RULES, refreshWithoutStories: true };
    const snapshots: Awaited<ReturnType<typeof nodeRows>>[] = [];
    for (const [i, day] of [JUNE, JULY, AUGUST].entries()) {
      await withDatabase(async (db) => {
        if (i === 0) await insertStatisticsAccounts(db, 100, {});
        let draws = 0;
        const counting = { ...rules, noise: () => (draws++ % 7) - 3 };
        expect(await releaseDueBatch(db, counting, day)).toMatchObject({ sequence: i + 1, statisticsRefreshed: true });
        const rows = await nodeRows(db);
        // One new node for every count this refresh draws (a half-year that began adds counts).
        expect(draws).toBe(rows.length - (snapshots[i - 1]?.length ?? 0));
        expect(draws).toBeGreaterThanOrEqual(new Set((snapshots[i - 1] ?? rows).map((r) => r.cell)).size);
        snapshots.push(rows);
      });
    }
    // Every node stored by an earlier process is there, with its value, in every later one.
    const key = (r: { cell: string; level: number; node: number }) => `${r.cell} ${r.level} ${r.node}`;
    for (let i = 1; i < snapshots.length; i++) {
      const later = new Map(snapshots[i]!.map((r) => [key(r), r.noise]));
      for (const row of snapshots[i - 1]!) expect(later.get(key(row))).toBe(row.noise);
    }
    // Refresh 3 = node (1, 0) + node (0, 2): its ledger row says so.
    const ledger = await withDatabase((db) => db.selectFrom('statistics_refreshes').select(['tree_refresh', 'nodes_per_count']).orderBy('sequence').execute());
    expect(ledger).toEqual([
      { tree_refresh: 1, nodes_per_count: 1 },
      { tree_refresh: 2, nodes_per_count: 1 },
      { tree_refresh: 3, nodes_per_count: 2 },
    ]);
  });
});
