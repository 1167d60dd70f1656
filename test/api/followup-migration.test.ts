// Migration 0003: submissions opened before it existed get their first-opening day from the
// audit log, so that their sources' timelines show when review started.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMigrator, migrateToLatest } from '../../server/db/migrator.js';
import { appendAuditEntry } from '../../server/audit/log.js';
import { loadSodium } from '../../common/protocol/sodium.js';
import { openTestDatabase, type TestDatabase } from '../support/database.js';
import { createIntakeKey } from '../support/intake.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => database?.close());

describe('0003_followup', () => {
  it('backfills review_started_on from submission.opened entries; leaves unopened ones empty', async () => {
    const { db } = database;
    const { error } = await createMigrator(db).migrateTo('0002_moderation');
    expect(error).toBeUndefined();
    const key = await createIntakeKey(db);
    const sodium = await loadSodium();
    const insert = async (status: string) => {
      const id = randomUUID();
      await sql`insert into submissions (id, received_on, intake_key_id, envelope, padding_bucket, reply_public_key, lookup_hash, status, status_changed_on)
        values (${id}, '2025-01-02', ${key.id}, ${new Uint8Array(4144)}, 4096, ${sodium.randombytes_buf(32)}, ${sodium.randombytes_buf(32)}, ${status}, '2025-01-09')`.execute(db);
      return id;
    };
    const opened = await insert('needs_info');
    const unopened = await insert('received');
    const actor = { id: randomUUID(), handle: 'nina' };
    await appendAuditEntry(db, { actor, action: 'submission.opened', subject: { type: 'submission', id: opened } });
    // Entries carry today's day; the backfill takes the earliest one per submission.
    await sql`update audit_log set entry = replace(entry, ${`"day":"${new Date().toISOString().slice(0, 10)}"`}, '"day":"2025-01-05"')`.execute(db);

    await migrateToLatest(db);
    const rows = await db.selectFrom('submissions').select(['id', 'review_started_on']).execute();
    expect(Object.fromEntries(rows.map((r) => [r.id, r.review_started_on]))).toEqual({ [opened]: '2025-01-05', [unopened]: null });
  });
});
