// Questions from journalists about published stories (issue 32, DESIGN §4). The question is the
// journalist's text (and the moderator's edit of it), never the source's; a private answer is
// stored only sealed to the journalist's key, an answer for publication only sealed to the intake
// key until two moderators publish its de-identified text. Days only, never times.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('press_questions')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('story_id', 'uuid', (c) => c.notNull().references('stories.id').onDelete('cascade'))
    .addColumn('journalist_id', 'uuid', (c) => c.notNull().references('moderators.id').onDelete('cascade'))
    .addColumn('asked_text', 'text', (c) => c.notNull())
    .addColumn('relayed_text', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('asked_on', 'date', (c) => c.notNull())
    .addColumn('relayed_on', 'date')
    .addColumn('answered_on', 'date')
    .addColumn('moderated_by', 'uuid', (c) => c.references('moderators.id').onDelete('set null'))
    .addColumn('private_answer', 'bytea')
    .addColumn('sealed_public_answer', 'bytea')
    .addColumn('public_answer', 'text')
    .addColumn('answer_author_id', 'uuid', (c) => c.references('moderators.id').onDelete('set null'))
    .addColumn('answer_published_on', 'date')
    .addCheckConstraint(
      'press_questions_status_known',
      sql`status in ('asked', 'declined', 'relayed', 'source_declined', 'answered_privately', 'answer_received', 'answer_awaiting_second_review', 'answer_published')`,
    )
    .execute();
  await db.schema.createIndex('press_questions_story').on('press_questions').column('story_id').execute();
  await db.schema.createIndex('press_questions_journalist').on('press_questions').columns(['journalist_id', 'asked_on']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('press_questions').execute();
}
