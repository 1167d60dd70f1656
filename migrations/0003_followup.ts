// Follow-up (DESIGN §3 Follow-up, §4): the day a moderator first opened a submission, for the
// source's timeline. A day only, like every date that touches a source (DESIGN §2).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('submissions').addColumn('review_started_on', 'date').execute();
  // Submissions opened before this column existed: the audit log recorded the day of each opening.
  await sql`
    update submissions set review_started_on = opened.day
    from (
      select (entry::jsonb -> 'subject' ->> 'id')::uuid as submission_id, min((entry::jsonb ->> 'day')::date) as day
      from audit_log
      where entry::jsonb ->> 'action' = 'submission.opened'
      group by 1
    ) as opened
    where submissions.id = opened.submission_id
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('submissions').dropColumn('review_started_on').execute();
}
