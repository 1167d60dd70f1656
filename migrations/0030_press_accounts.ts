// Press accounts (issue 32): a journalist is an account in `moderators` with the role
// `journalist` (passkey login, keys made in their browser, only the public keys stored), and the
// name and outlet an administrator entered, which a source reads beside a question.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table moderators drop constraint moderators_role_known`.execute(db);
  await sql`alter table moderators add constraint moderators_role_known check (role in ('administrator', 'moderator', 'journalist'))`.execute(db);
  await db.schema
    .createTable('press_accounts')
    .addColumn('moderator_id', 'uuid', (c) => c.primaryKey().references('moderators.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('outlet', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('press_accounts').execute();
  await sql`delete from moderators where role = 'journalist'`.execute(db);
  await sql`alter table moderators drop constraint moderators_role_known`.execute(db);
  await sql`alter table moderators add constraint moderators_role_known check (role in ('administrator', 'moderator'))`.execute(db);
}
