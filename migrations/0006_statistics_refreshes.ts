// Statistics refreshes (DESIGN §6, "no differencing between releases"): a counter of changes
// to the counted accounts, kept by the database like the tallies of 0005, so that a release
// can tell whether at least K_MIN accounts were added or withdrawn since the figures were last
// refreshed; and the privacy-loss ledger, one row per refresh, shown on /about.
import { sql, type Kysely } from 'kysely';

// Counted: accepted, not withdrawn, consented to statistics (quote implies it); as in 0005.
const counted = (alias: string) => `(${alias}.withdrawn_on is null and ${alias}.consent in ('quote', 'stats'))`;
const facets = (alias: string) => `(${alias}.platforms, ${alias}.task_types, ${alias}.role, ${alias}.pay_band, ${alias}.hours_band, ${alias}.conditions)`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('statistics_changes')
    // One row: a running count, never reset, of accounts that entered or left the counted set.
    .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn('changes', 'bigint', (c) => c.notNull())
    .execute();
  await sql`insert into statistics_changes (id, changes)
    select 1, count(*) from accounts a where ${sql.raw(counted('a'))}`.execute(db);

  await db.schema
    .createTable('statistics_refreshes')
    .addColumn('sequence', 'integer', (c) => c.primaryKey())
    .addColumn('refreshed_on', 'date', (c) => c.notNull())
    .addColumn('epsilon_per_count', 'double precision', (c) => c.notNull())
    .addColumn('epsilon_per_refresh', 'double precision', (c) => c.notNull())
    // statistics_changes.changes when these figures were drawn.
    .addColumn('changes_at', 'bigint', (c) => c.notNull())
    .execute();

  // An update counts once per account whose membership or facets changed (a withdrawal, in practice).
  await sql
    .raw(
      `create function statistics_changes_apply() returns trigger language plpgsql as $$
      declare moved bigint;
      begin
        if TG_OP = 'INSERT' then
          select count(*) into moved from new_rows n where ${counted('n')};
        elsif TG_OP = 'DELETE' then
          select count(*) into moved from old_rows o where ${counted('o')};
        else
          select count(*) into moved from old_rows o join new_rows n on n.id = o.id
          where ${counted('o')} is distinct from ${counted('n')} or (${counted('n')} and ${facets('o')} is distinct from ${facets('n')});
        end if;
        if moved > 0 then
          update statistics_changes set changes = changes + moved where id = 1;
        end if;
        return null;
      end $$`,
    )
    .execute(db);
  await sql`create trigger statistics_changes_insert after insert on accounts
    referencing new table as new_rows for each statement execute function statistics_changes_apply()`.execute(db);
  await sql`create trigger statistics_changes_update after update on accounts
    referencing old table as old_rows new table as new_rows for each statement execute function statistics_changes_apply()`.execute(db);
  await sql`create trigger statistics_changes_delete after delete on accounts
    referencing old table as old_rows for each statement execute function statistics_changes_apply()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const trigger of ['insert', 'update', 'delete']) {
    await sql.raw(`drop trigger statistics_changes_${trigger} on accounts`).execute(db);
  }
  await sql`drop function statistics_changes_apply()`.execute(db);
  await db.schema.dropTable('statistics_refreshes').execute();
  await db.schema.dropTable('statistics_changes').execute();
}
