// Account version 3 (DESIGN §5, issue 32): 2026's questions. Their answers go into the `facts`
// jsonb of 0010, which the tallies already count by key (platform_fact, fact, half_year_fact), so
// only the version's check widens. Accounts of versions 1 and 2 keep their version: the questions
// their form never asked count as "not asked". `down` narrows the check again and refuses while a
// version-3 account exists (it cannot be made into an older one without losing its answers).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table accounts drop constraint if exists accounts_account_version_check`.execute(db);
  await sql`alter table accounts add constraint accounts_account_version_check check (account_version in (1, 2, 3))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table accounts drop constraint accounts_account_version_check`.execute(db);
  await sql`alter table accounts add constraint accounts_account_version_check check (account_version in (1, 2))`.execute(db);
}
