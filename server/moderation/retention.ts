// Retention (DESIGN §4): a decided submission's ciphertext and messages are deleted
// RETENTION_DAYS after it was decided. The row itself stays (status, days) for the
// source's timeline; `purged_on` records when the rest went.
import type { Kysely } from 'kysely';
import { addDays, todayUtc } from '../db/day.js';
import type { Database, Day, SubmissionStatus } from '../db/schema.js';
import { deleteAttachmentsOf, deleteUnsentUploads } from '../attachments/service.js';
import { appendAuditEntry } from '../audit/log.js';
import { markScrubDue } from '../db/scrub.js';
import { heldByClock, onClockConfirmed, type ClockGuard } from '../clock/guard.js';
import { startPeriodicJob, type PeriodicJob } from '../periodic-job.js';

/** Statuses that count as decided; withdrawal deletes at once elsewhere. */
export const DECIDED_STATUSES = ['accepted', 'rejected'] as const satisfies readonly SubmissionStatus[];
export type DecidedStatus = (typeof DECIDED_STATUSES)[number];

function checkRetentionDays(retentionDays: number): void {
  if (!Number.isSafeInteger(retentionDays) || retentionDays < 0) {
    throw new Error(`retentionDays must be a non-negative integer, got ${retentionDays}`);
  }
}

export interface PurgeOptions {
  retentionDays: number;
  today?: Day;
}

/**
 * Deletes the envelope and messages of every submission decided at least `retentionDays`
 * ago, in one transaction with one `retention.purged` audit entry (a count, never ids: ids
 * next to a day could be correlated). Running it again purges nothing more.
 */
export async function purgeExpiredSubmissions(db: Kysely<Database>, { retentionDays, today = todayUtc() }: PurgeOptions): Promise<{ purged: number }> {
  checkRetentionDays(retentionDays);
  const cutoff = addDays(today, -retentionDays);
  return db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('submissions')
      .set({ envelope: null, purged_on: today })
      .where('status', 'in', DECIDED_STATUSES)
      .where('decided_on', 'is not', null)
      .where('decided_on', '<=', cutoff)
      .where('envelope', 'is not', null)
      .executeTakeFirst();
    const purged = Number(updated.numUpdatedRows);
    // Every expired submission's messages and files, so that none is left behind by an earlier partial state.
    const expired = trx.selectFrom('submissions').select('id').where('status', 'in', DECIDED_STATUSES).where('decided_on', 'is not', null).where('decided_on', '<=', cutoff);
    // Files first: reply files go with their messages, and are counted before they do.
    const filesDeleted = await deleteAttachmentsOf(trx, expired);
    await trx.deleteFrom('messages').where('submission_id', 'in', expired).execute();
    // Uploads a closed tab never sent, begun before yesterday: a whole day old, so none is still under way.
    const unsentUploadsDeleted = await deleteUnsentUploads(trx, addDays(today, -1));
    if (purged > 0 || filesDeleted > 0 || unsentUploadsDeleted > 0) {
      await markScrubDue(trx);
      // Counts only: that files went, never what they held.
      await appendAuditEntry(trx, { actor: 'system', action: 'retention.purged', details: { count: purged, filesDeleted, unsentUploadsDeleted } });
    }
    return { purged };
  });
}

export interface ScheduledPurge {
  submissionId: string;
  status: DecidedStatus;
  decidedOn: Day;
  purgeOn: Day;
}

/** Decided submissions not yet purged, with the day their ciphertext goes, soonest first. */
export async function purgeSchedule(db: Kysely<Database>, { retentionDays }: { retentionDays: number }): Promise<ScheduledPurge[]> {
  checkRetentionDays(retentionDays);
  const rows = await db
    .selectFrom('submissions')
    .select(['id', 'status', 'decided_on'])
    .where('status', 'in', DECIDED_STATUSES)
    .where('decided_on', 'is not', null)
    .where('purged_on', 'is', null)
    .orderBy('decided_on', 'asc')
    .orderBy('id', 'asc')
    .execute();
  return rows.map((row) => ({
    submissionId: row.id,
    status: row.status as DecidedStatus,
    decidedOn: row.decided_on!,
    purgeOn: addDays(row.decided_on!, retentionDays),
  }));
}

export interface PurgeLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface DailyPurgeOptions {
  retentionDays: number;
  log: PurgeLog;
  /** How often to look whether the UTC day changed; one hour unless a test says otherwise. */
  checkIntervalMs?: number;
  /** The clock; tests move it forward. Taken from `clock` when that is given. */
  now?: () => Date;
  /** Holds the purge while the clock is far from the latest time seen (docs/faults.md). */
  clock?: ClockGuard;
}

/**
 * Purges now, then once per UTC day (checked hourly on an unref'ed timer, so it never keeps
 * the process alive). A failed purge is logged and retried at the next check, never thrown.
 */
export function startDailyPurge(db: Kysely<Database>, options: DailyPurgeOptions): PeriodicJob {
  const { retentionDays, log, checkIntervalMs = 60 * 60 * 1000, clock } = options;
  const now = clock?.now ?? options.now ?? (() => new Date());
  let lastDay: Day | undefined;
  const job = startPeriodicJob(
    async () => {
      const today = todayUtc(now());
      if (today === lastDay) return;
      if (await heldByClock(clock, log, 'retention')) return;
      const { purged } = await purgeExpiredSubmissions(db, { retentionDays, today });
      lastDay = today;
      if (purged > 0) log.info({ purged }, 'retention: purged expired submissions');
    },
    (err) => log.error({ err }, 'retention: purge failed'),
    checkIntervalMs,
  );
  // An operator's clock:confirm lets the held purge run at once.
  const stopListening = onClockConfirmed(job.runNow);
  return {
    runNow: job.runNow,
    async stop() {
      stopListening();
      await job.stop();
    },
  };
}
