// Account tallies (DESIGN §6): the raw counts behind the public statistics, kept current by
// the database as accounts are accepted, withdrawn or deleted, so that a release reads a few
// hundred rows instead of scanning every account (1 M accounts took ~12 s to recount).
// Private like the accounts they summarise: only a release publishes anything, after
// disclosure control. Statement-level triggers add each statement's rows in one upsert.
import { sql, type Kysely } from 'kysely';

// What each kind tallies (a, b): the five tables' pairs and the per-facet totals for tags.
// `changes` yields (sign, facets…) rows: +1 for a row now counted, −1 for one no longer counted.
const TALLY_CHANGES = (changes: string) => `
  with changes as (${changes})
  select kind, a, b, sum(sign) as n from (
    select sign, 'accounts' as kind, '' as a, '' as b from changes
    union all select sign, 'platform', p, '' from changes, unnest(platforms) p
    union all select sign, 'role', role, '' from changes where role is not null
    union all select sign, 'task_type', t, '' from changes, unnest(task_types) t
    union all select sign, 'condition', c.key, c.value from changes, jsonb_each_text(conditions) c
    union all select sign, 'platform_pay', p, pay_band from changes, unnest(platforms) p where pay_band is not null
    union all select sign, 'platform_condition', p || ':' || c.key, c.value from changes, unnest(platforms) p, jsonb_each_text(conditions) c
    union all select sign, 'role_task_type', role, t from changes, unnest(task_types) t where role is not null
    union all select sign, 'hours', hours_band, '' from changes where hours_band is not null
  ) as expanded
  group by kind, a, b`;

// Counted: accepted, not withdrawn, consented to statistics (quote implies it).
const counted = (relation: string, sign: number) =>
  `select ${sign} as sign, platforms, task_types, role, pay_band, hours_band, conditions from ${relation}
   where withdrawn_on is null and consent in ('quote', 'stats')`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('account_tallies')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('a', 'text', (c) => c.notNull())
    .addColumn('b', 'text', (c) => c.notNull())
    .addColumn('n', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('account_tallies_pk', ['kind', 'a', 'b'])
    .execute();

  // Ordered upserts take row locks in one order, so concurrent statements queue rather than deadlock.
  const apply = (changes: string) => `
    insert into account_tallies (kind, a, b, n)
    select kind, a, b, n from (${TALLY_CHANGES(changes)}) as tallied where n <> 0 order by kind, a, b
    on conflict (kind, a, b) do update set n = account_tallies.n + excluded.n`;
  const inserted = counted('new_rows', 1);
  const deleted = counted('old_rows', -1);
  await sql
    .raw(
      `create function account_tallies_apply() returns trigger language plpgsql as $$
      begin
        if TG_OP = 'INSERT' then
          ${apply(inserted)};
        elsif TG_OP = 'DELETE' then
          ${apply(deleted)};
        else
          ${apply(`${inserted} union all ${deleted}`)};
        end if;
        return null;
      end $$`,
    )
    .execute(db);
  await sql`create function account_tallies_clear() returns trigger language plpgsql as $$
    begin delete from account_tallies; return null; end $$`.execute(db);
  await sql`create trigger account_tallies_insert after insert on accounts
    referencing new table as new_rows for each statement execute function account_tallies_apply()`.execute(db);
  await sql`create trigger account_tallies_update after update on accounts
    referencing old table as old_rows new table as new_rows for each statement execute function account_tallies_apply()`.execute(db);
  await sql`create trigger account_tallies_delete after delete on accounts
    referencing old table as old_rows for each statement execute function account_tallies_apply()`.execute(db);
  await sql`create trigger account_tallies_truncate after truncate on accounts
    for each statement execute function account_tallies_clear()`.execute(db);

  // Accounts accepted before this migration.
  await sql.raw(apply(counted('accounts', 1))).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const trigger of ['insert', 'update', 'delete', 'truncate']) {
    await sql.raw(`drop trigger account_tallies_${trigger} on accounts`).execute(db);
  }
  await sql`drop function account_tallies_apply()`.execute(db);
  await sql`drop function account_tallies_clear()`.execute(db);
  await db.schema.dropTable('account_tallies').execute();
}
