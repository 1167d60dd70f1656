// Issuing login challenges while they pile up (issue 25, DESIGN §7). Nothing is throttled by a
// key a stranger could share with a moderator — not the handle, not an address: a challenge is
// never refused. Once challenges outstanding for the handle (or for all handles) pass a free
// allowance, each new one costs a proof of work that grows by one bit with every doubling, up to
// LOGIN_WORK_MAX_BITS (about a second in a browser). A stranger's flood then makes the real
// moderator's browser work for a second, never wait out a lock; and the rows a flood can store
// (challenges, spent puzzles, both gone after 60 s) are bounded by the work it can afford.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { CodedError } from '../../common/errors.js';
import { fromBase64, toBase64 } from '../../common/protocol/encoding.js';
import { loginWorkHolds, makeLoginPuzzle, openLoginPuzzle } from '../../common/protocol/login-work.js';
import { loadSodium } from '../../common/protocol/sodium.js';

/** Challenges outstanding for one handle that cost no work: a moderator retrying a few times pays nothing. */
export const LOGIN_WORK_FREE_PER_HANDLE = 8;
/** Challenges outstanding for all handles together that cost no work (a flood of invented handles). */
export const LOGIN_WORK_FREE_OVERALL = 64;
export const LOGIN_WORK_BASE_BITS = 12;
export const LOGIN_WORK_MAX_BITS = 20;
/** A puzzle is answered within a challenge's lifetime, or asked again. */
export const LOGIN_PUZZLE_LIFETIME_MS = 60_000;

/** The work a new challenge costs: 0 within the allowance, then one bit more per doubling. */
export function loginWorkBits(outstandingForHandle: number, outstandingOverall: number): number {
  const excess = Math.max(outstandingForHandle / LOGIN_WORK_FREE_PER_HANDLE, outstandingOverall / LOGIN_WORK_FREE_OVERALL);
  if (excess < 1) return 0;
  return Math.min(LOGIN_WORK_MAX_BITS, LOGIN_WORK_BASE_BITS + Math.floor(Math.log2(excess)));
}

export interface LoginWork {
  puzzle: string;
  nonce: string;
}

/** Spends the work once: its puzzle id is recorded until the puzzle would have expired anyway. */
async function spend(db: Kysely<Database>, id: Uint8Array, expiresAt: Date): Promise<boolean> {
  const spent = await db
    .insertInto('login_work_spent')
    .values({ puzzle_id: id, expires_at: expiresAt })
    .onConflict((oc) => oc.column('puzzle_id').doNothing())
    .returning('puzzle_id')
    .executeTakeFirst();
  return spent !== undefined;
}

/**
 * Lets a challenge be issued for `handleHash`, or throws `login_work_needed` with a puzzle at the
 * work now asked (a puzzle made earlier at less work is not enough: a stock of easy puzzles
 * gathered in calm times buys nothing in a flood). Deletes expired spent puzzles as it goes.
 */
export async function admitLoginChallenge(db: Kysely<Database>, workKey: Uint8Array, handleHash: Uint8Array, work: LoginWork | undefined, now: Date): Promise<void> {
  const sodium = await loadSodium();
  await db.deleteFrom('login_work_spent').where('expires_at', '<', now).execute();
  const counts = await db
    .selectFrom('login_challenges')
    .select((eb) => [eb.fn.countAll<string>().filterWhere('handle_hash', '=', handleHash).as('forHandle'), eb.fn.countAll<string>().as('overall')])
    .where('expires_at', '>=', now)
    .executeTakeFirstOrThrow();
  const bits = loginWorkBits(Number(counts.forHandle), Number(counts.overall));
  if (bits === 0) return;
  if (work) {
    const puzzle = fromBase64(sodium, work.puzzle, 'puzzle');
    const opened = openLoginPuzzle(sodium, workKey, handleHash, puzzle);
    const age = opened ? now.getTime() - opened.issuedAtMs : Infinity;
    if (
      opened &&
      opened.bits >= bits &&
      age >= 0 &&
      age <= LOGIN_PUZZLE_LIFETIME_MS &&
      loginWorkHolds(sodium, puzzle, fromBase64(sodium, work.nonce, 'nonce'), opened.bits) &&
      (await spend(db, opened.id, new Date(opened.issuedAtMs + LOGIN_PUZZLE_LIFETIME_MS)))
    ) {
      return;
    }
  }
  throw new CodedError('login_work_needed', { puzzle: toBase64(sodium, makeLoginPuzzle(sodium, workKey, handleHash, bits, now.getTime())), bits });
}
