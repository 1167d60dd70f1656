// Evidence attachments (issue 18, docs/attachments.md): sealed files in 64 KiB bytea chunks, so
// that PGlite and Postgres store them alike and backups and transactions cover them. An upload
// knows only its day, its files' padded sizes and digests, and, once sent, its submission.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('attachment_uploads')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('created_on', 'date', (c) => c.notNull())
    .addColumn('submission_id', 'uuid', (c) => c.unique().references('submissions.id').onDelete('cascade'))
    .execute();
  await db.schema
    .createTable('attachment_files')
    .addColumn('upload_id', 'uuid', (c) => c.notNull().references('attachment_uploads.id').onDelete('cascade'))
    .addColumn('file_index', 'smallint', (c) => c.notNull())
    .addColumn('padded_size', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'bytea', (c) => c.notNull())
    .addPrimaryKeyConstraint('attachment_files_pk', ['upload_id', 'file_index'])
    .execute();
  await db.schema
    .createTable('attachment_chunks')
    .addColumn('upload_id', 'uuid', (c) => c.notNull())
    .addColumn('file_index', 'smallint', (c) => c.notNull())
    .addColumn('chunk_index', 'integer', (c) => c.notNull())
    .addColumn('bytes', 'bytea', (c) => c.notNull())
    .addPrimaryKeyConstraint('attachment_chunks_pk', ['upload_id', 'file_index', 'chunk_index'])
    .addForeignKeyConstraint('attachment_chunks_file_fk', ['upload_id', 'file_index'], 'attachment_files', ['upload_id', 'file_index'], (fk) => fk.onDelete('cascade'))
    .execute();
  await db.schema.createIndex('attachment_uploads_unsent').on('attachment_uploads').column('created_on').where(sql.ref('submission_id'), 'is', null).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('attachment_chunks').execute();
  await db.schema.dropTable('attachment_files').execute();
  await db.schema.dropTable('attachment_uploads').execute();
}
