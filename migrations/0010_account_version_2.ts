// Account version 2 (DESIGN §5): the questions reporters ask. Accounts gain their version (1
// for every account accepted before: its unasked questions count as "not asked", never "no"),
// the version-2 answers and derived facts as one jsonb object, and the half-year the work
// happened. The tallies of 0005 learn the new kinds and are recounted; the change counter of
// 0006 counts a change of the new facets too. `down` restores 0005's and 0006's functions.
import { sql, type Kysely } from 'kysely';

// 0005's kinds, then (version 2) accounts by version per platform, each fact's answer per
// platform, per half-year and overall, and accounts per half-year.
const TALLY_KINDS_V1 = `
    select sign, 'accounts' as kind, '' as a, '' as b from changes
    union all select sign, 'platform', p, '' from changes, unnest(platforms) p
    union all select sign, 'role', role, '' from changes where role is not null
    union all select sign, 'task_type', t, '' from changes, unnest(task_types) t
    union all select sign, 'condition', c.key, c.value from changes, jsonb_each_text(conditions) c
    union all select sign, 'platform_pay', p, pay_band from changes, unnest(platforms) p where pay_band is not null
    union all select sign, 'platform_condition', p || ':' || c.key, c.value from changes, unnest(platforms) p, jsonb_each_text(conditions) c
    union all select sign, 'role_task_type', role, t from changes, unnest(task_types) t where role is not null
    union all select sign, 'hours', hours_band, '' from changes where hours_band is not null`;
const TALLY_KINDS_V2 = `
    union all select sign, 'version', account_version::text, '' from changes
    union all select sign, 'platform_version', p, account_version::text from changes, unnest(platforms) p
    union all select sign, 'fact', f.key, f.value from changes, jsonb_each_text(facts) f
    union all select sign, 'platform_fact', p || ':' || f.key, f.value from changes, unnest(platforms) p, jsonb_each_text(facts) f
    union all select sign, 'half_year', half_year, '' from changes where half_year is not null
    union all select sign, 'half_year_fact', half_year || ':' || f.key, f.value from changes, jsonb_each_text(facts) f where half_year is not null`;

const FACETS_V1 = ['platforms', 'task_types', 'role', 'pay_band', 'hours_band', 'conditions'];
const FACETS_V2 = [...FACETS_V1, 'account_version', 'facts', 'half_year'];

function definitions(version2: boolean) {
  const facets = version2 ? FACETS_V2 : FACETS_V1;
  // Counted: accepted, not withdrawn, consented to statistics (quote implies it); as in 0005.
  const counted = (relation: string, sign: number) => `select ${sign} as sign, ${facets.join(', ')} from ${relation} where withdrawn_on is null and consent in ('quote', 'stats')`;
  // Ordered upserts take row locks in one order, so concurrent statements queue rather than deadlock.
  const apply = (changes: string) => `
    insert into account_tallies (kind, a, b, n)
    select kind, a, b, n from (
      with changes as (${changes})
      select kind, a, b, sum(sign) as n from (${TALLY_KINDS_V1}${version2 ? TALLY_KINDS_V2 : ''}) as expanded
      group by kind, a, b
    ) as tallied where n <> 0 order by kind, a, b
    on conflict (kind, a, b) do update set n = account_tallies.n + excluded.n`;
  const isCounted = (alias: string) => `(${alias}.withdrawn_on is null and ${alias}.consent in ('quote', 'stats'))`;
  const facetsOf = (alias: string) => `(${facets.map((f) => `${alias}.${f}`).join(', ')})`;
  return {
    recount: apply(counted('accounts', 1)),
    tallies: `create or replace function account_tallies_apply() returns trigger language plpgsql as $$
      begin
        if TG_OP = 'INSERT' then
          ${apply(counted('new_rows', 1))};
        elsif TG_OP = 'DELETE' then
          ${apply(counted('old_rows', -1))};
        else
          ${apply(`${counted('new_rows', 1)} union all ${counted('old_rows', -1)}`)};
        end if;
        return null;
      end $$`,
    // An update counts once per account whose membership or facets changed.
    changes: `create or replace function statistics_changes_apply() returns trigger language plpgsql as $$
      declare moved bigint;
      begin
        if TG_OP = 'INSERT' then
          select count(*) into moved from new_rows n where ${isCounted('n')};
        elsif TG_OP = 'DELETE' then
          select count(*) into moved from old_rows o where ${isCounted('o')};
        else
          select count(*) into moved from old_rows o join new_rows n on n.id = o.id
          where ${isCounted('o')} is distinct from ${isCounted('n')} or (${isCounted('n')} and ${facetsOf('o')} is distinct from ${facetsOf('n')});
        end if;
        if moved > 0 then
          update statistics_changes set changes = changes + moved where id = 1;
        end if;
        return null;
      end $$`,
  };
}

async function install(db: Kysely<unknown>, version2: boolean): Promise<void> {
  const d = definitions(version2);
  await sql.raw(d.tallies).execute(db);
  await sql.raw(d.changes).execute(db);
  await sql`delete from account_tallies`.execute(db);
  await sql.raw(d.recount).execute(db);
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('accounts')
    .addColumn('account_version', 'smallint', (c) =>
      c
        .notNull()
        .defaultTo(1)
        .check(sql`account_version in (1, 2)`),
    )
    .addColumn('facts', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('half_year', 'text', (c) => c.check(sql`half_year ~ '^[0-9]{4}-H[12]$'`))
    .execute();
  await install(db, true);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await install(db, false);
  await db.schema.alterTable('accounts').dropColumn('half_year').dropColumn('facts').dropColumn('account_version').execute();
}
