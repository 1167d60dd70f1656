// Passkeys for moderators (issue 19): WebAuthn credentials, the registrations in flight, the
// passkey step of a login, a per-moderator PRF salt, and the day a moderator without a passkey
// was first asked to add one (the grace period counts from it).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('passkeys')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('moderator_id', 'uuid', (c) => c.notNull().references('moderators.id').onDelete('cascade'))
    // base64url, as WebAuthn hands it over; unique across every relying party and moderator.
    .addColumn('credential_id', 'text', (c) => c.notNull().unique())
    .addColumn('public_key', 'bytea', (c) => c.notNull())
    .addColumn('counter', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('transports', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('rp_id', 'text', (c) => c.notNull())
    // seed XOR kek(Argon2id ‖ PRF) for a PRF-bound moderator; null when the passkey is a login factor only.
    .addColumn('wrapped_seed', 'bytea')
    .addColumn('created_on', 'date', (c) => c.notNull())
    .addColumn('last_used_on', 'date')
    .execute();
  await db.schema.createIndex('passkeys_moderator').on('passkeys').column('moderator_id').execute();
  await db.schema
    .createTable('passkey_registrations')
    .addColumn('challenge', 'bytea', (c) => c.primaryKey())
    .addColumn('moderator_id', 'uuid', (c) => c.notNull().references('moderators.id').onDelete('cascade'))
    .addColumn('rp_id', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.alterTable('moderators').addColumn('prf_salt', 'bytea').execute();
  await db.schema.alterTable('moderators').addColumn('passkey_asked_on', 'date').execute();
  // Challenges live 60 seconds: the old ones go rather than gain a column they never had.
  await sql`delete from login_challenges`.execute(db);
  await db.schema
    .alterTable('login_challenges')
    .addColumn('passkey_id', 'uuid', (c) => c.references('passkeys.id').onDelete('cascade'))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('login_challenges').dropColumn('passkey_id').execute();
  await db.schema.alterTable('moderators').dropColumn('passkey_asked_on').execute();
  await db.schema.alterTable('moderators').dropColumn('prf_salt').execute();
  await db.schema.dropTable('passkey_registrations').execute();
  await db.schema.dropTable('passkeys').execute();
}
