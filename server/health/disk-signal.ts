// What the server's own writes say about the database's disk (issue #27, docs/faults.md): a
// full Postgres disk often still takes the readiness probe's small update into a page that has
// room, while every new row fails. A write refused for want of space turns /readyz not ready
// with `disk` for a while after.
import { isDatabaseUnavailable } from '../db/database.js';

// Long enough for an orchestrator polling every few seconds to see it (while writes keep failing it
// is renewed); short enough that /readyz recovers within seconds of space being freed.
export const DISK_FULL_MEMORY_MS = 5000;

// SQLSTATE 53100 disk_full (Postgres: "could not extend file"), and the file system's own words.
const DISK_FULL_CODES = new Set(['53100', 'ENOSPC']);

/** True when `error` (or what it wraps) says the database could not get disk space. */
export function isDiskFull(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && DISK_FULL_CODES.has(code)) return true;
  if (/No space left on device|could not extend file/i.test(error.message) && isDatabaseUnavailable(error)) return true;
  return error.cause !== undefined && isDiskFull(error.cause);
}

/** When this process last had a write refused for want of space. */
export class RecentDiskFull {
  #at = -Infinity;

  note(error: unknown): void {
    if (isDiskFull(error)) this.#at = performance.now();
  }

  get recent(): boolean {
    return performance.now() - this.#at < DISK_FULL_MEMORY_MS;
  }
}
