// Readiness (DESIGN §2): /readyz proves the database can still write by flipping the one
// boolean of this one-row table. It holds nothing about anyone.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('readiness_probe')
    .addColumn('id', 'smallint', (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn('flipped', 'boolean', (c) => c.notNull())
    .execute();
  await sql`insert into readiness_probe (id, flipped) values (1, false)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('readiness_probe').execute();
}
