// The moderators' console (issue 16): who has claimed a submission, a copy of each question
// sealed to the intake key so that the team can re-read what it asked, and what the second
// reviewer approved as published (attribution and tags), so that a release that would change
// them sends the story back instead.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('submissions')
    .addColumn('claimed_by', 'uuid', (c) => c.references('moderators.id').onDelete('set null'))
    .execute();
  await db.schema.alterTable('messages').addColumn('intake_ciphertext', 'bytea').execute();
  await db.schema.alterTable('stories').addColumn('approved_attribution', 'text').addColumn('approved_tags', 'jsonb').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('stories').dropColumn('approved_tags').dropColumn('approved_attribution').execute();
  await db.schema.alterTable('messages').dropColumn('intake_ciphertext').execute();
  await db.schema.alterTable('submissions').dropColumn('claimed_by').execute();
}
