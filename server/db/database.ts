// Chooses the database: Postgres through `pg` when DATABASE_URL is set, else embedded PGlite.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Config } from '../config.js';
import { PGliteDialect } from './pglite-dialect.js';
import type { Database } from './schema.js';

// `date` columns stay YYYY-MM-DD strings: a Date would invent a time of day and a time zone.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);

export type DatabaseKind = 'pglite' | 'postgres';

export interface DatabaseHandle {
  db: Kysely<Database>;
  kind: DatabaseKind;
}

export async function openDatabase(config: Pick<Config, 'databaseUrl' | 'dataDir'>): Promise<DatabaseHandle> {
  if (config.databaseUrl) {
    const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 20 });
    return { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), kind: 'postgres' };
  }
  const dir = path.join(config.dataDir, 'pglite');
  await mkdir(dir, { recursive: true });
  const pglite = new PGlite(dir);
  return { db: new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) }), kind: 'pglite' };
}

/** An in-memory PGlite database, for tests and throwaway runs. */
export function openMemoryDatabase(): DatabaseHandle {
  return { db: new Kysely<Database>({ dialect: new PGliteDialect({ pglite: new PGlite() }) }), kind: 'pglite' };
}
