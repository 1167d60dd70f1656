// server/db/schema.ts mirrors migrations/ by hand; this compares the two. The declared side is read
// by the TypeScript checker (the `Database` interface's tables and each table type's properties);
// the migrated side from information_schema of a database the migrations built.
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import ts from 'typescript';
import type { Database } from '../../server/db/schema.js';

const SCHEMA_FILE = path.resolve(import.meta.dirname, '../../server/db/schema.ts');
/** Kysely's own bookkeeping, not the application's tables. */
const MIGRATOR_TABLES = new Set(['kysely_migration', 'kysely_migration_lock']);

export type Columns = Map<string, Set<string>>;

/** Each table `Database` names, with the column names its table type declares. */
export function declaredColumns(): Columns {
  const program = ts.createProgram([SCHEMA_FILE], { strict: true, noEmit: true, skipLibCheck: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(SCHEMA_FILE);
  const database = source?.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === 'Database');
  if (!database) throw new Error(`no interface Database in ${SCHEMA_FILE}`);
  const columns: Columns = new Map();
  for (const table of checker.getTypeAtLocation(database).getProperties()) {
    const tableType = checker.getTypeOfSymbolAtLocation(table, database);
    columns.set(table.name, new Set(tableType.getProperties().map((column) => column.name)));
  }
  return columns;
}

/** Each base table of the current schema, with its column names. */
export async function migratedColumns(db: Kysely<Database>): Promise<Columns> {
  const rows = await sql<{ table_name: string; column_name: string }>`
    select c.table_name, c.column_name
    from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
    where c.table_schema = current_schema() and t.table_type = 'BASE TABLE'
  `.execute(db);
  const columns: Columns = new Map();
  for (const { table_name, column_name } of rows.rows) {
    if (MIGRATOR_TABLES.has(table_name)) continue;
    columns.set(table_name, (columns.get(table_name) ?? new Set()).add(column_name));
  }
  return columns;
}

/** Every difference, one line each (empty when the mirror is exact), sorted. */
export function mirrorDrift(declared: Columns, migrated: Columns): string[] {
  const drift: string[] = [];
  for (const [table, columns] of migrated) {
    const mirror = declared.get(table);
    if (!mirror) {
      drift.push(`${table}: a table in the database that server/db/schema.ts lacks`);
      continue;
    }
    for (const column of columns) if (!mirror.has(column)) drift.push(`${table}.${column}: in the database, not in server/db/schema.ts`);
    for (const column of mirror) if (!columns.has(column)) drift.push(`${table}.${column}: in server/db/schema.ts, not in the database`);
  }
  for (const table of declared.keys()) if (!migrated.has(table)) drift.push(`${table}: in server/db/schema.ts, not in the database`);
  return drift.sort();
}
