// Login challenges cost a proof of work while they pile up (issue 25): each answered puzzle is
// spent once, remembered until it would have expired anyway; counting a handle's outstanding
// challenges needs an index on their keyed handle hash.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('login_work_spent')
    .addColumn('puzzle_id', 'bytea', (c) => c.primaryKey())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('login_work_spent_expires_at').on('login_work_spent').column('expires_at').execute();
  await db.schema.createIndex('login_challenges_handle_hash').on('login_challenges').column('handle_hash').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('login_challenges_handle_hash').execute();
  await db.schema.dropTable('login_work_spent').execute();
}
