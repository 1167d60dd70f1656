// Fingerprint pinning (DESIGN §3): an administrator's signature over a moderator's public keys,
// made in their browser after comparing fingerprints out of band. Browsers check these; the
// server only stores them. A verification goes with either moderator.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('key_verifications')
    .addColumn('verifier_id', 'uuid', (c) => c.notNull().references('moderators.id').onDelete('cascade'))
    .addColumn('subject_id', 'uuid', (c) => c.notNull().references('moderators.id').onDelete('cascade'))
    .addColumn('signature', 'bytea', (c) => c.notNull())
    .addColumn('verified_on', 'date', (c) => c.notNull())
    .addPrimaryKeyConstraint('key_verifications_pk', ['verifier_id', 'subject_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('key_verifications').execute();
}
