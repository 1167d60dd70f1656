// A Postgres that hangs instead of failing (issue #27): stopped with SIGSTOP for 20 s, then
// continued. Requests get 503 with Retry-After within the configured waits, /readyz answers
// within a second and says `database: slow`, and everything recovers without a restart. Also a
// request behind a table lock gives up at the lock timeout. Runs on a Postgres of its own (the
// throwaway script's), which it may signal; skipped without DATABASE_URL.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { READINESS_MEMO_MS } from '../../server/health/routes.js';
import type { Database } from '../../server/db/schema.js';
import { sealForTest, type TestIntakeKey } from '../support/intake.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { startMigratedOwnPostgres, type OwnPostgres } from '../support/throwaway-postgres.js';

const onPostgres = Boolean(process.env.DATABASE_URL);
if (!onPostgres) console.log('database-paused: skipped (set DATABASE_URL to run it on a throwaway Postgres it can signal)');

// The waits this test configures, and what they allow: a statement's answer is awaited its
// timeout plus a second's margin; a connection, its own timeout.
const CONNECT_MS = 1000;
const STATEMENT_MS = 2000;
const LOCK_MS = 1000;
const BOUND_MS = STATEMENT_MS + 1000 + 1000; // + scheduling slack on a shared machine

let postgres: OwnPostgres;
let db: Kysely<Database>;
let key: TestIntakeKey;
let dataDir: string;
let server: ServerProcess;

beforeAll(async () => {
  if (!onPostgres) return;
  ({ postgres, db, key } = await startMigratedOwnPostgres());
  dataDir = await mkdtemp(path.join(tmpdir(), 'offscript-paused-'));
  server = await startServerProcess({
    DATABASE_URL: postgres.url,
    DATA_DIR: dataDir,
    RATE_LIMIT_MAX: '1000000',
    DATABASE_CONNECT_TIMEOUT_MS: String(CONNECT_MS),
    DATABASE_STATEMENT_TIMEOUT_MS: String(STATEMENT_MS),
    DATABASE_LOCK_TIMEOUT_MS: String(LOCK_MS),
  });
}, 60_000);

afterAll(async () => {
  if (!onPostgres) return;
  await postgres?.thaw().catch(() => {});
  if (server) {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  await db?.destroy();
  await postgres?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Timed {
  status: number;
  ms: number;
  retryAfter: string | null;
  body: string;
}

async function timed(url: string, init?: RequestInit): Promise<Timed> {
  const started = performance.now();
  const response = await fetch(url, init);
  const body = await response.text();
  return { status: response.status, ms: performance.now() - started, retryAfter: response.headers.get('retry-after'), body };
}

async function submit(): Promise<Timed> {
  const { body } = await sealForTest(key);
  return timed(`${server.origin}/api/v1/submissions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

describe.skipIf(!onPostgres)('a Postgres that hangs', () => {
  it('stopped for 20 s: 503 + Retry-After within the configured waits, /readyz within 1 s says slow; after SIGCONT it recovers without a restart', async () => {
    // Warm: a few connections in the pool, as a serving process has.
    const warm = await Promise.all([submit(), submit(), submit()]);
    expect(warm.map((w) => w.status)).toEqual([201, 201, 201]);

    await postgres.freeze();
    const frozenAt = performance.now();
    try {
      // In flight on pooled connections, and more than the pool's idle connections: both bounded.
      const [first, readyz] = await Promise.all([
        Promise.all(Array.from({ length: 8 }, submit)), // Past the readiness memo (READINESS_MEMO_MS), so that the probe meets the frozen server.
        sleep(READINESS_MEMO_MS + 200).then(() => timed(`${server.origin}/readyz`)),
      ]);
      for (const answer of first) {
        expect(answer.status, answer.body).toBe(503);
        expect(answer.retryAfter).toMatch(/^\d+$/);
        expect(answer.ms).toBeLessThan(BOUND_MS);
      }
      expect(readyz.status).toBe(503);
      expect(readyz.ms).toBeLessThan(1000);
      expect(JSON.parse(readyz.body)).toMatchObject({ status: 'not ready', failing: ['database'], database: 'slow' });

      // Later in the pause, with the pool's connections given up: still bounded.
      await sleep(8000);
      const later = await Promise.all([submit(), submit(), timed(`${server.origin}/readyz`)]);
      for (const answer of later.slice(0, 2)) {
        expect(answer.status, answer.body).toBe(503);
        expect(answer.ms).toBeLessThan(BOUND_MS);
      }
      expect(later[2]!.ms).toBeLessThan(1000);
      await sleep(Math.max(0, 20_000 - (performance.now() - frozenAt)));
    } finally {
      await postgres.thaw();
    }

    // Recovered by itself: ready again and storing within seconds.
    const thawedAt = performance.now();
    while ((await timed(`${server.origin}/readyz`)).status !== 200) {
      expect(performance.now() - thawedAt, server.output()).toBeLessThan(10_000);
      await sleep(100);
    }
    expect((await submit()).status).toBe(201);
    expect(server.child.exitCode, server.output()).toBeNull();
    console.log(`database paused: ready ${Math.round(performance.now() - thawedAt)} ms after SIGCONT`);
  }, 60_000);

  it('a request behind a table lock gives up at the lock timeout with 503', async () => {
    const holder = new pg.Client({ connectionString: postgres.url });
    await holder.connect();
    try {
      await holder.query('begin');
      await holder.query('lock table submissions in access exclusive mode');
      const answer = await submit();
      expect(answer.status, answer.body).toBe(503);
      expect(answer.ms).toBeLessThan(LOCK_MS + 2000);
    } finally {
      await holder.query('rollback');
      await holder.end();
    }
    expect((await submit()).status).toBe(201);
  });
});
