// The verification tier learns its third value (issue 33): 'verified_email' when a moderator's
// browser verified a platform's signed email for the account, above 'documents_seen' and 'none';
// a change of it moves the refresh rule like any facet. The SQL of 0016 is restated (a migration
// on main is never edited) with the one new case and the new column among the facets; `down`
// restores 0016's.
import { sql, type Kysely } from 'kysely';

// 0010's kinds (which restate 0005's), unchanged.
const TALLY_KINDS_V2 = `
    select sign, 'accounts' as kind, '' as a, '' as b from changes
    union all select sign, 'platform', p, '' from changes, unnest(platforms) p
    union all select sign, 'role', role, '' from changes where role is not null
    union all select sign, 'task_type', t, '' from changes, unnest(task_types) t
    union all select sign, 'condition', c.key, c.value from changes, jsonb_each_text(conditions) c
    union all select sign, 'platform_pay', p, pay_band from changes, unnest(platforms) p where pay_band is not null
    union all select sign, 'platform_condition', p || ':' || c.key, c.value from changes, unnest(platforms) p, jsonb_each_text(conditions) c
    union all select sign, 'role_task_type', role, t from changes, unnest(task_types) t where role is not null
    union all select sign, 'hours', hours_band, '' from changes where hours_band is not null
    union all select sign, 'version', account_version::text, '' from changes
    union all select sign, 'platform_version', p, account_version::text from changes, unnest(platforms) p
    union all select sign, 'fact', f.key, f.value from changes, jsonb_each_text(facts) f
    union all select sign, 'platform_fact', p || ':' || f.key, f.value from changes, unnest(platforms) p, jsonb_each_text(facts) f
    union all select sign, 'half_year', half_year, '' from changes where half_year is not null
    union all select sign, 'half_year_fact', half_year || ':' || f.key, f.value from changes, jsonb_each_text(facts) f where half_year is not null`;
// Every counted account has exactly one tier: 'documents_seen' when a moderator recorded document
// kinds, else 'none'. Only the tier is tallied, never the kinds, nor the tier by platform: the
// statistics publish it over all accounts only (server/publishing/statistics.ts tierTable).
const TIER_0016 = `(case when cardinality(coalesce(documents_seen, '{}')) > 0 then 'documents_seen' else 'none' end)`;
const TIER = `(case when signed_email_platform is not null then 'verified_email' when cardinality(coalesce(documents_seen, '{}')) > 0 then 'documents_seen' else 'none' end)`;
const tallyKindsTier = (tier: string) => `
    union all select sign, 'tier', ${tier}, '' from changes`;

const FACETS_V2 = ['platforms', 'task_types', 'role', 'pay_band', 'hours_band', 'conditions', 'account_version', 'facts', 'half_year'];

function definitions(withEmail: boolean) {
  const facets = withEmail ? [...FACETS_V2, 'documents_seen', 'signed_email_platform'] : [...FACETS_V2, 'documents_seen'];
  // Counted: accepted, not withdrawn, consented to statistics (quote implies it); as in 0005.
  const counted = (relation: string, sign: number) => `select ${sign} as sign, ${facets.join(', ')} from ${relation} where withdrawn_on is null and consent in ('quote', 'stats')`;
  // Ordered upserts take row locks in one order, so concurrent statements queue rather than deadlock.
  const apply = (changes: string) => `
    insert into account_tallies (kind, a, b, n)
    select kind, a, b, n from (
      with changes as (${changes})
      select kind, a, b, sum(sign) as n from (${TALLY_KINDS_V2}${tallyKindsTier(withEmail ? TIER : TIER_0016)}) as expanded
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

async function install(db: Kysely<unknown>, withEmail: boolean): Promise<void> {
  const d = definitions(withEmail);
  await sql.raw(d.tallies).execute(db);
  await sql.raw(d.changes).execute(db);
  await sql`delete from account_tallies`.execute(db);
  await sql.raw(d.recount).execute(db);
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await install(db, true);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await install(db, false);
}
