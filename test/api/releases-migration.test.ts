// Migration 0013: batches released before it learn which release drew the figures they carry
// (the first of a run holding the same snapshot) and the day they were drawn.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMigrator, migrateToLatest } from '../../server/db/migrator.js';
import { openTestDatabase, type TestDatabase } from '../support/database.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => database?.close());

describe('0013_batch_figures_provenance', () => {
  it('fills figures_from and figures_updated_on from the stored snapshots; null where nothing can be shown', async () => {
    const { db } = database;
    const { error } = await createMigrator(db).migrateTo('0012_console_claims');
    expect(error).toBeUndefined();
    const snapshot = (day: string, accounts: number) => ({ format: 2, kMin: 11, figuresUpdatedOn: day, headline: { accounts: { count: accounts, status: 'shown' } }, tables: [] });
    const batches: [string, unknown][] = [
      ['2026-01-01', null],
      // Before 0006: plain nulls, no format; not shown.
      ['2026-01-08', { computedOn: '2026-01-08', tables: [] }],
      ['2026-01-15', snapshot('2026-01-15', 40)],
      ['2026-01-22', snapshot('2026-01-15', 40)],
      ['2026-01-29', snapshot('2026-01-29', 52)],
      ['2026-02-05', snapshot('2026-01-29', 52)],
    ];
    for (const [i, [day, statistics]] of batches.entries()) {
      await sql`insert into batches (id, sequence, released_on, story_count, statistics)
        values (${randomUUID()}, ${i + 1}, ${day}, 3, ${JSON.stringify(statistics)}::jsonb)`.execute(db);
    }

    await migrateToLatest(db);
    const rows = await db.selectFrom('batches').select(['sequence', 'figures_from', 'figures_updated_on']).orderBy('sequence').execute();
    expect(rows.map((r) => [r.sequence, r.figures_from, r.figures_updated_on])).toEqual([
      [1, null, null],
      [2, null, null],
      [3, 3, '2026-01-15'],
      [4, 3, '2026-01-15'],
      [5, 5, '2026-01-29'],
      [6, 5, '2026-01-29'],
    ]);
  });
});
