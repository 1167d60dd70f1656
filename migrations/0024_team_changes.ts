// No single person (issue 26, docs/team-changes.md): team changes as proposals a second
// administrator approves, who invited whom (and whether a second administrator confirmed it),
// the team news each moderator has seen, the single-use challenges of fresh passkey assertions,
// and passkeys of one column shape whether or not they bind the moderator's keys (issue 23).
import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';

// The length of a wrapped seed (SEED_BYTES): a passkey that binds nothing carries as many random bytes.
const WRAPPED_SEED_BYTES = 32;

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('moderators')
    // The administrator whose invitation or re-enrolment made this account; null from the shell or the first start.
    .addColumn('invited_by', 'uuid', (c) => c.references('moderators.id').onDelete('set null'))
    // A second administrator who confirmed that invitation (or approved it as a proposal).
    .addColumn('invitation_confirmed_by', 'uuid', (c) => c.references('moderators.id').onDelete('set null'))
    // Invited by `npm run admin:invite` while an administrator was enrolled (break glass).
    .addColumn('invited_from_shell', 'boolean', (c) => c.notNull().defaultTo(false))
    // The audit log's seq up to which this moderator has been shown the team's changes.
    .addColumn('news_seen_seq', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  // Nobody is shown the whole history at their first login after this migration.
  await sql`update moderators set news_seen_seq = (select coalesce(max(seq), 0) from audit_log)`.execute(db);
  await db.schema
    .alterTable('sessions')
    // The team news this session shows at the top of the console: audit entries after `from`, up to `upto`.
    .addColumn('news_from_seq', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('news_upto_seq', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createTable('team_changes')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'uuid', (c) => c.references('moderators.id').onDelete('cascade'))
    // JSON of what the change applies (a role, or keys sealed in the proposer's browser); no secret in clear.
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('proposed_by', 'uuid', (c) => c.notNull().references('moderators.id').onDelete('cascade'))
    .addColumn('proposed_on', 'date', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('decided_by', 'uuid', (c) => c.references('moderators.id').onDelete('set null'))
    .addColumn('decided_on', 'date')
    .execute();
  await db.schema.createIndex('team_changes_status').on('team_changes').column('status').execute();
  await db.schema
    .createTable('assertion_challenges')
    .addColumn('challenge', 'bytea', (c) => c.primaryKey())
    .addColumn('session_hash', 'bytea', (c) => c.notNull().references('sessions.id_hash').onDelete('cascade'))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();
  // Whether the passkey's wrapped seed is real is kept beside it; the column itself is never null.
  await db.schema
    .alterTable('passkeys')
    .addColumn('binds_keys', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
  await sql`update passkeys set binds_keys = (wrapped_seed is not null)`.execute(db);
  const unbound = await sql<{ id: string }>`select id from passkeys where wrapped_seed is null`.execute(db);
  for (const { id } of unbound.rows) {
    await sql`update passkeys set wrapped_seed = ${randomBytes(WRAPPED_SEED_BYTES)} where id = ${id}`.execute(db);
  }
  await sql`alter table passkeys alter column wrapped_seed set not null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table passkeys alter column wrapped_seed drop not null`.execute(db);
  await sql`update passkeys set wrapped_seed = null where not binds_keys`.execute(db);
  await db.schema.alterTable('passkeys').dropColumn('binds_keys').execute();
  await db.schema.dropTable('assertion_challenges').execute();
  await db.schema.dropTable('team_changes').execute();
  await db.schema.alterTable('sessions').dropColumn('news_from_seq').dropColumn('news_upto_seq').execute();
  await db.schema.alterTable('moderators').dropColumn('invited_by').dropColumn('invitation_confirmed_by').dropColumn('invited_from_shell').dropColumn('news_seen_seq').execute();
}
