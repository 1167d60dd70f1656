// The last audit entry the console verified (issue 25): the audit view verifies from there on,
// not the whole chain each time. `npm run audit:verify` still walks every entry.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('audit_checkpoint')
    .addColumn('id', 'integer', (c) => c.primaryKey().check(sqlOnlyRow()))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('hash', 'bytea', (c) => c.notNull())
    .execute();
}

function sqlOnlyRow() {
  return sql`id = 1`;
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('audit_checkpoint').execute();
}
