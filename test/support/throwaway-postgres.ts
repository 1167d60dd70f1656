// A Postgres cluster of the test's own (scripts/throwaway-postgres.sh), which the test may
// restart or stop without touching the one the rest of the suite uses.
import { execFile } from 'node:child_process';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { migrateToLatest } from '../../server/db/migrator.js';
import type { Database } from '../../server/db/schema.js';
import { createIntakeKey, type TestIntakeKey } from './intake.js';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const script = fileURLToPath(new URL('../../scripts/throwaway-postgres.sh', import.meta.url));
const run = promisify(execFile);

export interface OwnPostgres {
  url: string;
  /** pg_ctl restart -m fast; resolves once Postgres accepts connections again. */
  restart(): Promise<void>;
  /** pg_ctl stop -m immediate, as a crash would. */
  halt(): Promise<void>;
  /** Starts it again after halt(); resolves once it accepts connections. */
  resume(): Promise<void>;
  stop(): Promise<void>;
  /** SIGSTOP to the postmaster and every backend: a server that hangs, not one that fails. */
  freeze(): Promise<void>;
  /** SIGCONT to the same processes. */
  thaw(): Promise<void>;
}

/** The processes whose parent is `pid`, from /proc (Linux). */
async function childrenOf(pid: number): Promise<number[]> {
  const children: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    // The field after the parenthesised name: state, then parent pid.
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (parent === pid) children.push(Number(entry));
  }
  return children;
}

/**
 * Signals the postmaster (postmaster.pid's first line) and every backend it forked. Each child
 * is a session of its own (Postgres calls setsid), so a process-group signal would miss them;
 * the postmaster is stopped first, so that it forks nothing new while they are listed.
 */
async function signalPostmasterAndBackends(dir: string, signal: NodeJS.Signals): Promise<void> {
  const pid = Number((await readFile(path.join(dir, 'data', 'postmaster.pid'), 'utf8')).split('\n')[0]);
  if (!Number.isSafeInteger(pid) || pid <= 1) throw new Error(`no postmaster pid in ${dir}`);
  const order = signal === 'SIGSTOP' ? [pid, ...(await childrenOf(pid))] : [...(await childrenOf(pid)), pid];
  for (const each of order) {
    try {
      process.kill(each, signal);
    } catch {
      // A backend that ended meanwhile.
    }
  }
}

export async function startOwnPostgres(): Promise<OwnPostgres> {
  const { stdout } = await run('bash', [script, 'start']);
  const url = /DATABASE_URL=(\S+)/.exec(stdout)?.[1];
  const dir = /PG_THROWAWAY_DIR=(\S+)/.exec(stdout)?.[1];
  if (!url || !dir) throw new Error(`throwaway-postgres.sh start printed no DATABASE_URL: ${stdout}`);
  const bounce = async (action: string) => void (await run('bash', [script, action, dir]));
  return {
    url,
    restart: () => bounce('restart'),
    halt: () => bounce('halt'),
    resume: () => bounce('resume'),
    stop: () => bounce('stop'),
    freeze: () => signalPostmasterAndBackends(dir, 'SIGSTOP'),
    thaw: () => signalPostmasterAndBackends(dir, 'SIGCONT'),
  };
}

/**
 * A Postgres of the test's own, migrated, with an intake key, and the test's own small pool on
 * it (which hears the errors of the restarts and pauses the test causes).
 */
export async function startMigratedOwnPostgres(): Promise<{ postgres: OwnPostgres; db: Kysely<Database>; key: TestIntakeKey }> {
  const postgres = await startOwnPostgres();
  const pool = new pg.Pool({ connectionString: postgres.url, max: 2 });
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  await migrateToLatest(db);
  return { postgres, db, key: await createIntakeKey(db) };
}
