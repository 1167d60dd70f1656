// Refused logins as a count per handle and day (issue 25), instead of one audit entry per attempt:
// a stranger's flood of attempts cannot bury real events. Keyed by the keyed hash of the handle
// (as login challenges are), so an invented handle costs the same work as a real one.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('refused_login_counts')
    .addColumn('handle_hash', 'bytea', (c) => c.notNull())
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('step', 'text', (c) => c.notNull().check(sqlStepCheck()))
    .addColumn('refused', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('refused_login_counts_pkey', ['handle_hash', 'day', 'step'])
    .execute();
}

function sqlStepCheck() {
  return sql`step in ('passkey', 'signature')`;
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('refused_login_counts').execute();
}
