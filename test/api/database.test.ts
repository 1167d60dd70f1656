// The database layer agrees across PGlite (Kysely's own dialect) and Postgres (pg): dates stay
// calendar days, transactions neither lose nor leak rows, and the data directory is locked.
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/db/database.js';
import type { Database } from '../../server/db/schema.js';
import { openTestDatabase, testDatabaseUrl, type TestDatabase } from '../support/database.js';

type ParityTables = {
  parity_item: { name: string; day: string | Date };
};

let database: TestDatabase;
let db: Kysely<Database & ParityTables>;
beforeAll(async () => {
  database = await openTestDatabase();
  db = database.db.withTables<ParityTables>();
  await sql`create table parity_item (name text primary key, day date not null)`.execute(db);
});
afterAll(async () => database?.close());

describe(`the database layer on ${testDatabaseUrl ? 'Postgres' : 'PGlite'}`, () => {
  it('reads a date as YYYY-MM-DD and stores a Date param as its local calendar day', async () => {
    const previousTz = process.env.TZ;
    process.env.TZ = 'Pacific/Auckland'; // UTC+13 in February: local midnight is the previous UTC day
    try {
      const localMidnight = new Date(2024, 1, 29);
      expect(localMidnight.toISOString().slice(0, 10)).toBe('2024-02-28'); // the TZ switch took effect
      await db
        .insertInto('parity_item')
        .values([
          { name: 'date-param', day: localMidnight },
          { name: 'text', day: '1999-12-31' },
        ])
        .execute();
      const rows = await db.selectFrom('parity_item').selectAll().where('name', 'in', ['date-param', 'text']).orderBy('name').execute();
      expect(rows).toEqual([
        { name: 'date-param', day: '2024-02-29' },
        { name: 'text', day: '1999-12-31' },
      ]);
    } finally {
      if (previousTz === undefined) delete process.env.TZ;
      else process.env.TZ = previousTz;
    }
  });

  it('runs concurrent queries and transactions without losing or leaking rows', async () => {
    const inserts = Array.from({ length: 100 }, (_, i) =>
      db
        .insertInto('parity_item')
        .values({ name: `plain-${i}`, day: '2024-01-01' })
        .execute(),
    );
    // Every 5th transaction throws: its rollback must not take other callers' rows with it.
    const transactions = Array.from({ length: 30 }, (_, i) =>
      db
        .transaction()
        .execute(async (trx) => {
          await trx
            .insertInto('parity_item')
            .values({ name: `tx-${i}-a`, day: '2024-01-01' })
            .execute();
          await delay(1);
          await trx
            .insertInto('parity_item')
            .values({ name: `tx-${i}-b`, day: '2024-01-01' })
            .execute();
          if (i % 5 === 0) throw new Error(`fail ${i}`);
        })
        .then(
          () => 'committed',
          () => 'rolled back',
        ),
    );
    const [, outcomes] = await Promise.all([Promise.all(inserts), Promise.all(transactions)]);
    expect(outcomes.filter((o) => o === 'committed')).toHaveLength(24);
    const { n } = await db
      .selectFrom('parity_item')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where((eb) => eb.or([eb('name', 'like', 'plain-%'), eb('name', 'like', 'tx-%')]))
      .executeTakeFirstOrThrow();
    expect(Number(n)).toBe(100 + 24 * 2);
    expect(await db.selectFrom('parity_item').select('name').where('name', 'like', 'tx-0-%').execute()).toEqual([]);
  });

  it('reports a unique violation with its Postgres code and keeps working', async () => {
    await db.insertInto('parity_item').values({ name: 'dup', day: '2024-01-01' }).execute();
    await expect(db.insertInto('parity_item').values({ name: 'dup', day: '2024-01-01' }).execute()).rejects.toMatchObject({ code: '23505' });
    await expect(db.transaction().execute((trx) => trx.insertInto('parity_item').values({ name: 'dup', day: '2024-01-01' }).execute())).rejects.toMatchObject({ code: '23505' });
    expect(await db.selectFrom('parity_item').select('name').where('name', '=', 'dup').execute()).toEqual([{ name: 'dup' }]);
  });
});

describe.skipIf(testDatabaseUrl)('the PGlite data directory', () => {
  it('persists across opens, refuses a second holder, and is released by destroy', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'offscript-datadir-'));
    try {
      const lock = path.join(dataDir, 'pglite.lock');
      const first = await openDatabase({ databaseUrl: undefined, dataDir });
      await sql`create table kept (day date)`.execute(first.db);
      await sql`insert into kept values ('2024-02-29')`.execute(first.db);
      await expect(access(lock)).resolves.toBeUndefined();
      await first.db.destroy();
      await expect(access(lock)).rejects.toMatchObject({ code: 'ENOENT' });

      // A live process (our parent, vitest) holding the lock keeps others out.
      await writeFile(lock, String(process.ppid));
      await expect(openDatabase({ databaseUrl: undefined, dataDir })).rejects.toThrow(`in use by process ${process.ppid}`);
      await rm(lock);

      const second = await openDatabase({ databaseUrl: undefined, dataDir });
      const { rows } = await sql<{ day: string }>`select day from kept`.execute(second.db);
      expect(rows).toEqual([{ day: '2024-02-29' }]);
      await second.db.destroy();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
