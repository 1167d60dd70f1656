// One-time links to add a passkey at another origin of the console (issue 25): each origin is a
// WebAuthn relying party of its own, so a moderator logged in at one asks here for a link that
// the other accepts once, for ten minutes. Only the token's hash is kept.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('passkey_origin_links')
    .addColumn('token_hash', 'bytea', (c) => c.primaryKey())
    .addColumn('moderator_id', 'uuid', (c) => c.notNull().references('moderators.id').onDelete('cascade'))
    .addColumn('rp_id', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await sql`create index passkey_origin_links_moderator on passkey_origin_links (moderator_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('passkey_origin_links').execute();
}
