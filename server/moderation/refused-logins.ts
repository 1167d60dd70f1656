// Refused logins, summarised (issue 25, DESIGN §7 "audit entries record real events only"): one
// count per handle, day and step instead of an audit entry per attempt. Only attempts on a
// challenge issued for the handle are counted; the row is keyed by the handle's keyed hash, so a
// known and an unknown handle cost the same upsert and take the same time.
import { sql, type Kysely } from 'kysely';
import { todayUtc } from '../db/day.js';
import type { Database, Day } from '../db/schema.js';
import { loginHandleHash } from '../../common/protocol/digest.js';

export type RefusedStep = 'passkey' | 'signature';

// Counts older than this are deleted as new ones are written: the console shows recent weeks.
export const REFUSED_LOGIN_DAYS_KEPT = 30;

export async function countRefusedLogin(db: Kysely<Database>, handleHash: Uint8Array, step: RefusedStep, now = new Date()): Promise<void> {
  const day = todayUtc(now);
  await db
    .insertInto('refused_login_counts')
    .values({ handle_hash: handleHash, day, step, refused: 1 })
    .onConflict((oc) => oc.columns(['handle_hash', 'day', 'step']).doUpdateSet({ refused: sql<number>`refused_login_counts.refused + 1` }))
    .execute();
}

/** Deletes counts past REFUSED_LOGIN_DAYS_KEPT (those of invented handles included). */
export async function forgetOldRefusedLogins(db: Kysely<Database>, now = new Date()): Promise<number> {
  const oldest = todayUtc(new Date(now.getTime() - REFUSED_LOGIN_DAYS_KEPT * 86_400_000));
  const result = await db.deleteFrom('refused_login_counts').where('day', '<', oldest).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export interface RefusedLoginSummary {
  handle: string;
  day: Day;
  passkey: number;
  signature: number;
}

/** The team's refused logins by day, newest first: what the audit page shows in place of per-attempt entries. */
export async function refusedLoginSummary(db: Kysely<Database>, handleSecret: Uint8Array): Promise<RefusedLoginSummary[]> {
  await forgetOldRefusedLogins(db);
  const moderators = await db.selectFrom('moderators').select('handle').execute();
  if (moderators.length === 0) return [];
  const byHash = new Map(moderators.map((m) => [Buffer.from(loginHandleHash(handleSecret, m.handle)).toString('hex'), m.handle]));
  const rows = await db
    .selectFrom('refused_login_counts')
    .select(['handle_hash', 'day', 'step', 'refused'])
    .where(
      'handle_hash',
      'in',
      [...byHash.keys()].map((hex) => Buffer.from(hex, 'hex')),
    )
    .orderBy('day', 'desc')
    .execute();
  const summary = new Map<string, RefusedLoginSummary>();
  for (const row of rows) {
    const handle = byHash.get(Buffer.from(row.handle_hash).toString('hex'))!;
    const key = `${row.day}\u0000${handle}`;
    const entry = summary.get(key) ?? { handle, day: row.day, passkey: 0, signature: 0 };
    entry[row.step] += row.refused;
    summary.set(key, entry);
  }
  return [...summary.values()];
}
