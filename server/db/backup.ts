// Backups that keep the promise (issue 23, docs/threat-model-storage.md): a logical dump of the
// live rows only (no WAL, no dead row, no free space, no lock file), sealed to the operator's
// public key (common/protocol/backup.ts), restored into an empty database of either kind.
import { sql, type Kysely } from 'kysely';
import { CodedError } from '../../common/errors.js';
import { openBackup, sealBackup } from '../../common/protocol/backup.js';
import type { BoxKeyPair } from '../../common/protocol/envelope.js';
import { loadSodium } from '../../common/protocol/sodium.js';
import { createMigrator, migrateToLatest } from './migrator.js';
import type { Database } from './schema.js';
import { withoutStatementTimeout } from './database.js';

const FORMAT = 'offscript-logical-dump';

interface TableDump {
  columns: string[];
  /** The rows as Postgres's json_agg writes them (bytea as \x-hex), read back by json_populate_recordset. */
  rows: string;
}

interface LogicalDump {
  format: typeof FORMAT;
  version: 1;
  /** The migrations the dumped database had applied; the restore brings a fresh one to the same point first. */
  migrations: string[];
  tables: Record<string, TableDump>;
}

// Kysely's own bookkeeping is rebuilt by migrating, never copied.
const NOT_DUMPED = new Set(['kysely_migration', 'kysely_migration_lock']);

async function tablesOf(db: Kysely<Database>): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select table_name as name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`.execute(db);
  return rows.map((r) => r.name).filter((name) => !NOT_DUMPED.has(name));
}

/** Writable columns, in order: generated ones (stories.search) are computed again on insert. */
async function columnsOf(db: Kysely<Database>, table: string): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select column_name as name from information_schema.columns
    where table_schema = current_schema() and table_name = ${table} and is_generated = 'NEVER' order by ordinal_position`.execute(db);
  return rows.map((r) => r.name);
}

/** Every live row of every table, in one repeatable-read snapshot. */
export async function dumpDatabase(db: Kysely<Database>): Promise<Uint8Array> {
  const dump = await db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      // Every table in one read can outlast the serving statement timeout.
      await withoutStatementTimeout(trx);
      const migrations = (await sql<{ name: string }>`select name from kysely_migration order by name`.execute(trx)).rows.map((r) => r.name);
      const tables: Record<string, TableDump> = {};
      for (const table of await tablesOf(trx)) {
        const columns = await columnsOf(trx, table);
        const list = sql.join(columns.map((c) => sql.ref(c)));
        const { rows } = await sql<{ rows: string }>`select coalesce(json_agg(x), '[]')::text as rows from (select ${list} from ${sql.table(table)}) x`.execute(trx);
        tables[table] = { columns, rows: rows[0]!.rows };
      }
      return { format: FORMAT, version: 1, migrations, tables } satisfies LogicalDump;
    });
  return new TextEncoder().encode(JSON.stringify(dump));
}

/** Parents before children, by the foreign keys between the tables. */
async function insertionOrder(db: Kysely<Database>, tables: string[]): Promise<string[]> {
  const { rows } = await sql<{ child: string; parent: string }>`select c.relname as child, p.relname as parent from pg_constraint k
    join pg_class c on c.oid = k.conrelid join pg_class p on p.oid = k.confrelid where k.contype = 'f'`.execute(db);
  const ordered: string[] = [];
  const visit = (table: string, path: Set<string>) => {
    if (ordered.includes(table) || path.has(table)) return;
    path.add(table);
    for (const { parent } of rows.filter((r) => r.child === table && r.parent !== table)) if (tables.includes(parent)) visit(parent, path);
    ordered.push(table);
  };
  for (const table of tables) visit(table, new Set());
  return ordered;
}

/**
 * Restores a dump into an empty database (no moderator, no submission): migrates it to the dump's
 * point, replaces every table's rows with the dump's (triggers off, so the stored tallies stay as
 * dumped), then migrates to the latest. Refuses a database that holds data.
 */
export async function restoreDatabase(db: Kysely<Database>, bytes: Uint8Array): Promise<{ tables: number; rows: number }> {
  let dump: LogicalDump;
  try {
    dump = JSON.parse(new TextDecoder().decode(bytes)) as LogicalDump;
  } catch {
    throw new CodedError('backup_unreadable', { reason: 'unknown format' });
  }
  if (dump.format !== FORMAT || dump.version !== 1) throw new CodedError('backup_unreadable', { reason: 'unknown format' });
  const last = dump.migrations.at(-1);
  if (last) {
    const { error } = await createMigrator(db).migrateTo(last);
    if (error) throw error;
  }
  const occupied = await sql<{ n: string }>`select ((select count(*) from moderators) + (select count(*) from submissions))::text as n`.execute(db);
  if (Number(occupied.rows[0]!.n) > 0) throw new CodedError('restore_target_not_empty');
  let rows = 0;
  await db.transaction().execute(async (trx) => {
    await withoutStatementTimeout(trx);
    const tables = (await tablesOf(trx)).filter((t) => t in dump.tables);
    for (const table of tables) await sql`alter table ${sql.table(table)} disable trigger user`.execute(trx);
    await sql`truncate ${sql.join(tables.map((t) => sql.table(t)))}`.execute(trx);
    for (const table of await insertionOrder(trx, tables)) {
      const { columns, rows: json } = dump.tables[table]!;
      const list = sql.join(columns.map((c) => sql.ref(c)));
      const inserted = await sql`insert into ${sql.table(table)} (${list}) select ${list} from json_populate_recordset(null::${sql.table(table)}, ${json}::json)`.execute(trx);
      rows += Number(inserted.numAffectedRows ?? 0);
    }
    for (const table of tables) await sql`alter table ${sql.table(table)} enable trigger user`.execute(trx);
  });
  await migrateToLatest(db);
  return { tables: Object.keys(dump.tables).length, rows };
}

/** The dump, sealed to the operator's public key. */
export async function sealedBackup(db: Kysely<Database>, operatorPublicKey: Uint8Array): Promise<Uint8Array> {
  return sealBackup(await loadSodium(), await dumpDatabase(db), operatorPublicKey);
}

/** Opens a sealed backup with the operator's key pair and restores it. */
export async function restoreSealedBackup(db: Kysely<Database>, sealed: Uint8Array, operator: BoxKeyPair) {
  return restoreDatabase(db, openBackup(await loadSodium(), sealed, operator));
}
