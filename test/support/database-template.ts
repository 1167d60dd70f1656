// Global setup: migrate one database once, so that each test file starts from a copy of it
// (a PGlite data-directory dump, or a Postgres `create database … template`) instead of
// booting and migrating its own.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { PGLITE_DATE_OPTIONS, pgliteKysely } from '../../server/db/database.js';
import { migrateToLatest } from '../../server/db/migrator.js';
import type { Database } from '../../server/db/schema.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A file holding the migrated PGlite data directory (tar), on PGlite runs. */
    pgliteTemplate: string | undefined;
    /** The migrated template database's name, on Postgres runs. */
    postgresTemplate: string | undefined;
  }
}

async function adminQuery(url: string, text: string): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(text);
  } finally {
    await admin.end();
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const serverUrl = process.env.DATABASE_URL || undefined;
  if (serverUrl) {
    const name = `offscript_template_${randomBytes(6).toString('hex')}`;
    await adminQuery(serverUrl, `create database ${name}`);
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url.toString(), max: 1 }) }) });
    await migrateToLatest(db);
    await db.destroy();
    project.provide('pgliteTemplate', undefined);
    project.provide('postgresTemplate', name);
    return () => adminQuery(serverUrl, `drop database if exists ${name} with (force)`);
  }
  const pglite = new PGlite(PGLITE_DATE_OPTIONS);
  const db = pgliteKysely(pglite);
  await migrateToLatest(db);
  // Uncompressed: loading it is then a copy, which is what makes the per-file start fast.
  const dump = await pglite.dumpDataDir('none');
  await db.destroy();
  const dir = await mkdtemp(path.join(tmpdir(), 'offscript-template-'));
  const file = path.join(dir, 'pglite.tar');
  await writeFile(file, new Uint8Array(await dump.arrayBuffer()));
  project.provide('pgliteTemplate', file);
  project.provide('postgresTemplate', undefined);
  return () => rm(dir, { recursive: true, force: true });
}
