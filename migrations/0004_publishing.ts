// Publishing (DESIGN §4 batches, §6 disclosure control): released batches carry the
// statistics computed at their release; stories gain what the public side shows.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('batches')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    // Public batch number; ordered, but batches are public and dated anyway.
    .addColumn('sequence', 'integer', (c) => c.notNull().unique())
    .addColumn('released_on', 'date', (c) => c.notNull())
    .addColumn('story_count', 'integer', (c) => c.notNull())
    // The disclosure-controlled statistics as of this release: pages never aggregate live.
    .addColumn('statistics', 'jsonb', (c) => c.notNull())
    .execute();

  await db.schema
    .alterTable('stories')
    .addColumn('slug', 'text', (c) => c.unique())
    .addColumn('batch_id', 'uuid', (c) => c.references('batches.id'))
    .addColumn('batch_position', 'integer')
    .addColumn('published_on', 'date')
    .addColumn('retracted_on', 'date')
    // Tags and attribution as published: only values at least K_MIN accepted accounts share.
    .addColumn('public_tags', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('published_attribution', 'text')
    .execute();
  await sql`alter table stories add column search tsvector
    generated always as (to_tsvector('english', title || ' ' || body)) stored`.execute(db);
  await sql`create index stories_search on stories using gin (search)`.execute(db);
  await sql`create index stories_public_tags on stories using gin (public_tags)`.execute(db);
  await sql`create index stories_feed on stories (batch_id, batch_position, id) where status = 'published'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('stories')
    .dropColumn('search')
    .dropColumn('published_attribution')
    .dropColumn('public_tags')
    .dropColumn('retracted_on')
    .dropColumn('published_on')
    .dropColumn('batch_position')
    .dropColumn('batch_id')
    .dropColumn('slug')
    .execute();
  await db.schema.dropTable('batches').execute();
}
