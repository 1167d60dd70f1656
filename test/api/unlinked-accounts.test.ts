// Issue 23 (docs/threat-model-storage.md): nothing published or counted references a submission,
// an upload or a message; accepted accounts wait, linked to nothing, until a release admits them
// all at once in random order; migration 0018 carries the old accounts and stories over.
import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMigrator, migrateToLatest } from '../../server/db/migrator.js';
import { releaseDueBatch } from '../../server/publishing/release.js';
import { roles } from '../../common/vocabulary.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { openTestDatabase } from '../support/database.js';
import { call, enrolAuthorAndReviewer, type TestModerator } from '../support/moderation.js';
import { approvedStory, BASE_FACETS, submitSealedWithTag, tagHash } from '../support/publishing.js';

const ORIGIN = 'http://127.0.0.1:3000';
let t: TestApp;
let team: { author: TestModerator; reviewer: TestModerator };

beforeAll(async () => {
  t = await startTestApp({ PUBLIC_ORIGIN: ORIGIN, K_MIN: '11', BATCH_MIN: '3', BATCH_DELAY_DAYS: '0' });
  team = await enrolAuthorAndReviewer(t.app, t.database.db, ORIGIN);
});
afterAll(async () => t?.close());

const count = async (table: 'accounts' | 'pending_accounts') =>
  Number(
    (
      await t.database.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('accounts and stories linked to no submission', () => {
  it('an acceptance counts nothing at once; a release admits every pending account in one shuffled insert; no published or counted row holds an id of a submission, upload or message', async () => {
    const { db } = t.database;
    // Eight statistics-only acceptances, told apart by their role, in a known order.
    const accepted = roles.keys.slice(0, 8);
    const tags: string[] = [];
    for (const role of accepted) {
      const { id, withdrawalTag } = await submitSealedWithTag(t.app, db);
      const response = await call(t.app, team.author, 'POST', `/mod/api/submissions/${id}/accept`, { facets: { ...BASE_FACETS, role, consent: 'stats' }, withdrawalTag });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toEqual({ accepted: true });
      tags.push(withdrawalTag);
    }
    for (let i = 0; i < 3; i++) await approvedStory(t.app, db, team, { title: `Unlinked ${i}`, body: `What the work was like, ${i}.` });
    expect(await count('accounts')).toBe(0);
    expect(await count('pending_accounts')).toBe(11);
    // Each pending account carries its receipt's tag, and nothing else that names where it came from.
    const pending = await db.selectFrom('pending_accounts').select(['role', 'withdrawal_tag_hash']).where('consent', '=', 'stats').execute();
    expect(new Set(pending.map((p) => Buffer.from(p.withdrawal_tag_hash!).toString('hex')))).toEqual(new Set(tags.map((tag) => Buffer.from(tagHash(tag)).toString('hex'))));

    const released = await releaseDueBatch(db, { kMin: 11, batchMin: 3, batchDelayDays: 0, noise: () => 0 });
    expect(released).toMatchObject({ storyCount: 3 });
    expect(await count('pending_accounts')).toBe(0);
    expect(await count('accounts')).toBe(11);
    // Heap order is insert order: one INSERT, shuffled (8! orders; the acceptance order is one of them).
    const stored = await sql<{ role: string }>`select role from accounts where consent = 'stats' order by ctid`.execute(db);
    const order = stored.rows.map((r) => r.role);
    expect([...order].sort()).toEqual([...accepted].sort());
    expect(order).not.toEqual(accepted);
    // One transaction wrote them all: the commit tells nothing of the acceptances' order or times.
    const xmins = await sql<{ xmin: string }>`select distinct xmin::text as xmin from accounts`.execute(db);
    expect(xmins.rows).toHaveLength(1);

    // No value in any published or counted row is an id of a submission, an upload or a message.
    const ids = await sql<{ id: string }>`select id::text as id from submissions union all select id::text from messages union all select id::text from attachment_uploads`.execute(db);
    expect(ids.rows.length).toBeGreaterThanOrEqual(11);
    for (const table of ['accounts', 'pending_accounts', 'stories', 'batches', 'account_tallies']) {
      const rows = await sql<{ row: string }>`select row_to_json(x)::text as row from ${sql.table(table)} x`.execute(db);
      for (const { row } of rows.rows) for (const { id } of ids.rows) expect(row).not.toContain(id);
    }
    // Nor a column that could hold one.
    const columns = await sql<{ column_name: string }>`select column_name from information_schema.columns
      where table_name in ('accounts', 'pending_accounts', 'stories') and (column_name like '%submission%' or column_name like '%upload%' or column_name like '%message%' or column_name = 'account_id')`.execute(
      db,
    );
    expect(columns.rows).toEqual([]);
  });
});

describe('migration 0018_unlinked_accounts', () => {
  it('keeps existing accounts counted and stories publishable, drops their links, and copies what a story publishes', async () => {
    const database = await openTestDatabase();
    try {
      const { db } = database;
      const { error } = await createMigrator(db).migrateTo('0017_reply_attachments');
      expect(error).toBeUndefined();
      const [keyId, submissionId, accountId, moderatorId, storyId] = [randomUUID(), randomUUID(), randomUUID(), randomUUID(), randomUUID()];
      await sql`insert into intake_keys (id, public_key, fingerprint, created_on) values (${keyId}, ${randomBytes(32)}, 'f', '2026-01-01')`.execute(db);
      await sql`insert into submissions (id, received_on, intake_key_id, envelope, padding_bucket, reply_public_key, lookup_hash, status, status_changed_on)
        values (${submissionId}, '2026-01-02', ${keyId}, ${randomBytes(64)}, 4096, ${randomBytes(32)}, ${randomBytes(32)}, 'accepted', '2026-01-03')`.execute(db);
      await sql`insert into accounts (id, submission_id, role, platforms, task_types, conditions, consent, accepted_on, documents_seen)
        values (${accountId}, ${submissionId}, 'writer', '{mercor}', '{rating_responses}', '{"nda_signed":"yes"}', 'quote', '2026-01-03', '{contract}')`.execute(db);
      await sql`insert into moderators (id, handle, role, status, invited_on) values (${moderatorId}, 'ann', 'administrator', 'active', '2026-01-01')`.execute(db);
      await sql`insert into stories (id, account_id, title, body, attribution_label, status, author_id, created_on)
        values (${storyId}, ${accountId}, 'Old story', 'Told before 0018.', 'hollywood_writer', 'approved', ${moderatorId}, '2026-01-03')`.execute(db);
      const tallied = await sql<{ n: string }>`select n::text from account_tallies where kind = 'accounts'`.execute(db);

      await migrateToLatest(db);
      const account = await db.selectFrom('accounts').selectAll().executeTakeFirstOrThrow();
      expect(account).toMatchObject({ id: accountId, role: 'writer', withdrawal_tag_hash: null, withdrawn_on: null });
      expect(account).not.toHaveProperty('submission_id');
      expect((await sql<{ n: string }>`select n::text from account_tallies where kind = 'accounts'`.execute(db)).rows).toEqual(tallied.rows);
      const story = await db.selectFrom('stories').selectAll().executeTakeFirstOrThrow();
      expect(story).toMatchObject({
        role: 'writer',
        platforms: ['mercor'],
        task_types: ['rating_responses'],
        conditions: { nda_signed: 'yes' },
        documents_seen: ['contract'],
        accepted_on: '2026-01-03',
        withdrawal_tag_hash: null,
      });
      expect(story).not.toHaveProperty('account_id');

      // And back down: the pending pool is counted, the columns return (the link itself cannot).
      const down = await createMigrator(db).migrateTo('0017_reply_attachments');
      expect(down.error).toBeUndefined();
      expect((await sql<{ n: string }>`select count(*)::text as n from accounts`.execute(db)).rows).toEqual([{ n: '1' }]);
    } finally {
      await database.close();
    }
  });
});
