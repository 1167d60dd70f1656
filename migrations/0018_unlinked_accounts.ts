// Nothing published or counted references a submission (issue 23, docs/threat-model-storage.md):
// accounts lose submission_id and stories account_id; both keep instead SHA-256 of the receipt's
// withdrawal tag, which only the source's receipt can produce. A story carries the few facts its
// publication needs (its own copy, so that no join to the counted accounts is needed). Accepted
// accounts wait in pending_accounts, linked to nothing, until admitPendingAccounts moves them
// into the counted accounts in a shuffled batch at a release.
//
// Old data: existing accounts keep counting and existing stories keep publishing; their link to a
// submission is dropped, so a source who withdraws one of them later deletes the envelope but
// cannot retract the story (no receipt-derived tag exists for them). The counted accounts are
// rewritten in random order, so that their heap order no longer follows the acceptances.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('accounts').addColumn('withdrawal_tag_hash', 'bytea').execute();
  await db.schema
    .alterTable('stories')
    .addColumn('withdrawal_tag_hash', 'bytea')
    .addColumn('accepted_on', 'date')
    .addColumn('role', 'text')
    .addColumn('platforms', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('task_types', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('conditions', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('documents_seen', sql`text[]`)
    .execute();
  await sql`update stories set accepted_on = a.accepted_on, role = a.role, platforms = a.platforms,
      task_types = a.task_types, conditions = a.conditions, documents_seen = a.documents_seen
    from accounts a where a.id = stories.account_id`.execute(db);
  await sql`alter table stories alter column accepted_on set not null`.execute(db);
  await db.schema.alterTable('stories').dropColumn('account_id').execute();
  await db.schema.alterTable('accounts').dropColumn('submission_id').execute();
  await sql`create index accounts_withdrawal_tag on accounts (withdrawal_tag_hash) where withdrawal_tag_hash is not null`.execute(db);
  await sql`create index stories_withdrawal_tag on stories (withdrawal_tag_hash) where withdrawal_tag_hash is not null`.execute(db);

  // Same columns as a counted account (defaults included), less what only a counted one has.
  await sql`create table pending_accounts (like accounts including defaults)`.execute(db);
  await sql`alter table pending_accounts drop column withdrawn_on, add primary key (id)`.execute(db);

  // Heap order of the counted accounts no longer follows acceptance order; the tallies and the
  // change counter are untouched (the same rows leave and come back, triggers off meanwhile).
  await sql`alter table accounts disable trigger user`.execute(db);
  await sql`create temporary table accounts_shuffled on commit drop as select * from accounts order by random()`.execute(db);
  await sql`delete from accounts`.execute(db);
  await sql`insert into accounts select * from accounts_shuffled order by random()`.execute(db);
  await sql`drop table accounts_shuffled`.execute(db);
  await sql`alter table accounts enable trigger user`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // Pending accounts are counted on the way down, as they were before this migration.
  const columns = sql.raw('id, role, platforms, task_types, pay_band, hours_band, conditions, consent, accepted_on, account_version, facts, half_year, documents_seen, withdrawal_tag_hash');
  await sql`insert into accounts (${columns}) select ${columns} from pending_accounts`.execute(db);
  await db.schema.dropTable('pending_accounts').execute();
  await db.schema
    .alterTable('accounts')
    .addColumn('submission_id', 'uuid', (c) => c.unique().references('submissions.id').onDelete('set null'))
    .execute();
  await db.schema
    .alterTable('stories')
    .addColumn('account_id', 'uuid', (c) => c.unique().references('accounts.id'))
    .execute();
  // The link cannot come back; a story is tied to an account with the same withdrawal tag, if any.
  await sql`update stories set account_id = a.id from accounts a where a.withdrawal_tag_hash = stories.withdrawal_tag_hash`.execute(db);
  await sql`drop index accounts_withdrawal_tag`.execute(db);
  await sql`drop index stories_withdrawal_tag`.execute(db);
  await db.schema
    .alterTable('stories')
    .dropColumn('withdrawal_tag_hash')
    .dropColumn('accepted_on')
    .dropColumn('role')
    .dropColumn('platforms')
    .dropColumn('task_types')
    .dropColumn('conditions')
    .dropColumn('documents_seen')
    .execute();
  await db.schema.alterTable('accounts').dropColumn('withdrawal_tag_hash').execute();
}
