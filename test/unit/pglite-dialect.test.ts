import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, sql, type Generated } from 'kysely';
import { describe, it, expect } from 'vitest';
import { PGliteDialect } from '../../server/db/pglite-dialect.js';

interface ItemTable {
  id: Generated<string>;
  blob: Uint8Array;
  day: string | Date;
  name: string;
  qty: number;
}
interface DB {
  item: ItemTable;
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function createItemTable(db: Kysely<DB>): Promise<void> {
  await db.schema
    .createTable('item')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('blob', 'bytea', (c) => c.notNull())
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('qty', 'integer', (c) => c.notNull())
    .execute();
}

/** Fresh in-memory database with the `item` table; the caller destroys it. */
async function memoryDb(): Promise<Kysely<DB>> {
  const db = new Kysely<DB>({ dialect: new PGliteDialect({ pglite: new PGlite() }) });
  await createItemTable(db);
  return db;
}

const row = (name: string, qty = 1) => ({ blob: new Uint8Array([qty & 0xff]), day: '2024-01-01', name, qty });

const countItems = async (db: Kysely<DB>): Promise<number> =>
  Number((await db.selectFrom('item').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

// Each test boots its own PGlite (WASM + initdb): seconds each on a slow machine.
describe('PGliteDialect', { timeout: 60_000 }, () => {
  it('round-trips uuid, bytea, date, text and int columns', async () => {
    const db = await memoryDb();
    try {
      const bytes = new Uint8Array([0, 1, 127, 128, 254, 255]);
      const inserted = await db
        .insertInto('item')
        .values([
          { blob: bytes, day: '2024-02-29', name: 'uint8array', qty: 42 },
          { blob: Buffer.from([9, 8, 7]), day: '1999-12-31', name: 'buffer', qty: -1 },
        ])
        .executeTakeFirst();
      expect(inserted.numInsertedOrUpdatedRows).toBe(2n);

      const rows = await db.selectFrom('item').selectAll().orderBy('qty', 'desc').execute();
      expect(rows).toHaveLength(2);
      const [a, b] = rows;
      expect(a?.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(a?.blob).toBeInstanceOf(Uint8Array);
      expect(Array.from(a?.blob ?? [])).toEqual(Array.from(bytes));
      expect(a?.day).toBe('2024-02-29');
      expect(a?.name).toBe('uint8array');
      expect(a?.qty).toBe(42);
      expect(Array.from(b?.blob ?? [])).toEqual([9, 8, 7]);
      expect(b?.day).toBe('1999-12-31');

      // bytea also works as a WHERE parameter.
      const found = await db.selectFrom('item').select('name').where('blob', '=', Buffer.from([9, 8, 7])).execute();
      expect(found).toEqual([{ name: 'buffer' }]);

      const updated = await db.updateTable('item').set({ qty: 0 }).executeTakeFirst();
      expect(updated.numUpdatedRows).toBe(2n);
    } finally {
      await db.destroy();
    }
  });

  it('stores a Date param for a date column as its local calendar day, like node-postgres', async () => {
    const previousTz = process.env.TZ;
    process.env.TZ = 'Pacific/Auckland'; // UTC+13 in February: local midnight is the previous UTC day
    const db = await memoryDb();
    try {
      const localMidnight = new Date(2024, 1, 29);
      expect(localMidnight.toISOString().slice(0, 10)).toBe('2024-02-28'); // the TZ switch took effect
      await db.insertInto('item').values({ ...row('d'), day: localMidnight }).execute();
      const { day } = await db.selectFrom('item').select('day').executeTakeFirstOrThrow();
      expect(day).toBe('2024-02-29');
    } finally {
      if (previousTz === undefined) delete process.env.TZ;
      else process.env.TZ = previousTz;
      await db.destroy();
    }
  });

  it('surfaces unique violations with code 23505 and keeps working afterwards', async () => {
    const db = await memoryDb();
    try {
      await db.insertInto('item').values(row('dup')).execute();
      await expect(db.insertInto('item').values(row('dup')).execute()).rejects.toMatchObject({
        code: '23505',
        constraint: 'item_name_key',
      });
      // Also inside a transaction: the error propagates and the connection is released.
      await expect(
        db.transaction().execute(async (trx) => {
          await trx.insertInto('item').values(row('in-tx')).execute();
          await trx.insertInto('item').values(row('dup')).execute();
        }),
      ).rejects.toMatchObject({ code: '23505' });

      const names = await db.selectFrom('item').select('name').execute();
      expect(names).toEqual([{ name: 'dup' }]);
    } finally {
      await db.destroy();
    }
  });

  it('commits a transaction, and rolls it back when the callback throws', async () => {
    const db = await memoryDb();
    try {
      const result = await db.transaction().execute(async (trx) => {
        await trx.insertInto('item').values(row('committed')).execute();
        return 'ok';
      });
      expect(result).toBe('ok');

      const boom = new Error('boom');
      await expect(
        db.transaction().execute(async (trx) => {
          await trx.insertInto('item').values(row('rolled-back')).execute();
          throw boom;
        }),
      ).rejects.toBe(boom);

      // Isolation level / access mode are honoured: a read-only transaction refuses writes.
      await expect(
        db
          .transaction()
          .setIsolationLevel('serializable')
          .setAccessMode('read only')
          .execute((trx) => trx.insertInto('item').values(row('read-only')).execute()),
      ).rejects.toMatchObject({ code: '25006' }); // read_only_sql_transaction

      const names = await db.selectFrom('item').select('name').execute();
      expect(names).toEqual([{ name: 'committed' }]);
    } finally {
      await db.destroy();
    }
  });

  it('makes an outside query wait for an open transaction instead of joining it', async () => {
    const db = await memoryDb();
    try {
      const events: string[] = [];
      let inserted!: () => void;
      const insertedSignal = new Promise<void>((resolve) => (inserted = resolve));

      const tx = db.transaction().execute(async (trx) => {
        await trx.insertInto('item').values(row('tx-row')).execute();
        inserted();
        await delay(100);
        events.push('tx-callback-done');
      });

      await insertedSignal;
      events.push('outside-issued');
      const outside = db
        .selectFrom('item')
        .selectAll()
        .execute()
        .then((rows) => {
          events.push('outside-resolved');
          return rows;
        });

      const [, rows] = await Promise.all([tx, outside]);
      expect(events).toEqual(['outside-issued', 'tx-callback-done', 'outside-resolved']);
      expect(rows.map((r) => r.name)).toEqual(['tx-row']);

      // Same with a rollback: the waiting query must not see the discarded row.
      let insertedAgain!: () => void;
      const insertedAgainSignal = new Promise<void>((resolve) => (insertedAgain = resolve));
      const failing = db.transaction().execute(async (trx) => {
        await trx.insertInto('item').values(row('doomed')).execute();
        insertedAgain();
        await delay(50);
        throw new Error('abort');
      });
      await insertedAgainSignal;
      const outsideAfterRollback = db.selectFrom('item').select('name').execute();
      await expect(failing).rejects.toThrow('abort');
      expect(await outsideAfterRollback).toEqual([{ name: 'tx-row' }]);
    } finally {
      await db.destroy();
    }
  });

  it('runs many concurrent queries and transactions without losing or leaking rows', async () => {
    const db = await memoryDb();
    try {
      const inserts = Array.from({ length: 200 }, (_, i) => db.insertInto('item').values(row(`plain-${i}`, i)).execute());
      // Every 5th transaction throws: its rollback must not take other callers' rows with it.
      const transactions = Array.from({ length: 50 }, (_, i) =>
        db
          .transaction()
          .execute(async (trx) => {
            await trx.insertInto('item').values(row(`tx-${i}-a`, i)).execute();
            await delay(1);
            await trx.insertInto('item').values(row(`tx-${i}-b`, i)).execute();
            if (i % 5 === 0) throw new Error(`fail ${i}`);
          })
          .then(
            () => 'committed',
            () => 'rolled back',
          ),
      );
      const [insertResults, txResults] = await Promise.all([Promise.all(inserts), Promise.all(transactions)]);

      expect(insertResults).toHaveLength(200);
      expect(txResults.filter((r) => r === 'committed')).toHaveLength(40);
      expect(await countItems(db)).toBe(200 + 40 * 2);
      expect(
        await db.selectFrom('item').select('name').where('name', 'like', 'tx-0-%').execute(),
      ).toEqual([]);
    } finally {
      await db.destroy();
    }
  });

  it('streams rows in chunks (buffered fallback) and supports savepoints', async () => {
    const db = await memoryDb();
    try {
      await db.insertInto('item').values(Array.from({ length: 7 }, (_, i) => row(`s-${i}`, i))).execute();
      let total = 0;
      for await (const item of db.selectFrom('item').select('qty').orderBy('qty').stream(3)) {
        expect(item.qty).toBe(total);
        total++;
      }
      expect(total).toBe(7);

      const trx = await db.startTransaction().execute();
      await trx.insertInto('item').values(row('kept')).execute();
      const sp = await trx.savepoint('before "odd" name').execute();
      await sp.insertInto('item').values(row('undone')).execute();
      await sp.rollbackToSavepoint('before "odd" name').execute();
      await trx.commit().execute();

      const names = await db.selectFrom('item').select('name').where('name', 'in', ['kept', 'undone']).execute();
      expect(names).toEqual([{ name: 'kept' }]);
    } finally {
      await db.destroy();
    }
  });

  it('persists to a data directory across PGlite instances', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pglite-dialect-'));
    try {
      const first = new Kysely<DB>({ dialect: new PGliteDialect({ pglite: new PGlite(dir) }) });
      await createItemTable(first);
      await first.insertInto('item').values({ ...row('persisted', 7), blob: new Uint8Array([1, 2, 3]) }).execute();
      await first.destroy();

      const pglite = new PGlite(dir);
      const second = new Kysely<DB>({ dialect: new PGliteDialect({ pglite }) });
      try {
        const rows = await second.selectFrom('item').select(['name', 'qty', 'blob', 'day']).execute();
        expect(rows).toHaveLength(1);
        expect(rows[0]?.name).toBe('persisted');
        expect(rows[0]?.qty).toBe(7);
        expect(Array.from(rows[0]?.blob ?? [])).toEqual([1, 2, 3]);
        expect(rows[0]?.day).toBe('2024-01-01');
      } finally {
        await second.destroy();
      }
      expect(pglite.closed).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('tolerates destroy twice and destroy after PGlite was closed', async () => {
    const pglite = new PGlite();
    const db = new Kysely<DB>({ dialect: new PGliteDialect({ pglite }) });
    await sql`select 1`.execute(db);
    await db.destroy();
    expect(pglite.closed).toBe(true);
    await expect(db.destroy()).resolves.toBeUndefined();

    const pglite2 = new PGlite();
    const db2 = new Kysely<DB>({ dialect: new PGliteDialect({ pglite: pglite2 }) });
    await sql`select 1`.execute(db2);
    await pglite2.close();
    await expect(db2.destroy()).resolves.toBeUndefined();
    // A second Kysely over the already-closed PGlite: its own driver's destroy must not close it again.
    const db3 = new Kysely<DB>({ dialect: new PGliteDialect({ pglite: pglite2 }) });
    await expect(sql`select 1`.execute(db3)).rejects.toThrow(/closed/);
    await expect(db3.destroy()).resolves.toBeUndefined();
  });
});
