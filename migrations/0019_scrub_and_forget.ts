// Deleted means gone (issue 23, docs/threat-model-storage.md). scrub_due is one flag that a
// deletion sets in its own transaction and the hourly scrub (server/db/scrub-job.ts) takes, so
// that tables are rewritten only when something was deleted. A withdrawn submission keeps
// neither the hash of its lookup token nor its reply key: its receipt then finds nothing, the
// same answer as for words never given, so the words prove nothing about an account.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('scrub_due')
    .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn('due', 'boolean', (c) => c.notNull())
    .execute();
  // Due at once: rows deleted before this migration are scrubbed at the first run.
  await sql`insert into scrub_due (id, due) values (1, true)`.execute(db);
  await sql`alter table submissions alter column lookup_hash drop not null, alter column reply_public_key drop not null`.execute(db);
  await sql`update submissions set lookup_hash = null, reply_public_key = null where status = 'withdrawn'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // A withdrawn row gets random values in their place: nothing can find it, as before.
  await sql`update submissions set lookup_hash = sha256(gen_random_uuid()::text::bytea), reply_public_key = sha256(gen_random_uuid()::text::bytea)
    where lookup_hash is null`.execute(db);
  await sql`alter table submissions alter column lookup_hash set not null, alter column reply_public_key set not null`.execute(db);
  await db.schema.dropTable('scrub_due').execute();
}
