// Login challenges keep a keyed hash of the handle, never what was typed (issue 13): someone who
// types their passphrase into the handle field must not find it in the database. Challenges
// live 60 seconds, so the old rows are simply dropped.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`delete from login_challenges`.execute(db);
  await db.schema.alterTable('login_challenges').dropColumn('handle').execute();
  await db.schema
    .alterTable('login_challenges')
    .addColumn('handle_hash', 'bytea', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('login_challenges_expires_at').on('login_challenges').column('expires_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`delete from login_challenges`.execute(db);
  await db.schema.dropIndex('login_challenges_expires_at').execute();
  await db.schema.alterTable('login_challenges').dropColumn('handle_hash').execute();
  await db.schema
    .alterTable('login_challenges')
    .addColumn('handle', 'text', (c) => c.notNull())
    .execute();
}
