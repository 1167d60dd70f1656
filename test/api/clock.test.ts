// Time that cannot run away (issue #27, docs/faults.md): with the clock 31 days ahead of the
// latest time the jobs saw, retention deletes nothing and no batch is released until an
// operator confirms the clock; /readyz says `clock`; the operator commands wait too; and the
// feed never dates an entry after the day it is served.
import { parseAtomFeed } from 'feedsmith';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClockGuard, confirmClock } from '../../server/clock/guard.js';
import { runCommand } from '../../server/control/commands.js';
import { todayUtc } from '../../server/db/day.js';
import { healthRoutes, READINESS_MEMO_MS } from '../../server/health/routes.js';
import { addDays } from '../../server/db/day.js';
import { startDailyPurge, type PurgeLog } from '../../server/moderation/retention.js';
import { startReleaseJob } from '../../server/publishing/release.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { enrolAuthorAndReviewer } from '../support/moderation.js';
import { approvedStory, submitSealed } from '../support/publishing.js';

const ORIGIN = 'http://127.0.0.1:3000';
const DAY_MS = 24 * 60 * 60 * 1000;
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ PUBLIC_ORIGIN: ORIGIN, BATCH_MIN: '1', BATCH_DELAY_DAYS: '0', RETENTION_DAYS: '30' });
});
afterAll(async () => t?.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not reached in 10 s');
    await sleep(20);
  }
}

function recordingLog() {
  const lines: { level: string; msg: string }[] = [];
  const log: PurgeLog = {
    info: (_obj, msg) => lines.push({ level: 'info', msg }),
    warn: (_obj, msg) => lines.push({ level: 'warn', msg }),
    error: (_obj, msg) => lines.push({ level: 'error', msg }),
  };
  return { log, lines };
}

describe('a clock 31 days ahead', () => {
  it('deletes and releases nothing until confirmed; /readyz says clock; then both act', async () => {
    const db = t.database.db;
    const { author, reviewer } = await enrolAuthorAndReviewer(t.app, db, ORIGIN);
    // Decided 10 days ago: retention (30 days) would take it only on a clock 20+ days ahead.
    const submissionId = await submitSealed(t.app, db);
    const real = new Date();
    await db
      .updateTable('submissions')
      .set({ status: 'accepted', decided_on: addDays(todayUtc(real), -10) })
      .where('id', '=', submissionId)
      .execute();
    const envelope = async () => (await db.selectFrom('submissions').select('envelope').where('id', '=', submissionId).executeTakeFirstOrThrow()).envelope;
    await approvedStory(t.app, db, { author, reviewer }, { title: 'Held by the clock', body: 'Released only once the clock is confirmed.' });
    const batches = async () => (await db.selectFrom('batches').select('id').execute()).length;

    let now = real;
    const clock = new ClockGuard(db, { marginMinutes: 48 * 60, now: () => now });
    expect(await clock.check()).toEqual({ state: 'ok' }); // the jobs saw the right time
    now = new Date(real.getTime() + 31 * DAY_MS);

    const health = Fastify();
    await health.register(healthRoutes, { db, clock });
    const { log, lines } = recordingLog();
    const purge = startDailyPurge(db, { retentionDays: 30, log, checkIntervalMs: 20, clock });
    const release = startReleaseJob(db, { kMin: 11, batchMin: 1, batchDelayDays: 0 }, log, 20, clock);
    try {
      await sleep(300);
      expect(await envelope()).not.toBeNull();
      expect(await batches()).toBe(0);
      expect(lines.filter((l) => l.level === 'error')).toEqual([]);
      expect(lines.some((l) => l.level === 'warn' && /retention held: the clock reads 31 days after .*npm run clock:confirm/.test(l.msg))).toBe(true);
      expect(lines.some((l) => l.level === 'warn' && /^release held/.test(l.msg))).toBe(true);
      const ready = await health.inject({ url: '/readyz' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toMatchObject({ status: 'not ready', failing: ['clock'], clock: 'ahead' });

      // The operator checks the date and confirms it: both jobs act at once, from that time.
      await confirmClock(db, now);
      await until(async () => (await envelope()) === null && (await batches()) === 1);
    } finally {
      await purge.stop();
      await release.stop();
    }
    expect((await db.selectFrom('batches').select('released_on').executeTakeFirstOrThrow()).released_on).toBe(todayUtc(now));
    await sleep(READINESS_MEMO_MS + 50);
    expect((await health.inject({ url: '/readyz' })).statusCode).toBe(200);
    await health.close();

    // Served today (the real one), the feed dates nothing after today.
    const feed = parseAtomFeed((await t.app.inject({ url: '/feed.atom' })).body);
    const dates = [feed.updated, ...(feed.entries ?? []).flatMap((e) => [e.updated, e.published])].filter((d): d is string => typeof d === 'string');
    expect(dates.length).toBeGreaterThan(1);
    for (const date of dates) expect(date.slice(0, 10) <= todayUtc()).toBe(true);
    expect((await t.app.inject({ url: '/api/v1/releases' })).body).not.toContain(todayUtc(now));
  });

  it('the operator commands purge and release wait too, until clock:confirm; a clock behind waits the same', async () => {
    const db = t.database.db;
    // The jobs last saw a time 31 days after the machine's present: this clock reads behind it.
    await confirmClock(db, new Date(Date.now() + 31 * DAY_MS));
    for (const command of ['purge', 'release'] as const) {
      const outcome = await runCommand(db, t.config, { command, args: {} });
      expect(outcome.exitCode).toBe(1);
      expect(outcome.lines.join('\n')).toMatch(/^not done: the clock reads 31 days before .*npm run clock:confirm/);
    }
    // And 31 days ahead of it.
    await confirmClock(db, new Date(Date.now() - 31 * DAY_MS));
    expect((await runCommand(db, t.config, { command: 'purge', args: {} })).lines.join('\n')).toMatch(/31 days after/);
    const confirmed = await runCommand(db, t.config, { command: 'clock:confirm', args: {} });
    expect(confirmed.exitCode).toBe(0);
    expect(confirmed.lines[0]).toMatch(/^clock confirmed at /);
    expect((await runCommand(db, t.config, { command: 'purge', args: {} })).exitCode).toBe(0);
  });
});
