// Deleted means gone (issue 23, docs/threat-model-storage.md): a DELETE or an UPDATE leaves the
// old row's bytes in the table's pages, its TOAST, its indexes and the WAL until something
// overwrites them. The scrub rewrites the tables that hold a source's data (VACUUM FULL writes a
// fresh file holding live rows only and drops the old one at the next checkpoint), then starts
// a new WAL segment and checkpoints, so that every older segment is removed; with wal_recycle
// off they are unlinked rather than renamed for reuse with their old bytes inside.
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';
import { startPeriodicJob, type PeriodicJob } from '../periodic-job.js';
import { onConnectionWithoutStatementTimeout } from './database.js';

/** Every table a source's data or a trace of it lives in, and that rows are deleted from or updated in. */
export const SCRUBBED_TABLES = [
  'submissions',
  'messages',
  'attachment_uploads',
  'attachment_files',
  'attachment_chunks',
  'pending_accounts',
  'accounts',
  'stories',
  'press_questions',
] as const;
export type ScrubbedTable = (typeof SCRUBBED_TABLES)[number];

export interface ScrubReport {
  /** The tables rewritten. */
  rewritten: ScrubbedTable[];
  /** False when a transaction older than the scrub still held a snapshot: the rewrite had to keep what it could still see, so the next scrub rewrites again. */
  complete: boolean;
  /** How long the whole scrub took, in milliseconds. */
  ms: number;
  /** What kept the scrub from reaching every file, in words an operator can act on. */
  warnings: string[];
}

export interface ScrubOptions {
  /** Only these tables are rewritten (the WAL step always runs); all of them when absent. */
  tables?: readonly ScrubbedTable[];
  /** How long to wait for older snapshots to end before rewriting anyway (SNAPSHOT_WAIT_MS). */
  snapshotWaitMs?: number;
}

/** Long enough for a slow request or an ANALYZE to end; the scrub runs once an hour. */
export const SNAPSHOT_WAIT_MS = 30_000;

/**
 * Waits until no other session of this database holds a snapshot older than this moment. VACUUM
 * FULL copies a deleted row into the new file, as "recently dead", while any transaction could
 * still see it (a long request, an autovacuum ANALYZE): the deletions committed before the scrub
 * began are removable once every snapshot's xmin has passed the xmax of a snapshot taken now.
 * Returns false when some were still there after `waitMs`.
 */
async function olderSnapshotsEnded(db: Kysely<Database>, waitMs: number): Promise<boolean> {
  // xid8 to the 32-bit xid that pg_stat_activity shows; age() compares them across wraparound.
  const { rows } = await sql<{ horizon: string }>`select (pg_snapshot_xmax(pg_current_snapshot())::text::bigint % 4294967296)::text as horizon`.execute(db);
  const horizon = rows[0]!.horizon;
  const deadline = performance.now() + waitMs;
  for (;;) {
    const older = await sql<{ n: string }>`select count(*)::text as n from pg_stat_activity
      where datname = current_database() and pid <> pg_backend_pid() and backend_xmin is not null and age(backend_xmin) > age(${horizon}::xid)`.execute(db);
    if (Number(older.rows[0]?.n ?? 0) === 0) return true;
    if (performance.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Called in a deleting transaction: the next scheduled scrub rewrites the tables. */
export async function markScrubDue(trx: Kysely<Database>): Promise<void> {
  await trx.updateTable('scrub_due').set({ due: true }).where('id', '=', 1).execute();
}

/** Takes the flag: true when something was deleted since the last scrub took it. */
export async function takeScrubDue(db: Kysely<Database>): Promise<boolean> {
  const taken = await db.updateTable('scrub_due').set({ due: false }).where('id', '=', 1).where('due', '=', true).returning('id').executeTakeFirst();
  return taken !== undefined;
}

const PERMISSION_DENIED = '42501';
const isPermissionDenied = (error: unknown) => (error as { code?: unknown }).code === PERMISSION_DENIED;

/** Settings under which the engine keeps deleted bytes in WAL files after a scrub; empty when none. */
export async function walRetentionWarnings(db: Kysely<Database>): Promise<string[]> {
  // The server's own values (reset_val), not this session's: on Postgres the checkpointer obeys
  // those; PGlite checkpoints in this very session, so its session value is the one that counts.
  const { rows } = await sql<{ name: string; value: string }>`select name, case when version() like '%PGlite%' then setting else reset_val end as value
    from pg_settings where name in ('archive_mode', 'wal_recycle', 'wal_keep_size', 'track_commit_timestamp')`.execute(db);
  const setting = new Map(rows.map((r) => [r.name, r.value]));
  const warnings: string[] = [];
  if (setting.get('archive_mode') === 'on' || setting.get('archive_mode') === 'always') {
    warnings.push('archive_mode is on: archived WAL segments hold every deleted row and every commit time for as long as the archive keeps them (see docs/threat-model-storage.md).');
  }
  if (setting.get('wal_recycle') === 'on') {
    warnings.push('wal_recycle is on: old WAL segments are renamed for reuse with their bytes inside instead of removed; set wal_recycle = off.');
  }
  if (Number(setting.get('wal_keep_size') ?? 0) > 0) {
    warnings.push('wal_keep_size is above 0: that much old WAL is kept after every checkpoint; set it to 0.');
  }
  if (setting.get('track_commit_timestamp') === 'on') {
    warnings.push("track_commit_timestamp is on: the server keeps every transaction's commit time beside its rows (pg_xact_commit_timestamp); set it to off.");
  }
  const slots = await sql<{ n: string }>`select count(*)::text as n from pg_replication_slots`.execute(db).catch(() => ({ rows: [{ n: '0' }] }));
  if (Number(slots.rows[0]?.n ?? 0) > 0) warnings.push('a replication slot exists: WAL it has not consumed is kept, deleted rows included.');
  return warnings;
}

/**
 * Rewrites the tables, then ends the WAL segment and checkpoints twice, so that no file of the
 * data directory holds a deleted row any more. Runs outside any transaction (VACUUM cannot run
 * inside one). On Postgres a role without CHECKPOINT or pg_switch_wal rights gets a warning: the
 * engine's own checkpoints then remove the old WAL later (docs/threat-model-storage.md says when).
 */
export async function scrubDeletedData(pool: Kysely<Database>, options: ScrubOptions = {}): Promise<ScrubReport> {
  // A table rewrite can outlast the serving statement timeout; one connection, without it.
  return onConnectionWithoutStatementTimeout(pool, (db) => scrubOnConnection(db, options));
}

async function scrubOnConnection(db: Kysely<Database>, options: ScrubOptions): Promise<ScrubReport> {
  const started = performance.now();
  const warnings: string[] = [];
  // PGlite checkpoints in its own (only) process, so the session's setting governs it; on
  // Postgres the checkpointer reads the server's configuration, and this is only a try.
  await sql`set wal_recycle = off`.execute(db).catch((error: unknown) => {
    if (!isPermissionDenied(error)) throw error;
  });
  const rewritten = [...(options.tables ?? SCRUBBED_TABLES)];
  // Not a warning: the hourly job logs those, and a line about this run would date its deletions.
  const complete = rewritten.length === 0 || (await olderSnapshotsEnded(db, options.snapshotWaitMs ?? SNAPSHOT_WAIT_MS));
  for (const table of rewritten) await sql`vacuum (full) ${sql.table(table)}`.execute(db);
  try {
    // The first checkpoint writes the rewritten files out; the switch closes the segment that
    // holds the deletions; the second checkpoint removes every segment before it and unlinks
    // the files the rewrite replaced. Twice, so that the segment holding the first checkpoint goes too.
    await sql`checkpoint`.execute(db);
    for (let round = 0; round < 2; round++) {
      await sql`select pg_switch_wal()`.execute(db);
      await sql`checkpoint`.execute(db);
    }
  } catch (error) {
    if (!isPermissionDenied(error)) throw error;
    warnings.push("this database role may not run CHECKPOINT or pg_switch_wal(): old WAL goes only at the server's own checkpoints (grant pg_checkpoint and EXECUTE on pg_switch_wal).");
  }
  warnings.push(...(await walRetentionWarnings(db)));
  return { rewritten, complete, ms: performance.now() - started, warnings };
}

export interface ScrubJobLog {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** One hour: the window the README states for deleted rows and for the WAL's commit times. */
export const SCRUB_INTERVAL_MS = 60 * 60 * 1000;

/**
 * Every hour: a new WAL segment and checkpoints (so no WAL older than an hour is kept), and the
 * tables rewritten when something was deleted since the last run. It logs nothing when all is
 * well: a line per run would date the deletions it found. Warnings are logged once, at start.
 */
export function startScrubJob(db: Kysely<Database>, log: ScrubJobLog, intervalMs = SCRUB_INTERVAL_MS): PeriodicJob {
  let warned = false;
  const run = async () => {
    const due = await takeScrubDue(db);
    try {
      const report = await scrubDeletedData(db, due ? {} : { tables: [] });
      // Not logged (a line would date the deletions): the next run rewrites again.
      if (!report.complete) await markScrubDue(db);
      if (!warned) for (const warning of report.warnings) log.warn({}, `scrub: ${warning}`);
      warned = true;
    } catch (error) {
      // Taken but not done: the next run tries again.
      if (due) await markScrubDue(db).catch(() => {});
      throw error;
    }
  };
  return startPeriodicJob(run, (err) => log.error({ err }, 'scrub failed'), intervalMs);
}
