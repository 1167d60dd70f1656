// The verification tier (issue 18): the kinds of document a moderator saw supporting an
// account, recorded at acceptance. Null: no tier recorded (the story says nothing about documents).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('accounts')
    .addColumn('documents_seen', sql`text[]`)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('accounts').dropColumn('documents_seen').execute();
}
