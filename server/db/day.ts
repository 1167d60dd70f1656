import type { Day } from './schema.js';

const DAY_MS = 86_400_000;
// The day last asked for and the span of clock readings it covers: asked on every request, and a
// clock that jumps (tests, an operator's fix) falls outside the span and is read afresh.
let memo = { day: '', from: 0, until: 0 };

/** Today's date in UTC: the only kind of time the server keeps about sources. */
export function todayUtc(now?: Date): Day {
  if (now) return now.toISOString().slice(0, 10);
  const ms = Date.now();
  if (ms < memo.from || ms >= memo.until) {
    const from = Math.floor(ms / DAY_MS) * DAY_MS;
    memo = { day: new Date(ms).toISOString().slice(0, 10), from, until: from + DAY_MS };
  }
  return memo.day;
}

/**
 * A stored day as a page states it: never after `today` (a release made while the clock ran
 * ahead must not read as coming from the future; docs/faults.md).
 */
export function notAfterToday(day: Day, today: Day = todayUtc()): Day {
  return day > today ? today : day;
}

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `day` plus `days` (may be negative), as YYYY-MM-DD in the UTC calendar. */
export function addDays(day: Day, days: number): Day {
  const match = DAY_PATTERN.exec(day);
  if (!match) throw new Error(`not a YYYY-MM-DD day: ${day}`);
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  if (date.toISOString().slice(0, 10) !== day) throw new Error(`not a calendar day: ${day}`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}
