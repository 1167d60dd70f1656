// Chooses the database: Postgres through `pg` when DATABASE_URL is set, else embedded PGlite.
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Config } from '../config.js';
import { describeError } from '../privacy/logging.js';
import { PGliteDialect } from './pglite-dialect.js';
import type { Database } from './schema.js';

// `date` columns stay YYYY-MM-DD strings: a Date would invent a time of day and a time zone.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);

export type DatabaseKind = 'pglite' | 'postgres';

/** Where a lost database connection is reported: the app's logger, or stderr before it exists. */
export interface ConnectionLossLog {
  warn(obj: { err: unknown }, msg: string): void;
}

export interface DatabaseHandle {
  db: Kysely<Database>;
  kind: DatabaseKind;
  /** Sends later reports of lost idle connections to `log` (Postgres only; PGlite has none). */
  reportLostConnectionsTo(log: ConnectionLossLog): void;
}

const LOST_CONNECTION = 'database: an idle connection was lost; the next query opens a new one';

// Only the code (57P01 on a restart, ECONNRESET…): describeError is the app logger's policy too.
const stderrLog: ConnectionLossLog = {
  warn: ({ err }, msg) => console.error(`offscript: ${msg} (${String(describeError(err).code ?? 'no code')})`),
};

export async function openDatabase(config: Pick<Config, 'databaseUrl' | 'dataDir'>): Promise<DatabaseHandle> {
  if (config.databaseUrl) {
    const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 20 });
    let log = stderrLog;
    // A restart of Postgres or a cut network breaks idle connections, which pg reports as an
    // 'error' on the pool; unheard, that event would end the process. The pool drops them itself.
    pool.on('error', (err) => log.warn({ err }, LOST_CONNECTION));
    return {
      db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }),
      kind: 'postgres',
      reportLostConnectionsTo: (to) => (log = to),
    };
  }
  const dir = path.join(config.dataDir, 'pglite');
  await mkdir(dir, { recursive: true });
  const releaseLock = await lockDataDir(config.dataDir);
  const pglite = new PGlite(dir);
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite, onClose: releaseLock }) });
  return { db, kind: 'pglite', reportLostConnectionsTo: () => {} };
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** PGlite is one process's database: a second process on the same directory would corrupt it. */
async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const lockPath = path.join(dataDir, 'pglite.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lockPath, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(await readFile(lockPath, 'utf8').catch(() => ''));
      if (holder && holder !== process.pid && processIsAlive(holder)) {
        throw new Error(
          `The database in ${dataDir} is in use by process ${holder} (probably the running server). Stop it first, or use Postgres (DATABASE_URL).`,
        );
      }
      // A lock left by a process that died (kill -9, power loss): take it over.
      await rm(lockPath, { force: true });
    }
  }
  throw new Error(`Could not lock ${dataDir}.`);
}

/** An in-memory PGlite database, for tests and throwaway runs. */
export function openMemoryDatabase(): DatabaseHandle {
  return {
    db: new Kysely<Database>({ dialect: new PGliteDialect({ pglite: new PGlite() }) }),
    kind: 'pglite',
    reportLostConnectionsTo: () => {},
  };
}
