// server/db/schema.ts (the table types Kysely checks queries against) against the database the
// migrations build: the same tables and the same columns, on PGlite and on Postgres. A fixture
// migration that adds a column schema.ts lacks shows the check failing.
import { Migrator } from 'kysely/migration';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../../migrations/index.js';
import * as columnSchemaLacks from '../fixtures/migrations/9999_column_schema_lacks.js';
import { openTestDatabase, type TestDatabase } from '../support/database.js';
import { declaredColumns, migratedColumns, mirrorDrift } from '../support/schema-mirror.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => database?.close());

describe('server/db/schema.ts mirrors the migrated database', () => {
  const declared = declaredColumns();

  it('declares every table and column the migrations create, and no other', async () => {
    expect(declared.size).toBeGreaterThan(20);
    expect(mirrorDrift(declared, await migratedColumns(database.db))).toEqual([]);
  });

  it('fails when a migration adds a column schema.ts lacks (fixture migration 9999)', async () => {
    const withFixture = { ...migrations, '9999_column_schema_lacks': columnSchemaLacks };
    const migrator = new Migrator({ db: database.db, provider: { getMigrations: async () => withFixture } });
    const { error } = await migrator.migrateToLatest();
    expect(error).toBeUndefined();
    expect(mirrorDrift(declared, await migratedColumns(database.db))).toEqual(['stories.fixture_undeclared: in the database, not in server/db/schema.ts']);
  });
});
