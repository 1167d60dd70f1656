// Files in a source's reply on /status (issue 18, docs/attachments.md "Reply files"): an upload
// sent with a reply names the message as well as its submission, so withdrawal and retention,
// which delete by submission, take reply files too. One upload per submission stays the rule
// for the account's own files (those with no message); one upload per message for replies.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('attachment_uploads')
    .addColumn('message_id', 'uuid', (c) => c.unique().references('messages.id').onDelete('cascade'))
    .execute();
  await db.schema.alterTable('attachment_uploads').dropConstraint('attachment_uploads_submission_id_key').execute();
  await db.schema.createIndex('attachment_uploads_account_files').unique().on('attachment_uploads').column('submission_id').where(sql.ref('message_id'), 'is', null).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // Reply files cannot outlive the column that says which reply they belong to.
  await sql`delete from attachment_uploads where message_id is not null`.execute(db);
  await db.schema.dropIndex('attachment_uploads_account_files').execute();
  await db.schema.alterTable('attachment_uploads').addUniqueConstraint('attachment_uploads_submission_id_key', ['submission_id']).execute();
  await db.schema.alterTable('attachment_uploads').dropColumn('message_id').execute();
}
