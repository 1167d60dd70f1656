// The latest time the jobs that delete or publish by date have seen (issue #27, docs/faults.md):
// a clock that later reads far past it (or before it) stops those jobs until an operator
// confirms it. One row, shared by every instance; no source's action touches it.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('clock_watermark')
    .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn('seen_at', 'timestamptz', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('clock_watermark').execute();
}
