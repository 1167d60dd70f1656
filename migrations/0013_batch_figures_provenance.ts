// Release provenance (DESIGN §8 `/releases/:n`): each batch keeps which release drew the figures it
// carries and the day they were drawn, written at release, so that a release page, the list of
// releases and "figures last updated DAY (release M)" read two columns instead of comparing every
// stored snapshot. Existing batches are filled in from their snapshots: a run of batches holding the
// same snapshot shares the figures of its first batch. Both stay null where a batch has no figures
// to show (none yet, or a snapshot from before 0006, whose plain nulls cannot be shown).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('batches').addColumn('figures_from', 'integer').addColumn('figures_updated_on', 'date').execute();
  await sql`
    with digests as (
      select sequence, md5(statistics::text) as digest, lag(md5(statistics::text)) over (order by sequence) as previous from batches
    ), runs as (
      select sequence, sum(case when previous is distinct from digest then 1 else 0 end) over (order by sequence) as run from digests
    ), starts as (
      select sequence, min(sequence) over (partition by run) as first from runs
    )
    update batches set figures_from = starts.first, figures_updated_on = (batches.statistics->>'figuresUpdatedOn')::date
    from starts
    where starts.sequence = batches.sequence and coalesce((batches.statistics->>'format')::integer, 0) >= 2`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('batches').dropColumn('figures_updated_on').dropColumn('figures_from').execute();
}
