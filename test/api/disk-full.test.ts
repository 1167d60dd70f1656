// PGlite on a full disk (DESIGN §2): writes answer 503 and never 201 without a row, /readyz
// turns not ready, and freeing space recovers without a restart. Start-up on a full or
// read-only DATA_DIR says so in one line naming it. Needs a small tmpfs (root and mount).
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, rmdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { openDatabase } from '../../server/db/database.js';
import { migrateToLatest } from '../../server/db/migrator.js';
import type { Database } from '../../server/db/schema.js';
import type { Kysely } from 'kysely';
import { createIntakeKey, sealForTest, type TestIntakeKey } from '../support/intake.js';
import { expectStored, type Load } from '../support/load.js';
import { runServerUntilExit, startServerProcess } from '../support/server-process.js';
import { fillDisk, mountSmallDisk } from '../support/small-disk.js';

// The embedded database takes ~40 MiB on first start; this leaves room for a few more.
const TMPFS_SIZE = '72m';
const tryMount = (dir: string) => mountSmallDisk(dir, TMPFS_SIZE);

const onPostgres = Boolean(process.env.DATABASE_URL);
let mountPoint: string;
let mountFailure: string | undefined;

beforeAll(async () => {
  if (onPostgres) return;
  mountPoint = await mkdtemp(path.join(tmpdir(), 'offscript-small-disk-'));
  mountFailure = tryMount(mountPoint);
  if (mountFailure) console.warn(`skipping the full-disk tests: cannot mount a small tmpfs here (${mountFailure}); they need root and mount(8)`);
});

afterAll(async () => {
  if (onPostgres) return;
  if (!mountFailure) execFileSync('umount', [mountPoint]);
  await rmdir(mountPoint).catch(() => {});
});

async function withDatabase<T>(dataDir: string, work: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  const { db } = await openDatabase(loadConfig({ DATA_DIR: dataDir }));
  try {
    return await work(db);
  } finally {
    await db.destroy();
  }
}

// Node may warn of a file handle the WebAssembly database left for the garbage collector: its
// words, not ours, and not about DATA_DIR.
const withoutNodeWarnings = (output: string) =>
  output
    .split('\n')
    .filter((line) => !/^\(node:\d+\) Warning:|^\(Use `node --trace-warnings/.test(line))
    .join('\n');

async function submit(origin: string, key: TestIntakeKey) {
  const sealed = await sealForTest(key);
  const response = await fetch(`${origin}/api/v1/submissions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(sealed.body) });
  return { sealed, status: response.status, retryAfter: response.headers.get('retry-after') };
}

async function readiness(origin: string) {
  const response = await fetch(`${origin}/readyz`);
  return { status: response.status, body: (await response.json()) as { failing?: string[] } };
}

// Three PGlite starts on a busy machine: more than the default minute.
const DISK_TEST_TIMEOUT_MS = 180_000;

describe.skipIf(onPostgres)('PGlite on a full disk', () => {
  it('writes answer 503 (never a 201 without its row), /readyz is not ready, and freeing space recovers without a restart', { timeout: DISK_TEST_TIMEOUT_MS }, async (context) => {
    if (mountFailure) return context.skip();
    const dataDir = path.join(mountPoint, 'data');
    const key = await withDatabase(dataDir, async (db) => {
      await migrateToLatest(db);
      return createIntakeKey(db);
    });
    const server = await startServerProcess({ DATA_DIR: dataDir, RATE_LIMIT_MAX: '1000000' });
    let fillers: string[] = [];
    const acknowledged: Load['acknowledged'] = [];
    try {
      const first = await submit(server.origin, key);
      expect(first.status).toBe(201);
      acknowledged.push(first.sealed);

      fillers = await fillDisk(mountPoint);
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) {
        const answer = await submit(server.origin, key);
        statuses.push(answer.status);
        if (answer.status === 201) acknowledged.push(answer.sealed);
        else expect(answer.retryAfter).toMatch(/^\d+$/);
      }
      console.log(`full disk: ${statuses.filter((s) => s === 201).length} × 201, ${statuses.filter((s) => s === 503).length} × 503 of ${statuses.length}`);
      expect(statuses.every((s) => s === 201 || s === 503)).toBe(true);
      expect(statuses.filter((s) => s === 503).length).toBeGreaterThan(statuses.length / 2);
      await new Promise((r) => setTimeout(r, 2100));
      const full = await readiness(server.origin);
      expect(full.status).toBe(503);
      expect(full.body.failing).toContain('disk');

      await Promise.all(fillers.splice(0).map((file) => rm(file)));
      const deadline = Date.now() + 10_000;
      while ((await readiness(server.origin)).status !== 200) {
        expect(Date.now(), 'ready again after space was freed').toBeLessThan(deadline);
        await new Promise((r) => setTimeout(r, 200));
      }
      const after = await submit(server.origin, key);
      expect(after.status).toBe(201);
      acknowledged.push(after.sealed);
      expect(server.child.exitCode).toBeNull();

      server.child.kill('SIGTERM');
      expect(await server.exited, server.output()).toBe(0);
    } finally {
      // A failure part-way must not leave the server holding DATA_DIR, nor the disk full.
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
      await Promise.all(fillers.map((file) => rm(file, { force: true })));
    }
    await withDatabase(dataDir, (db) => expectStored(db, acknowledged));
  });

  it('start-up on a full DATA_DIR, or a read-only one, stops with one line naming DATA_DIR', { timeout: DISK_TEST_TIMEOUT_MS }, async (context) => {
    if (mountFailure) return context.skip();
    const dataDir = path.join(mountPoint, 'data');
    const fillers = await fillDisk(mountPoint);
    try {
      const full = await runServerUntilExit({ DATA_DIR: dataDir });
      expect(full.code, full.output).toBe(1);
      full.output = withoutNodeWarnings(full.output);
      expect(full.output.trim()).toMatch(new RegExp(`^offscript: DATA_DIR ${dataDir} is full \\(\\d+ MiB free`));
      expect(full.output.trim().split('\n')).toHaveLength(1);
    } finally {
      await Promise.all(fillers.map((file) => rm(file)));
    }
    execFileSync('mount', ['-o', 'remount,ro', mountPoint]);
    try {
      const readOnly = await runServerUntilExit({ DATA_DIR: dataDir });
      expect(readOnly.code, readOnly.output).toBe(1);
      expect(withoutNodeWarnings(readOnly.output).trim()).toBe(
        `offscript: DATA_DIR ${dataDir} is on a read-only file system; the embedded database needs to write there (or set DATABASE_URL).`,
      );
    } finally {
      execFileSync('mount', ['-o', 'remount,rw', mountPoint]);
    }
  });
});
