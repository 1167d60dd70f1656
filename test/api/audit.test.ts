// The hash-chained audit log (DESIGN §4): appends serialize into one gap-free chain, and the
// verifier finds every kind of tampering the chain can show, on a real database.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql, type Kysely, type Selectable } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { openDatabase } from '../../server/db/database.js';
import { todayUtc } from '../../server/db/day.js';
import { migrateToLatest } from '../../server/db/migrator.js';
import type { AuditLogTable, Database } from '../../server/db/schema.js';
import { AUDIT_ACTIONS, appendAuditEntry, listAuditEntries, verifyAuditChain, type AuditAction } from '../../server/audit/log.js';
import { openTestDatabase, type TestDatabase } from '../support/database.js';

type Row = Selectable<AuditLogTable>;

const alice = { id: '6f1c2a4e-8a57-4c1b-9d2e-0b6b1f3c9a10', handle: 'alice' };
const bob = { id: '0d3e5b7a-1c2f-4a8b-b9e0-7f6a5d4c3b21', handle: 'bob' };
const submissionId = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';

/** SHA-256(prev ‖ entry) with Node's own crypto, independent of the code under test. */
function chainHash(prev: Uint8Array, entry: string): Buffer {
  return createHash('sha256').update(prev).update(entry, 'utf8').digest();
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

async function rows(db: Kysely<Database>): Promise<Row[]> {
  return db.selectFrom('audit_log').selectAll().orderBy('seq', 'asc').execute();
}

async function restore(db: Kysely<Database>, snapshot: Row[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('audit_log').execute();
    if (snapshot.length) await trx.insertInto('audit_log').values(snapshot).execute();
  });
}

/** Six entries: a moderator's actions, one inside a caller's transaction, one by the system. */
async function appendSample(db: Kysely<Database>): Promise<void> {
  await appendAuditEntry(db, { actor: alice, action: 'session.login' });
  await appendAuditEntry(db, { actor: alice, action: 'moderator.invited', subject: { type: 'moderator', id: bob.id } });
  await db.transaction().execute(async (trx) => {
    await trx.selectFrom('submissions').select('id').execute();
    await appendAuditEntry(trx, { actor: bob, action: 'submission.opened', subject: { type: 'submission', id: submissionId } });
  });
  await appendAuditEntry(db, {
    actor: bob,
    action: 'submission.rejected',
    subject: { type: 'submission', id: submissionId },
    details: { reason: 'off_topic', note: null, flags: ['a', 'b'] },
  });
  await appendAuditEntry(db, { actor: 'system', action: 'retention.purged', details: { count: 5 } });
  await appendAuditEntry(db, { actor: bob, action: 'session.logout' });
}

describe('appendAuditEntry', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase();
  });
  afterAll(async () => t?.close());

  it('stores canonical JSON with a day only, chained from 32 zero bytes with seq 1, 2, 3…', async () => {
    await appendSample(t.db);
    const stored = await rows(t.db);
    expect(stored.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6]);

    const day = todayUtc();
    expect(stored[0]!.entry).toBe(`{"action":"session.login","actor":{"handle":"alice","id":"${alice.id}"},"day":"${day}","seq":1}`);
    expect(stored[3]!.entry).toBe(
      `{"action":"submission.rejected","actor":{"handle":"bob","id":"${bob.id}"},"day":"${day}",` +
        `"details":{"flags":["a","b"],"note":null,"reason":"off_topic"},"seq":4,` +
        `"subject":{"id":"${submissionId}","type":"submission"}}`,
    );
    expect(stored[4]!.entry).toBe(`{"action":"retention.purged","actor":"system","day":"${day}","details":{"count":5},"seq":5}`);

    let prev: Uint8Array = new Uint8Array(32);
    for (const row of stored) {
      expect(hex(row.prev_hash)).toBe(hex(prev));
      expect(hex(row.hash)).toBe(hex(chainHash(prev, row.entry)));
      // A day, never a time of day.
      expect(row.entry).not.toMatch(/\d{2}:\d{2}/);
      expect(row.entry).not.toMatch(/T\d{2}/);
      prev = row.hash;
    }
    expect(await verifyAuditChain(t.db)).toEqual({ ok: true, entries: 6, headHash: hex(prev) });
  });

  it('commits or rolls back with the caller’s transaction', async () => {
    const before = (await rows(t.db)).length;
    await expect(
      t.db.transaction().execute(async (trx) => {
        await appendAuditEntry(trx, { actor: alice, action: 'story.approved', subject: { type: 'story', id: submissionId } });
        throw new Error('the action failed');
      }),
    ).rejects.toThrow('the action failed');
    expect((await rows(t.db)).length).toBe(before);

    const appended = await appendAuditEntry(t.db, { actor: alice, action: 'story.approved' });
    expect(appended.seq).toBe(before + 1);
    const verification = await verifyAuditChain(t.db);
    expect(verification).toEqual({ ok: true, entries: before + 1, headHash: appended.hash });
  });

  it('refuses an unknown action and copies only the actor’s id and handle', async () => {
    await expect(appendAuditEntry(t.db, { actor: alice, action: 'submission.deleted' as AuditAction })).rejects.toThrow(/unknown audit action/);
    const { seq } = await appendAuditEntry(t.db, {
      actor: { ...alice, role: 'administrator', secret: 'x' } as typeof alice,
      action: 'watch_list.updated',
    });
    const row = await t.db.selectFrom('audit_log').select('entry').where('seq', '=', seq).executeTakeFirstOrThrow();
    expect(JSON.parse(row.entry).actor).toEqual(alice);
    expect(AUDIT_ACTIONS).toContain('retention.purged');
  });
});

describe('concurrent appends', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase();
  });
  afterAll(async () => t?.close());

  it('30 parallel transactions produce seq 1..30 and a valid chain', async () => {
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        t.db.transaction().execute(async (trx) => {
          // Some work before the append, as a real action does, so the transactions overlap.
          await sql`select 1`.execute(trx);
          const appended = await appendAuditEntry(trx, {
            actor: i % 2 ? alice : bob,
            action: 'submission.opened',
            subject: { type: 'submission', id: submissionId },
            details: { n: i },
          });
          await sql`select 1`.execute(trx);
          return appended;
        }),
      ),
    );
    expect(results.map((r) => r.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    const stored = await rows(t.db);
    expect(stored.map((r) => r.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(new Set(stored.map((r) => JSON.parse(r.entry).details.n)).size).toBe(30);
    const verification = await verifyAuditChain(t.db);
    expect(verification).toMatchObject({ ok: true, entries: 30 });
    expect(await verifyAuditChain(t.db, { batchSize: 7 })).toEqual(verification);
  });
});

describe('verifyAuditChain on a tampered log', () => {
  let t: TestDatabase;
  let intact: Row[];
  let intactHead: string;

  beforeAll(async () => {
    t = await openTestDatabase();
    await appendSample(t.db);
    intact = await rows(t.db);
    intactHead = hex(intact[5]!.hash);
  });
  afterAll(async () => t?.close());
  // Each case starts from a copy of the same intact chain.
  beforeEach(async () => restore(t.db, intact));

  const setEntry = (seq: number, entry: string) => t.db.updateTable('audit_log').set({ entry }).where('seq', '=', seq).execute();

  it('passes the intact chain, in one batch or many', async () => {
    expect(await verifyAuditChain(t.db)).toEqual({ ok: true, entries: 6, headHash: intactHead });
    expect(await verifyAuditChain(t.db, { batchSize: 1 })).toEqual({ ok: true, entries: 6, headHash: intactHead });
    expect(await verifyAuditChain(t.db, { batchSize: 4 })).toEqual({ ok: true, entries: 6, headHash: intactHead });
  });

  it('passes an empty log with the genesis hash as head', async () => {
    await restore(t.db, []);
    expect(await verifyAuditChain(t.db)).toEqual({ ok: true, entries: 0, headHash: '0'.repeat(64) });
  });

  it('finds an entry whose JSON was edited', async () => {
    await sql`update audit_log set entry = replace(entry, 'submission.opened', 'submission.accepted') where seq = 3`.execute(t.db);
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: false, entries: 2, brokenAt: 3 });
  });

  it('finds an edit to the details alone', async () => {
    await sql`update audit_log set entry = replace(entry, '"count":5', '"count":4') where seq = 5`.execute(t.db);
    expect((await rows(t.db))[4]!.entry).toContain('"count":4');
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: false, entries: 4, brokenAt: 5 });
  });

  it('finds a re-spelled (non-canonical) entry with the same content', async () => {
    await setEntry(2, JSON.stringify(JSON.parse(intact[1]!.entry), null, 1));
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: false, brokenAt: 2 });
  });

  it('finds an edited hash', async () => {
    await t.db
      .updateTable('audit_log')
      .set({ hash: chainHash(new Uint8Array(32), 'forged') })
      .where('seq', '=', 4)
      .execute();
    const result = await verifyAuditChain(t.db);
    expect(result).toMatchObject({ ok: false, entries: 3, brokenAt: 4 });
    if (!result.ok) expect(result.reason).toMatch(/hash/);
  });

  it('finds an edited entry whose hash was recomputed: the next entry no longer links', async () => {
    const edited = intact[2]!.entry.replace('submission.opened', 'submission.accepted');
    await t.db
      .updateTable('audit_log')
      .set({ entry: edited, hash: chainHash(intact[1]!.hash, edited) })
      .where('seq', '=', 3)
      .execute();
    const result = await verifyAuditChain(t.db);
    expect(result).toMatchObject({ ok: false, entries: 3, brokenAt: 4 });
    if (!result.ok) expect(result.reason).toMatch(/prev_hash/);
  });

  it('finds a deleted entry in the middle', async () => {
    await t.db.deleteFrom('audit_log').where('seq', '=', 3).execute();
    const result = await verifyAuditChain(t.db);
    expect(result).toMatchObject({ ok: false, entries: 2, brokenAt: 3 });
    if (!result.ok) expect(result.reason).toMatch(/missing/);
  });

  it('finds a deleted entry whose successors were renumbered', async () => {
    await t.db.deleteFrom('audit_log').where('seq', '=', 3).execute();
    // Through a distant range: Postgres checks the primary key row by row, in whatever order it
    // meets them, so a plain `seq = seq - 1` can collide with the row it has not moved yet.
    await sql`update audit_log set seq = seq + 1000000 where seq > 3`.execute(t.db);
    await sql`update audit_log set seq = seq - 1000001 where seq > 1000000`.execute(t.db);
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: false, entries: 2, brokenAt: 3 });
  });

  it('finds two entries swapped', async () => {
    await t.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('audit_log').where('seq', 'in', [2, 3]).execute();
      await trx
        .insertInto('audit_log')
        .values([
          { ...intact[2]!, seq: 2 },
          { ...intact[1]!, seq: 3 },
        ])
        .execute();
    });
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: false, entries: 1, brokenAt: 2 });
  });

  it('finds stored JSON whose seq differs from its row, even with a consistent hash', async () => {
    const entry = intact[4]!.entry.replace('"seq":5', '"seq":9');
    await t.db
      .updateTable('audit_log')
      .set({ entry, hash: chainHash(intact[3]!.hash, entry) })
      .where('seq', '=', 5)
      .execute();
    const result = await verifyAuditChain(t.db);
    expect(result).toMatchObject({ ok: false, entries: 4, brokenAt: 5 });
    if (!result.ok) expect(result.reason).toMatch(/seq 9/);
  });

  it('cannot see the newest entry deleted, but its head hash changes (the console compares it)', async () => {
    await t.db.deleteFrom('audit_log').where('seq', '=', 6).execute();
    const result = await verifyAuditChain(t.db);
    expect(result).toEqual({ ok: true, entries: 5, headHash: hex(intact[4]!.hash) });
    expect(result.ok && result.headHash).not.toBe(intactHead);
  });
});

describe('listAuditEntries', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase();
    await appendSample(t.db);
  });
  afterAll(async () => t?.close());

  it('returns parsed entries newest first, a page at a time', async () => {
    const stored = await rows(t.db);
    const first = await listAuditEntries(t.db, { limit: 4 });
    expect(first.map((e) => e.seq)).toEqual([6, 5, 4, 3]);
    expect(first[1]).toEqual({
      seq: 5,
      day: todayUtc(),
      actor: 'system',
      action: 'retention.purged',
      details: { count: 5 },
      hash: hex(stored[4]!.hash),
    });
    expect(first[2]).toMatchObject({ actor: bob, subject: { type: 'submission', id: submissionId } });
    const next = await listAuditEntries(t.db, { limit: 4, beforeSeq: 3 });
    expect(next.map((e) => e.seq)).toEqual([2, 1]);
    expect(next[0]).toMatchObject({ actor: alice, action: 'moderator.invited', subject: { type: 'moderator', id: bob.id } });
    expect(await listAuditEntries(t.db, { limit: 4, beforeSeq: 1 })).toEqual([]);
  });
});

describe('npm run audit:verify (compiled script)', () => {
  const script = fileURLToPath(new URL('../../dist/scripts/audit-verify.js', import.meta.url));
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'offscript-audit-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  /** The on-disk PGlite database the script reads; only one process may hold it at a time. */
  async function withDataDir(work: (db: Kysely<Database>) => Promise<void>, dir = dataDir): Promise<void> {
    const { db } = await openDatabase(loadConfig({ DATA_DIR: dir }));
    try {
      await work(db);
    } finally {
      await db.destroy();
    }
  }

  function run(dir = dataDir): Promise<{ code: number | null; output: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [script], {
        env: { PATH: process.env.PATH ?? '', DATA_DIR: dir },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.once('error', reject);
      child.once('close', (code) => resolve({ code, output }));
    });
  }

  it('exits 0 with the head hash on an intact log, 1 naming the entry after tampering', async () => {
    let head = '';
    await withDataDir(async (db) => {
      await migrateToLatest(db);
      await appendSample(db);
      const verification = await verifyAuditChain(db);
      if (!verification.ok) throw new Error('sample chain should verify');
      head = verification.headHash;
    });

    const intactRun = await run();
    // The first line is the verdict; the last names the installation it acted on.
    expect(intactRun.output.trim().split('\n')[0]).toBe(`audit log intact: 6 entries, head ${head}`);
    expect(intactRun.code).toBe(0);

    await withDataDir(async (db) => {
      await sql`update audit_log set entry = replace(entry, '"count":5', '"count":0') where seq = 5`.execute(db);
    });
    const brokenRun = await run();
    expect(brokenRun.output).toMatch(/^audit log BROKEN at entry 5: /);
    expect(brokenRun.code).toBe(1);
  });

  it('exits 1 naming the release whose published audit head a truncated log no longer reaches (issue 26)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'offscript-audit-heads-'));
    try {
      await withDataDir(async (db) => {
        await migrateToLatest(db);
        await appendSample(db);
        const head = await db.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
        // As a release records it (server/publishing/release.ts): the head and the length at that moment.
        await db
          .insertInto('batches')
          .values({ id: crypto.randomUUID(), sequence: 1, released_on: todayUtc(), story_count: 0, statistics: 'null', audit_head_hash: head.hash, audit_length: head.seq })
          .execute();
      }, dir);
      const intact = await run(dir);
      expect(intact.code).toBe(0);
      expect(intact.output).toMatch(/reaches the audit head published by each of 1 release/);
      await withDataDir(async (db) => {
        await sql`truncate audit_log`.execute(db);
      }, dir);
      const truncated = await run(dir);
      expect(truncated.code).toBe(1);
      expect(truncated.output).toMatch(/^audit log does NOT MATCH release 1: it published 6 entries with head [0-9a-f]{64}; the log now holds 0/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
