// The language a moderator chose for the console (issue 31): en, es or pt-BR; null follows the
// browser's Accept-Language. Public and source pages set no cookie, so their language comes from
// the path; the console already has a session, and its choice is kept with the moderator.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('moderators').addColumn('console_language', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('moderators').dropColumn('console_language').execute();
}
