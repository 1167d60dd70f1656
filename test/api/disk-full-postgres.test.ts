// A full Postgres disk (issue #27): submissions answer 503 (never 500), and /readyz turns not
// ready with `disk`, where before it said "ready" because its small update still found room.
// The submissions table is moved to a tablespace on a small tmpfs, which is then filled: the
// table cannot grow while the rest of the cluster (WAL, catalog) still can. Needs DATABASE_URL
// (a Postgres of its own is started), root and mount(8).
import { execFileSync } from 'node:child_process';
import { chown, mkdtemp, rm, rmdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../server/db/schema.js';
import { sealForTest, type TestIntakeKey } from '../support/intake.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { fillDisk, mountSmallDisk } from '../support/small-disk.js';
import { startMigratedOwnPostgres, type OwnPostgres } from '../support/throwaway-postgres.js';

const onPostgres = Boolean(process.env.DATABASE_URL);
let postgres: OwnPostgres | undefined;
let db: Kysely<Database>;
let key: TestIntakeKey;
let mountPoint: string;
let mountFailure: string | undefined;
let server: ServerProcess | undefined;
let dataDir: string;

beforeAll(async () => {
  if (!onPostgres) return;
  mountPoint = await mkdtemp(path.join(tmpdir(), 'offscript-pg-small-disk-'));
  mountFailure = mountSmallDisk(mountPoint, '4m');
  if (mountFailure) {
    console.warn(`skipping the Postgres full-disk test: cannot mount a small tmpfs here (${mountFailure})`);
    return;
  }
  // The tablespace's directory belongs to the user Postgres runs as (postgres, when we are root).
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  await chown(mountPoint, uid, uid);
  ({ postgres, db, key } = await startMigratedOwnPostgres());
  await sql.raw(`create tablespace small_disk location '${mountPoint}'`).execute(db);
  await sql`alter table submissions set tablespace small_disk`.execute(db);
  dataDir = await mkdtemp(path.join(tmpdir(), 'offscript-pg-disk-'));
  server = await startServerProcess({ DATABASE_URL: postgres.url, DATA_DIR: dataDir, RATE_LIMIT_MAX: '1000000' });
}, 120_000);

afterAll(async () => {
  if (!onPostgres) return;
  if (server) {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  await db?.destroy();
  await postgres?.stop();
  if (!mountFailure) execFileSync('umount', [mountPoint]);
  await rmdir(mountPoint).catch(() => {});
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function submit(): Promise<{ status: number; code?: string }> {
  const { body } = await sealForTest(key);
  const response = await fetch(`${server!.origin}/api/v1/submissions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const answer = (await response.json()) as { error?: { code: string } };
  return { status: response.status, ...(answer.error ? { code: answer.error.code } : {}) };
}

describe.skipIf(!onPostgres)('Postgres on a full disk', () => {
  it('submissions answer 503 and /readyz says disk', async (context) => {
    if (mountFailure) return context.skip();
    expect((await submit()).status).toBe(201);
    await fillDisk(mountPoint);
    const answers: { status: number; code?: string }[] = [];
    // A page with room still takes a row or two; then the table must grow, and cannot.
    for (let i = 0; i < 40 && !answers.some((a) => a.status === 503); i++) answers.push(await submit());
    expect(answers.filter((a) => a.status !== 201 && a.status !== 503)).toEqual([]);
    expect(answers.at(-1)).toEqual({ status: 503, code: 'unavailable' });
    const ready = await fetch(`${server!.origin}/readyz`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { failing: string[] }).failing).toContain('disk');
  }, 60_000);
});
