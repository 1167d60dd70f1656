// Migration 0006: the change counter behind the refresh rule counts each account that enters or
// leaves the counted set (or changes a counted facet), once, and nothing else.
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../server/db/schema.js';
import { openTestDatabase, type TestDatabase } from '../support/database.js';
import { todayUtc } from '../../server/db/day.js';
import { accountRow, validateFacets } from '../../server/moderation/queue-service.js';
import { BASE_FACETS, insertStatisticsAccounts } from '../support/publishing.js';

let database: TestDatabase;
let db: Kysely<Database>;
beforeAll(async () => {
  database = await openTestDatabase();
  db = database.db;
});
afterAll(async () => database?.close());

const changes = async () => Number((await db.selectFrom('statistics_changes').select('changes').executeTakeFirstOrThrow()).changes);
const ids = async (limit: number) =>
  (await db.selectFrom('accounts').select('id').where('withdrawn_on', 'is', null).where('consent', '=', 'stats').orderBy('id').limit(limit).execute()).map((r) => r.id);

describe('statistics_changes (migration 0006)', () => {
  it('counts additions, withdrawals, deletions and facet changes of counted accounts, once each', async () => {
    expect(await changes()).toBe(0);
    await insertStatisticsAccounts(db, 5);
    expect(await changes()).toBe(5);
    // Background-only consent is never counted, so it changes nothing.
    const background = { ...BASE_FACETS, consent: 'background' };
    validateFacets(background);
    await db.insertInto('accounts').values(accountRow(background, todayUtc())).execute();
    expect(await changes()).toBe(5);
    const [first, second, third] = await ids(3);
    await db.updateTable('accounts').set({ withdrawn_on: '2026-06-01' }).where('id', '=', first!).execute();
    expect(await changes()).toBe(6);
    // Deleting the withdrawn one (already out) counts nothing; deleting a counted one counts one.
    await db.deleteFrom('accounts').where('id', '=', first!).execute();
    expect(await changes()).toBe(6);
    await db.deleteFrom('accounts').where('id', '=', second!).execute();
    expect(await changes()).toBe(7);
    // A change that leaves every counted facet as it was (a withdrawal clears the tag): nothing.
    await db.updateTable('accounts').set({ withdrawal_tag_hash: null }).execute();
    expect(await changes()).toBe(7);
    await db.updateTable('accounts').set({ pay_band: '90_119' }).where('id', '=', third!).execute();
    expect(await changes()).toBe(8);
  });
});
