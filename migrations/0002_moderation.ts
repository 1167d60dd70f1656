// Moderation (DESIGN §3 Moderators, §4, §6): moderator keys, invitations, sessions, key
// grants, accounts and stories, the sealed watch list and the hash-chained audit log.
// Times here are moderators' (sessions, invitations), never sources'; source-related
// records keep days only.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('server_secrets')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'bytea', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('moderators')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('handle', 'text', (c) => c.notNull().unique())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('salt', 'bytea')
    .addColumn('sign_public_key', 'bytea')
    .addColumn('box_public_key', 'bytea')
    .addColumn('invited_on', 'date', (c) => c.notNull())
    .addColumn('enrolled_on', 'date')
    .addColumn('disabled_on', 'date')
    .addCheckConstraint('moderators_role_known', sql`role in ('administrator', 'moderator')`)
    .addCheckConstraint('moderators_status_known', sql`status in ('invited', 'active', 'disabled')`)
    .execute();

  await db.schema
    .createTable('invitations')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('moderator_id', 'uuid', (c) => c.notNull().references('moderators.id').onDelete('cascade'))
    .addColumn('token_hash', 'bytea', (c) => c.notNull().unique())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_on', 'date')
    .execute();

  await db.schema
    .createTable('login_challenges')
    .addColumn('challenge', 'bytea', (c) => c.primaryKey())
    .addColumn('handle', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id_hash', 'bytea', (c) => c.primaryKey())
    .addColumn('moderator_id', 'uuid', (c) => c.notNull().references('moderators.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('intake_key_grants')
    .addColumn('intake_key_id', 'uuid', (c) => c.notNull().references('intake_keys.id'))
    .addColumn('moderator_id', 'uuid', (c) => c.notNull().references('moderators.id').onDelete('cascade'))
    // crypto_box_seal(intake secret key, moderator's box public key), made in a browser.
    .addColumn('wrapped_secret_key', 'bytea', (c) => c.notNull())
    .addPrimaryKeyConstraint('intake_key_grants_pk', ['intake_key_id', 'moderator_id'])
    .execute();

  // Show titles and code names are sensitive in themselves: kept sealed to the intake key.
  await db.schema
    .createTable('watch_lists')
    .addColumn('intake_key_id', 'uuid', (c) => c.primaryKey().references('intake_keys.id'))
    .addColumn('ciphertext', 'bytea', (c) => c.notNull())
    .addColumn('updated_on', 'date', (c) => c.notNull())
    .execute();

  // The de-identified facts of an accepted submission, used for statistics (DESIGN §4, §6).
  await db.schema
    .createTable('accounts')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('submission_id', 'uuid', (c) => c.unique().references('submissions.id').onDelete('set null'))
    .addColumn('role', 'text')
    .addColumn('platforms', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('task_types', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('pay_band', 'text')
    .addColumn('hours_band', 'text')
    .addColumn('conditions', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('consent', 'text', (c) => c.notNull())
    .addColumn('accepted_on', 'date', (c) => c.notNull())
    .addColumn('withdrawn_on', 'date')
    .execute();

  await db.schema
    .createTable('stories')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('account_id', 'uuid', (c) => c.notNull().unique().references('accounts.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('pull_quotes', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('attribution_label', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('author_id', 'uuid', (c) => c.notNull().references('moderators.id'))
    .addColumn('reviewer_id', 'uuid', (c) => c.references('moderators.id'))
    .addColumn('review_note', 'text')
    .addColumn('created_on', 'date', (c) => c.notNull())
    .addColumn('approved_on', 'date')
    .addCheckConstraint('stories_status_known', sql`status in ('draft', 'awaiting_second_review', 'approved', 'published', 'retracted')`)
    .execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('seq', 'integer', (c) => c.primaryKey())
    .addColumn('entry', 'text', (c) => c.notNull())
    .addColumn('prev_hash', 'bytea', (c) => c.notNull())
    .addColumn('hash', 'bytea', (c) => c.notNull().unique())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['audit_log', 'stories', 'accounts', 'watch_lists', 'intake_key_grants', 'sessions', 'login_challenges', 'invitations', 'moderators', 'server_secrets']) {
    await db.schema.dropTable(table).execute();
  }
}
