import type { Day } from './schema.js';

/** Today's date in UTC: the only kind of time the server keeps about sources. */
export function todayUtc(now: Date = new Date()): Day {
  return now.toISOString().slice(0, 10);
}

/**
 * A stored day as a page states it: never after `today` (a release made while the clock ran
 * ahead must not read as coming from the future; docs/faults.md).
 */
export function notAfterToday(day: Day, today: Day = todayUtc()): Day {
  return day > today ? today : day;
}
