// Postgres restarts under load (DESIGN §2): the server stays up, answers 503 with Retry-After
// while Postgres is away (never 500), keeps serving cached public pages, loses no 201, and is
// ready again within 5 s of Postgres accepting connections.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDatabaseUnavailable, openDatabase } from '../../server/db/database.js';
import type { Database } from '../../server/db/schema.js';
import type { TestIntakeKey } from '../support/intake.js';
import { expectStored, Load } from '../support/load.js';
import { runServerUntilExit, startServerProcess, type ServerProcess } from '../support/server-process.js';
import { startMigratedOwnPostgres, type OwnPostgres } from '../support/throwaway-postgres.js';

const onPostgres = Boolean(process.env.DATABASE_URL);

let postgres: OwnPostgres;
let db: Kysely<Database>;
let key: TestIntakeKey;
let dataDir: string;

beforeAll(async () => {
  if (!onPostgres) return;
  ({ postgres, db, key } = await startMigratedOwnPostgres());
  dataDir = await mkdtemp(path.join(tmpdir(), 'offscript-outage-'));
});

afterAll(async () => {
  if (!onPostgres) return;
  await db?.destroy();
  await postgres?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** ms from now until /readyz answers 200 (fails the test after 15 s). */
async function msUntilReady(server: ServerProcess): Promise<number> {
  const start = performance.now();
  while (performance.now() - start < 15_000) {
    if (
      (await fetch(`${server.origin}/readyz`).then(
        (r) => r.status,
        () => 0,
      )) === 200
    )
      return performance.now() - start;
    await sleep(50);
  }
  throw new Error(`not ready 15 s after Postgres came back:\n${server.output()}`);
}

describe.skipIf(!onPostgres)('Postgres restarts under load', () => {
  it('a fast restart, then a crash and a start: no 500, 503 + Retry-After while away, every 201 stored', async () => {
    const server = await startServerProcess({ DATABASE_URL: postgres.url, DATA_DIR: dataDir, RATE_LIMIT_MAX: '1000000' });
    // Each public page rendered once while Postgres is up: from then on they have a cached body.
    const pages = ['/', '/stories', '/api/v1/stories'];
    for (const page of pages) expect((await fetch(`${server.origin}${page}`)).status).toBe(200);
    const load = new Load(server.origin, key, { submitters: 3, readers: 2, statusCheckers: 1, pauseMs: 10, pages });
    await sleep(1000);

    await postgres.restart();
    const readyAfterRestartMs = await msUntilReady(server);
    await sleep(500);

    await postgres.halt();
    const haltedAt = load.now();
    await sleep(2000);
    const resumingAt = load.now();
    await postgres.resume();
    const readyAfterCrashMs = await msUntilReady(server);
    await sleep(1000);
    await load.stop();

    console.log(
      `Postgres outage: ${load.summary()}; ready ${Math.round(readyAfterRestartMs)} ms after the restart, ` +
        `${Math.round(readyAfterCrashMs)} ms after the start that followed the crash; ${load.acknowledged.length} acknowledged`,
    );
    expect(server.child.exitCode, server.output()).toBeNull();
    expect(
      load.count(undefined, (a) => typeof a.outcome !== 'number'),
      'connections failed',
    ).toBe(0);
    expect(
      load.count(undefined, (a) => typeof a.outcome === 'number' && a.outcome >= 500 && a.outcome !== 503),
      server.output(),
    ).toBe(0);
    // While Postgres was down, submissions were refused with 503, Retry-After and our code.
    const duringOutage = load.answers.filter((a) => a.kind === 'submit' && a.at > haltedAt + 200 && a.at < resumingAt);
    expect(duringOutage.length).toBeGreaterThan(0);
    for (const answer of duringOutage) expect(answer).toMatchObject({ outcome: 503, errorCode: 'unavailable', retryAfter: expect.stringMatching(/^\d+$/) });
    // Public pages kept serving their cached bodies, through the restart and the crash.
    expect(load.answers.filter((a) => a.kind === 'page' && a.at > haltedAt + 200 && a.at < resumingAt).length).toBeGreaterThan(0);
    expect(load.answers.filter((a) => a.kind === 'page' && a.outcome !== 200)).toEqual([]);
    // And it recovered by itself.
    expect(readyAfterRestartMs).toBeLessThan(5000);
    expect(readyAfterCrashMs).toBeLessThan(5000);
    expect(load.answers.filter((a) => a.kind === 'submit' && a.at > load.now() - 500).some((a) => a.outcome === 201)).toBe(true);

    server.child.kill('SIGTERM');
    expect(await server.exited, server.output()).toBe(0);
    await expectStored(db, load.acknowledged);
  });

  it('a connection Postgres ends while checked out: a read is retried once on a new one, a write is refused as unavailable', async () => {
    const { db: app } = await openDatabase({ databaseUrl: postgres.url, dataDir });
    const endOwnConnection = async (connection: Kysely<Database>) => {
      const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(connection);
      await sql`select pg_terminate_backend(${rows[0]!.pid})`.execute(db);
      // The FATAL message reaches the client while it is checked out: no listener, no process.
      await sleep(200);
      return rows[0]!.pid;
    };
    try {
      await app.connection().execute(async (connection) => {
        const ended = await endOwnConnection(connection);
        const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(connection);
        expect(rows[0]!.pid).not.toBe(ended);
      });
      await app.connection().execute(async (connection) => {
        await endOwnConnection(connection);
        const write = await sql`update readiness_probe set flipped = not flipped`.execute(connection).then(
          () => undefined,
          (error: unknown) => error,
        );
        expect(isDatabaseUnavailable(write)).toBe(true);
      });
      // The pool replaced what broke.
      expect((await sql<{ one: number }>`select 1 as one`.execute(app)).rows).toEqual([{ one: 1 }]);
    } finally {
      await app.destroy();
    }
  });

  it('start-up while Postgres is down stops with one line, without repeating DATABASE_URL', async () => {
    await postgres.halt();
    try {
      const url = Object.assign(new URL(postgres.url), { password: 'not-to-be-printed' }).toString();
      const { code, output } = await runServerUntilExit({ DATABASE_URL: url, DATA_DIR: dataDir });
      expect(code, output).toBe(1);
      expect(output.trim()).toBe('offscript: the Postgres server in DATABASE_URL cannot be reached or cannot write just now (ECONNREFUSED); start it, or check DATABASE_URL');
    } finally {
      await postgres.resume();
    }
  });
});
