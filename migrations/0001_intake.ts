// Intake: the deployment's intake keys, sealed submissions and their messages (DESIGN §2–4).
// Dates that touch sources are `date`, never timestamps; ids are random UUID v4.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('intake_keys')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('public_key', 'bytea', (c) => c.notNull().unique())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('created_on', 'date', (c) => c.notNull())
    .addColumn('retired_on', 'date')
    .addCheckConstraint('intake_keys_public_key_length', sql`octet_length(public_key) = 32`)
    .execute();
  // At most one current key: new submissions are sealed to it, retired ones stay for decryption.
  await sql`create unique index intake_keys_one_current on intake_keys ((true)) where retired_on is null`.execute(db);

  await db.schema
    .createTable('submissions')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('received_on', 'date', (c) => c.notNull())
    .addColumn('intake_key_id', 'uuid', (c) => c.notNull().references('intake_keys.id'))
    // Null once purged or withdrawn; the rest of the row stays for the source's timeline.
    .addColumn('envelope', 'bytea')
    .addColumn('padding_bucket', 'integer', (c) => c.notNull())
    .addColumn('reply_public_key', 'bytea', (c) => c.notNull())
    .addColumn('lookup_hash', 'bytea', (c) => c.notNull().unique())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('received'))
    .addColumn('status_changed_on', 'date', (c) => c.notNull())
    .addColumn('decided_on', 'date')
    .addColumn('purged_on', 'date')
    .addCheckConstraint('submissions_status_known', sql`status in ('received', 'in_review', 'needs_info', 'accepted', 'rejected', 'withdrawn')`)
    .addCheckConstraint('submissions_reply_key_length', sql`octet_length(reply_public_key) = 32`)
    .addCheckConstraint('submissions_lookup_hash_length', sql`octet_length(lookup_hash) = 32`)
    .execute();
  await db.schema.createIndex('submissions_status').on('submissions').columns(['status', 'received_on']).execute();

  await db.schema
    .createTable('messages')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('submission_id', 'uuid', (c) => c.notNull().references('submissions.id').onDelete('cascade'))
    // Order within a thread without storing a time of day.
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('ciphertext', 'bytea', (c) => c.notNull())
    .addColumn('sent_on', 'date', (c) => c.notNull())
    .addCheckConstraint('messages_direction_known', sql`direction in ('to_source', 'from_source')`)
    .addUniqueConstraint('messages_position_unique', ['submission_id', 'position'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('messages').execute();
  await db.schema.dropTable('submissions').execute();
  await db.schema.dropTable('intake_keys').execute();
}
