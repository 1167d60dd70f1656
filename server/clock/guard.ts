// Time that cannot run away (issue #27, docs/faults.md): the jobs that delete or publish by
// date (retention, releases) act only while the clock reads within a margin of the latest time
// they saw. A clock far ahead (a bad NTP answer, a wrong RTC, a VM restored with another date)
// or behind stops them, says so at start-up and on /readyz, and waits for an operator to run
// `npm run clock:confirm`, which takes the present reading as right.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

export type ClockVerdict = { state: 'ok' } | { state: 'ahead' | 'behind'; /** How far from the latest time seen, in minutes. */ minutes: number; seenAt: Date };

// The watermark moves forward at most once a minute: /readyz asks every few seconds.
const ADVANCE_STEP_MS = 60_000;

export interface ClockGuardOptions {
  marginMinutes: number;
  /** The clock; tests move it. */
  now?: () => Date;
}

/** Listeners in this process told when an operator confirms the clock (the jobs check again at once). */
const confirmationListeners = new Set<() => void>();

export function onClockConfirmed(listener: () => void): () => void {
  confirmationListeners.add(listener);
  return () => confirmationListeners.delete(listener);
}

export class ClockGuard {
  readonly #db: Kysely<Database>;
  readonly #marginMs: number;
  readonly now: () => Date;
  #last: ClockVerdict = { state: 'ok' };

  constructor(db: Kysely<Database>, { marginMinutes, now = () => new Date() }: ClockGuardOptions) {
    this.#db = db;
    this.#marginMs = marginMinutes * 60_000;
    this.now = now;
  }

  /** The verdict of the latest check (ok before the first). */
  get last(): ClockVerdict {
    return this.#last;
  }

  /**
   * Compares the clock with the latest time seen; while within the margin, moves that time
   * forward. A first check (nothing seen yet) records the present reading.
   */
  async check(): Promise<ClockVerdict> {
    const now = this.now();
    const row = await this.#db.selectFrom('clock_watermark').select('seen_at').where('id', '=', 1).executeTakeFirst();
    if (!row) {
      await this.#db
        .insertInto('clock_watermark')
        .values({ id: 1, seen_at: now })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      return (this.#last = { state: 'ok' });
    }
    const seenAt = new Date(row.seen_at);
    const apart = now.getTime() - seenAt.getTime();
    if (Math.abs(apart) > this.#marginMs) {
      return (this.#last = { state: apart > 0 ? 'ahead' : 'behind', minutes: Math.round(Math.abs(apart) / 60_000), seenAt });
    }
    if (apart >= ADVANCE_STEP_MS) {
      // greatest(): another instance may have moved it further meanwhile.
      await this.#db
        .updateTable('clock_watermark')
        .set({ seen_at: sql<Date>`greatest(seen_at, ${now})` })
        .where('id', '=', 1)
        .execute();
    }
    return (this.#last = { state: 'ok' });
  }

  /** Whether a dated job may act now; a refusal is logged by the caller with describeClockVerdict. */
  async allows(): Promise<boolean> {
    return (await this.check()).state === 'ok';
  }
}

/** One line for the log, the start-up message and an operator command. */
export function describeClockVerdict(verdict: ClockVerdict): string {
  if (verdict.state === 'ok') return 'the clock agrees with the latest time seen';
  const span = verdict.minutes >= 2 * 24 * 60 ? `${Math.round(verdict.minutes / (24 * 60))} days` : `${verdict.minutes} minutes`;
  return (
    `the clock reads ${span} ${verdict.state === 'ahead' ? 'after' : 'before'} the latest time seen (${verdict.seenAt.toISOString()}); ` +
    'retention and releases wait until an operator checks the clock and runs `npm run clock:confirm`'
  );
}

/** `npm run clock:confirm`: the present reading is right; the dated jobs act again from it. */
export async function confirmClock(db: Kysely<Database>, now: Date = new Date()): Promise<Date> {
  await db
    .insertInto('clock_watermark')
    .values({ id: 1, seen_at: now })
    .onConflict((oc) => oc.column('id').doUpdateSet({ seen_at: now }))
    .execute();
  for (const listener of confirmationListeners) listener();
  return now;
}

/** Whether a dated job must wait for the clock; says why in the log each time it waits. */
export async function heldByClock(clock: ClockGuard | undefined, log: { warn(obj: object, msg: string): void }, job: string): Promise<boolean> {
  if (!clock) return false;
  const verdict = await clock.check();
  if (verdict.state === 'ok') return false;
  log.warn({ clock: verdict.state, minutes: verdict.minutes }, `${job} held: ${describeClockVerdict(verdict)}`);
  return true;
}
