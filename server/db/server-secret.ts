// Server-side secrets that must survive restarts and be shared by instances (decoy salts,
// cookie signing). They protect against enumeration and forgery, not against a seizure.
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import { loadSodiumSumo } from '../../common/protocol/sodium-sumo.js';
import { randomBytes } from '../../common/protocol/moderator-keys.js';

export async function serverSecret(db: Kysely<Database>, name: string): Promise<Uint8Array> {
  const existing = await db.selectFrom('server_secrets').select('value').where('name', '=', name).executeTakeFirst();
  if (existing) return existing.value;
  const sodium = await loadSodiumSumo();
  await db
    .insertInto('server_secrets')
    .values({ name, value: randomBytes(sodium, 32) })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  // Another instance may have won the race: read back whatever is stored.
  return (await db.selectFrom('server_secrets').select('value').where('name', '=', name).executeTakeFirstOrThrow()).value;
}
