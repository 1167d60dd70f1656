import type { Day } from './schema.js';

/** Today's date in UTC: the only kind of time the server keeps about sources. */
export function todayUtc(now: Date = new Date()): Day {
  return now.toISOString().slice(0, 10);
}
