// Accepted accounts wait here until a release counts them (issue 23, docs/threat-model-storage.md):
// the accepting transaction writes only a pending row, linked to nothing; a release moves every
// pending account into the counted accounts at once, in random order and with fresh ids, so that
// neither the commit time nor the heap order of a counted account follows a moderator's action.
import { randomInt, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { markScrubDue } from '../db/scrub.js';

/** Fisher–Yates with cryptographic randomness: the order must not hint at acceptance order. */
export function shuffle<T>(items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

/**
 * Moves every pending account into the counted accounts in one shuffled INSERT (the tallies'
 * triggers count them as they always did); returns how many entered. The statistics' refresh
 * point calls it, in the transaction that reads the tallies.
 */
export async function admitPendingAccounts(trx: Kysely<Database>): Promise<number> {
  const pending = await trx.deleteFrom('pending_accounts').returningAll().execute();
  if (pending.length === 0) return 0;
  const rows = shuffle(pending).map((row) => ({
    ...row,
    id: randomUUID(),
    conditions: JSON.stringify(row.conditions),
    facts: JSON.stringify(row.facts),
  }));
  await trx.insertInto('accounts').values(rows).execute();
  // The dead pending rows still lie in acceptance order, facets and all, until the scrub.
  await markScrubDue(trx);
  return rows.length;
}
