// Retention (DESIGN §4): RETENTION_DAYS after a decision the ciphertext and messages go,
// exactly once, recorded in the audit log as a count, on a real database.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { addDays, todayUtc } from '../../server/db/day.js';
import type { Database, Day, SubmissionStatus } from '../../server/db/schema.js';
import { acceptSealedSubmission } from '../../server/intake/service.js';
import { listAuditEntries, verifyAuditChain } from '../../server/audit/log.js';
import { purgeExpiredSubmissions, purgeSchedule, startDailyPurge, type PurgeLog } from '../../server/moderation/retention.js';
import { lookupTokenHash } from '../../common/protocol/digest.js';
import Fastify from 'fastify';
import { loggerOptions } from '../../server/privacy/logging.js';
import { captureLog } from '../support/app.js';
import { openTestDatabase, type TestDatabase } from '../support/database.js';
import { createIntakeKey, sealForTest, type TestIntakeKey } from '../support/intake.js';
import { waitUntil } from '../support/wait.js';

/** Stores a real sealed submission, then moves it to `status` decided on `decidedOn`. */
async function submission(db: Kysely<Database>, key: TestIntakeKey, status: SubmissionStatus, decidedOn: Day | null, messages = 0): Promise<string> {
  const sealed = await sealForTest(key);
  await acceptSealedSubmission(db, sealed.body);
  const { id } = await db.selectFrom('submissions').select('id').where('lookup_hash', '=', lookupTokenHash(sealed.lookupToken)).executeTakeFirstOrThrow();
  await db
    .updateTable('submissions')
    .set({ status, decided_on: decidedOn, status_changed_on: decidedOn ?? todayUtc() })
    .where('id', '=', id)
    .execute();
  for (let position = 0; position < messages; position++) {
    await db
      .insertInto('messages')
      .values({
        id: randomUUID(),
        submission_id: id,
        position,
        direction: position % 2 ? 'from_source' : 'to_source',
        ciphertext: new Uint8Array(64).fill(position + 1),
        sent_on: decidedOn ?? todayUtc(),
      })
      .execute();
  }
  return id;
}

const state = (db: Kysely<Database>, id: string) => db.selectFrom('submissions').select(['status', 'envelope', 'decided_on', 'purged_on']).where('id', '=', id).executeTakeFirstOrThrow();

const messageCount = async (db: Kysely<Database>, id: string) => (await db.selectFrom('messages').select('id').where('submission_id', '=', id).execute()).length;

describe('addDays', () => {
  it('moves across months, years and leap days in the UTC calendar', () => {
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(addDays('2023-03-01', -1)).toBe('2023-02-28');
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(addDays('2025-01-31', -30)).toBe('2025-01-01');
    expect(() => addDays('2025-02-30', 1)).toThrow();
    expect(() => addDays('yesterday', 1)).toThrow();
  });
});

describe('purgeExpiredSubmissions', () => {
  const today = '2025-06-15';
  let t: TestDatabase;
  let key: TestIntakeKey;
  let ids: { d31: string; d30: string; d29: string; undecided: string; d40: string; withdrawn: string };

  beforeAll(async () => {
    t = await openTestDatabase();
    key = await createIntakeKey(t.db);
    ids = {
      d31: await submission(t.db, key, 'rejected', addDays(today, -31)),
      d30: await submission(t.db, key, 'accepted', addDays(today, -30)),
      d29: await submission(t.db, key, 'accepted', addDays(today, -29), 2),
      undecided: await submission(t.db, key, 'needs_info', null, 2),
      d40: await submission(t.db, key, 'accepted', addDays(today, -40), 3),
      // Withdrawal has its own, immediate deletion; retention leaves it alone.
      withdrawn: await submission(t.db, key, 'withdrawn', null),
    };
  });
  afterAll(async () => t?.close());

  it('schedules each decided submission RETENTION_DAYS after its decision, soonest first', async () => {
    const schedule = await purgeSchedule(t.db, { retentionDays: 30 });
    expect(schedule).toEqual([
      { submissionId: ids.d40, status: 'accepted', decidedOn: '2025-05-06', purgeOn: '2025-06-05' },
      { submissionId: ids.d31, status: 'rejected', decidedOn: '2025-05-15', purgeOn: '2025-06-14' },
      { submissionId: ids.d30, status: 'accepted', decidedOn: '2025-05-16', purgeOn: '2025-06-15' },
      { submissionId: ids.d29, status: 'accepted', decidedOn: '2025-05-17', purgeOn: '2025-06-16' },
    ]);
  });

  it('purges exactly the submissions decided at least 30 days ago, envelopes and messages', async () => {
    expect(await purgeExpiredSubmissions(t.db, { retentionDays: 30, today })).toEqual({ purged: 3 });

    for (const id of [ids.d31, ids.d30, ids.d40]) {
      const row = await state(t.db, id);
      expect(row.envelope).toBeNull();
      expect(row.purged_on).toBe(today);
      expect(await messageCount(t.db, id)).toBe(0);
    }
    // Status and decision day stay for the source's timeline.
    expect(await state(t.db, ids.d31)).toMatchObject({ status: 'rejected', decided_on: '2025-05-15' });

    for (const id of [ids.d29, ids.undecided, ids.withdrawn]) {
      const row = await state(t.db, id);
      expect(row.envelope).not.toBeNull();
      expect(row.envelope!.length).toBeGreaterThan(0);
      expect(row.purged_on).toBeNull();
    }
    expect(await messageCount(t.db, ids.d29)).toBe(2);
    expect(await messageCount(t.db, ids.undecided)).toBe(2);

    expect(await purgeSchedule(t.db, { retentionDays: 30 })).toEqual([{ submissionId: ids.d29, status: 'accepted', decidedOn: '2025-05-17', purgeOn: '2025-06-16' }]);
  });

  it('purges nothing more when run again, and writes no audit entry for nothing', async () => {
    const entriesBefore = (await verifyAuditChain(t.db)).entries;
    expect(await purgeExpiredSubmissions(t.db, { retentionDays: 30, today })).toEqual({ purged: 0 });
    expect((await verifyAuditChain(t.db)).entries).toBe(entriesBefore);
    expect((await state(t.db, ids.d29)).envelope).not.toBeNull();
  });

  it('records one audit entry with the count and no submission id', async () => {
    const verification = await verifyAuditChain(t.db);
    expect(verification).toMatchObject({ ok: true, entries: 1 });
    const [entry] = await listAuditEntries(t.db, { limit: 10 });
    expect(entry).toMatchObject({ seq: 1, actor: 'system', action: 'retention.purged', details: { count: 3 } });
    expect(entry!.subject).toBeUndefined();
    const stored = await t.db.selectFrom('audit_log').select('entry').execute();
    const text = stored.map((r) => r.entry).join('\n');
    for (const id of Object.values(ids)) expect(text).not.toContain(id);
    expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
  });

  it('purges the next one the day it falls due', async () => {
    expect(await purgeExpiredSubmissions(t.db, { retentionDays: 30, today: '2025-06-16' })).toEqual({ purged: 1 });
    expect(await state(t.db, ids.d29)).toMatchObject({ envelope: null, purged_on: '2025-06-16' });
    expect(await messageCount(t.db, ids.d29)).toBe(0);
    expect(await messageCount(t.db, ids.undecided)).toBe(2);
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true, entries: 2 });
  });

  it('refuses a nonsensical retention', async () => {
    await expect(purgeExpiredSubmissions(t.db, { retentionDays: -1, today })).rejects.toThrow(/retentionDays/);
    await expect(purgeExpiredSubmissions(t.db, { retentionDays: 1.5, today })).rejects.toThrow(/retentionDays/);
  });
});

describe('startDailyPurge', () => {
  let t: TestDatabase;
  let key: TestIntakeKey;
  beforeAll(async () => {
    t = await openTestDatabase();
    key = await createIntakeKey(t.db);
  });
  afterAll(async () => t?.close());

  function recordingLog() {
    const lines: Array<{ level: 'info' | 'warn' | 'error'; obj: object; msg: string }> = [];
    const log: PurgeLog = {
      info: (obj, msg) => lines.push({ level: 'info', obj, msg }),
      warn: (obj, msg) => lines.push({ level: 'warn', obj, msg }),
      error: (obj, msg) => lines.push({ level: 'error', obj, msg }),
    };
    return { log, lines };
  }

  const until = (condition: () => Promise<boolean>) => waitUntil(condition, 'the purge', { intervalMs: 20 });

  it('purges at start, then again only once the UTC day has changed', async () => {
    let now = new Date('2025-06-15T23:00:00Z');
    const due = await submission(t.db, key, 'accepted', '2025-05-16');
    const tomorrow = await submission(t.db, key, 'rejected', '2025-05-17');
    const { log, lines } = recordingLog();
    const purge = startDailyPurge(t.db, { retentionDays: 30, log, checkIntervalMs: 10, now: () => now });
    try {
      await until(async () => (await state(t.db, due)).envelope === null);
      expect((await state(t.db, due)).purged_on).toBe('2025-06-15');
      // Many checks on the same day: nothing more happens.
      await new Promise((r) => setTimeout(r, 100));
      expect((await state(t.db, tomorrow)).envelope).not.toBeNull();

      now = new Date('2025-06-16T00:30:00Z');
      await until(async () => (await state(t.db, tomorrow)).envelope === null);
      expect((await state(t.db, tomorrow)).purged_on).toBe('2025-06-16');
    } finally {
      await purge.stop();
    }
    expect(lines.filter((l) => l.level === 'error')).toEqual([]);
    expect(lines.filter((l) => l.level === 'info').map((l) => l.obj)).toEqual([{ purged: 1 }, { purged: 1 }]);

    // Stopped: a later day changes nothing.
    const later = await submission(t.db, key, 'accepted', '2025-05-18');
    now = new Date('2025-06-20T12:00:00Z');
    await new Promise((r) => setTimeout(r, 100));
    expect((await state(t.db, later)).envelope).not.toBeNull();
  });

  it('logs a failed purge without its message and never throws', async () => {
    // The app's own logger, so that its error serializer is what is tested.
    const captured = captureLog();
    const logger = Fastify({ logger: loggerOptions('info', captured.stream) }).log;
    const purge = startDailyPurge(t.db, { retentionDays: -5, log: logger, checkIntervalMs: 10 });
    await until(async () => captured.text().split('\n').filter(Boolean).length >= 2);
    await purge.stop();
    const lines = captured
      .text()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { level: number; msg: string; err: unknown });
    expect(lines.every((l) => l.level === 50)).toBe(true);
    expect(lines[0]!.msg).toMatch(/purge failed/);
    expect(lines[0]!.err).toMatchObject({ type: 'Error', stack: expect.stringContaining('retention') });
    expect(captured.text()).not.toContain('retentionDays must be');
  });
});
