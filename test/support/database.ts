// A fresh, migrated database per test file: in-memory PGlite, or a new database on the
// Postgres server that DATABASE_URL names (as CI does). Both are copies of the template that
// test/support/database-template.ts migrated once.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { inject } from 'vitest';
import { openMemoryDatabase, type DatabaseKind } from '../../server/db/database.js';
import type { Database } from '../../server/db/schema.js';

export interface TestDatabase {
  db: Kysely<Database>;
  kind: DatabaseKind;
  /** A connection string for a child process, or undefined on PGlite. */
  url: string | undefined;
  close(): Promise<void>;
}

export const testDatabaseUrl = process.env.DATABASE_URL || undefined;

export async function openTestDatabase(): Promise<TestDatabase> {
  if (!testDatabaseUrl) {
    const template = inject('pgliteTemplate');
    if (!template) throw new Error("no PGlite template: is test/support/database-template.ts in this project's globalSetup?");
    const { db, kind } = openMemoryDatabase(new Blob([await readFile(template)]));
    return { db, kind, url: undefined, close: () => db.destroy() };
  }
  const template = inject('postgresTemplate');
  if (!template) throw new Error("no Postgres template: is test/support/database-template.ts in this project's globalSetup?");
  const name = `offscript_test_${randomBytes(6).toString('hex')}`;
  await createDatabaseFrom(template, name);
  const url = new URL(testDatabaseUrl);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 10 });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    kind: 'postgres',
    url: url.toString(),
    async close() {
      // pool.end() resolves before its sockets close, so the forced drop below may end a
      // connection still saying goodbye; pg reports that as a pool 'error', expected here.
      pool.on('error', () => {});
      await db.destroy();
      const cleanup = new pg.Client({ connectionString: testDatabaseUrl });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}

/** Postgres copies a template only while no other copy is being made from it (55006): wait and retry. */
async function createDatabaseFrom(template: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: testDatabaseUrl });
  await admin.connect();
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        await admin.query(`create database ${name} template ${template}`);
        return;
      } catch (error) {
        if ((error as { code?: string }).code !== '55006' || attempt >= 50) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      }
    }
  } finally {
    await admin.end();
  }
}

/** Every row of every table in the public schema, as text: for "appears nowhere" checks. */
export async function dumpAllTables(db: Kysely<Database>): Promise<string> {
  const tables = await sql<{ table_name: string }>`
    select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'
  `.execute(db);
  let dump = '';
  for (const { table_name } of tables.rows) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table_name)}`.execute(db);
    for (const row of rows.rows) {
      dump += `${table_name}: ${JSON.stringify(row, (_key, value: unknown) =>
        value instanceof Uint8Array ? `\\x${Buffer.from(value).toString('hex')} ${Buffer.from(value).toString('latin1')}` : value,
      )}\n`;
    }
  }
  return dump;
}
