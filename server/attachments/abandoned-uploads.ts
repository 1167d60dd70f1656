// Uploads a source abandoned (a closed tab, a network that never came back) are deleted within
// the hour (issue #27, docs/faults.md), with no time stored: every half hour the sweep reads how
// many chunks each unsent upload holds, and deletes those that gained none since the previous
// sweep. What it compares lives only in this process's memory; the counts are the database's,
// so a chunk taken by any instance keeps an upload alive.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

export const SWEEP_INTERVAL_MS = 30 * 60 * 1000;

/** Chunks held by each unsent upload at one sweep. */
export type UnsentUploads = ReadonlyMap<string, number>;

/**
 * Deletes the unsent uploads that hold as many chunks as at `previous` (idle for a whole sweep
 * interval); resolves to what is left, for the next sweep, and how many went.
 */
export async function sweepAbandonedUploads(db: Kysely<Database>, previous: UnsentUploads): Promise<{ unsent: UnsentUploads; deleted: number }> {
  const rows = await db
    .selectFrom('attachment_uploads as u')
    .leftJoin('attachment_chunks as c', 'c.upload_id', 'u.id')
    .select((eb) => ['u.id', eb.fn.count<string>('c.chunk_index').as('chunks')])
    .where('u.submission_id', 'is', null)
    .groupBy('u.id')
    .execute();
  const idle = rows.filter((row) => previous.get(row.id) === Number(row.chunks)).map((row) => row.id);
  if (idle.length > 0) {
    // Still unsent: one sent between the read and now is kept.
    await db.deleteFrom('attachment_uploads').where('id', 'in', idle).where('submission_id', 'is', null).execute();
  }
  const unsent = new Map(rows.filter((row) => !idle.includes(row.id)).map((row) => [row.id, Number(row.chunks)]));
  return { unsent, deleted: idle.length };
}

export interface AbandonedUploadSweep {
  stop(): Promise<void>;
}

/** Sweeps every `intervalMs` on an unref'ed timer; a failed sweep is logged and tried again next time. */
export function startAbandonedUploadSweep(
  db: Kysely<Database>,
  log: { info(obj: object, msg: string): void; error(obj: object, msg: string): void },
  intervalMs = SWEEP_INTERVAL_MS,
): AbandonedUploadSweep {
  let previous: UnsentUploads = new Map();
  let running: Promise<void> | undefined;
  const sweep = () => {
    if (running) return;
    running = sweepAbandonedUploads(db, previous)
      .then(({ unsent, deleted }) => {
        previous = unsent;
        // A count only: which uploads, or when they began, is nobody's business.
        if (deleted > 0) log.info({ deleted }, 'attachments: deleted abandoned uploads');
      })
      .catch((err: unknown) => log.error({ err }, 'attachments: sweeping abandoned uploads failed'))
      .finally(() => {
        running = undefined;
      });
  };
  sweep();
  const timer = setInterval(sweep, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
