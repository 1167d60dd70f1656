// Kysely dialect for PGlite (in-process WASM Postgres); Kysely 0.28 ships none.
import { types, type PGlite, type QueryOptions, type Results } from '@electric-sql/pglite';
import {
  AbortedTransactionError,
  IdentifierNode,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  RawNode,
  createQueryId,
  type CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';

export interface PGliteDialectConfig {
  /** Created by the caller: `new PGlite()` (memory) or `new PGlite(dir)` (disk). */
  pglite: PGlite;
  /** Runs after PGlite closed, e.g. to release the data directory's lock. */
  onClose?: () => Promise<void>;
}

export class PGliteDialect implements Dialect {
  readonly #config: PGliteDialectConfig;

  constructor(config: PGliteDialectConfig) {
    this.#config = config;
  }

  createDriver(): Driver {
    return new PGliteDriver(this.#config.pglite, this.#config.onClose);
  }

  createQueryCompiler(): QueryCompiler {
    return new PostgresQueryCompiler();
  }

  createAdapter(): DialectAdapter {
    return new PostgresAdapter();
  }

  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new PostgresIntrospector(db);
  }
}

/** FIFO async mutex: unlock hands the lock straight to the oldest waiter. */
class Mutex {
  #locked = false;
  readonly #waiters: Array<() => void> = [];

  async lock(): Promise<void> {
    if (!this.#locked) {
      this.#locked = true;
      return;
    }
    await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  unlock(): void {
    const next = this.#waiters.shift();
    if (next) next();
    else this.#locked = false;
  }
}

const DATE_OID = types.DATE; // 1082
const DML_COMMANDS = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE']);

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
const defaultDateSerializer = types.serializers[DATE_OID];

// `date` parity with node-postgres (setTypeParser(1082, v => v)): read back as 'YYYY-MM-DD' strings,
// and a Date param becomes its *local* calendar day (pg sends local time; PGlite's default sends UTC).
const QUERY_OPTIONS: QueryOptions = {
  rowMode: 'object',
  parsers: { [DATE_OID]: (value: string) => value },
  serializers: {
    [DATE_OID]: (value: unknown): string =>
      value instanceof Date
        ? `${pad(value.getFullYear(), 4)}-${pad(value.getMonth() + 1)}-${pad(value.getDate())}`
        : defaultDateSerializer
          ? defaultDateSerializer(value)
          : String(value),
  },
};

class PGliteDriver implements Driver {
  readonly #pglite: PGlite;
  readonly #mutex = new Mutex();
  readonly #connection: PGliteConnection;

  readonly #onClose: (() => Promise<void>) | undefined;

  constructor(pglite: PGlite, onClose?: () => Promise<void>) {
    this.#pglite = pglite;
    this.#onClose = onClose;
    this.#connection = new PGliteConnection(pglite);
  }

  async init(): Promise<void> {
    await this.#pglite.waitReady;
  }

  // PGlite is a single session: whoever holds the mutex owns it (a whole transaction, BEGIN..COMMIT).
  // Note: awaiting a non-transaction query *inside* a transaction callback deadlocks, as with a pool of 1.
  async acquireConnection(): Promise<DatabaseConnection> {
    await this.#mutex.lock();
    return this.#connection;
  }

  async releaseConnection(): Promise<void> {
    try {
      // Never hand an open transaction to the next holder (e.g. a raw BEGIN left behind on db.connection()).
      if (!this.#pglite.closed && this.#pglite.isInTransaction()) await this.#connection.run('rollback');
    } finally {
      this.#mutex.unlock();
    }
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    let sql = 'begin';
    if (settings.isolationLevel || settings.accessMode) {
      sql = 'start transaction';
      if (settings.isolationLevel) sql += ` isolation level ${settings.isolationLevel}`;
      if (settings.accessMode) sql += ` ${settings.accessMode}`;
    }
    await asPGliteConnection(connection).run(sql);
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const { command } = await asPGliteConnection(connection).run('commit');
    // Postgres answers COMMIT with a ROLLBACK tag when an earlier error aborted the transaction.
    if (command === 'ROLLBACK') throw new AbortedTransactionError();
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await asPGliteConnection(connection).run('rollback');
  }

  async savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    await connection.executeQuery(savepointQuery('savepoint', name, compile));
  }

  async rollbackToSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await connection.executeQuery(savepointQuery('rollback to', name, compile));
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    await connection.executeQuery(savepointQuery('release', name, compile));
  }

  async destroy(): Promise<void> {
    // Wait for the current holder (and earlier waiters) so in-flight work finishes, like pg's pool.end().
    await this.#mutex.lock();
    try {
      if (!this.#pglite.closed) {
        await this.#pglite.close();
        await this.#onClose?.();
      }
    } finally {
      this.#mutex.unlock();
    }
  }
}

function savepointQuery(command: string, name: string, compile: QueryCompiler['compileQuery']): CompiledQuery {
  // IdentifierNode quotes the name, exactly as Kysely's PostgresDriver does.
  const node = RawNode.createWithChildren([RawNode.createWithSql(`${command} `), IdentifierNode.create(name)]);
  return compile(node, createQueryId());
}

function asPGliteConnection(connection: DatabaseConnection): PGliteConnection {
  if (!(connection instanceof PGliteConnection)) throw new Error('PGliteDriver: foreign connection');
  return connection;
}

class PGliteConnection implements DatabaseConnection {
  readonly #pglite: PGlite;

  constructor(pglite: PGlite) {
    this.#pglite = pglite;
  }

  /** Raw query; PGlite's DatabaseError (with Postgres `code`, e.g. '23505') propagates untouched. */
  run<R>(sql: string, parameters: readonly unknown[] = []): Promise<Results<R>> {
    return this.#pglite.query<R>(sql, [...parameters], QUERY_OPTIONS);
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const { rows, command, affectedRows } = await this.run<R>(compiledQuery.sql, compiledQuery.parameters);
    // Like Kysely's PostgresDriver: numAffectedRows only for DML (PGlite reports 0 for SELECT too).
    return command !== undefined && DML_COMMANDS.has(command) && affectedRows !== undefined
      ? { rows, numAffectedRows: BigInt(affectedRows) }
      : { rows };
  }

  // PGlite has no cursors: run the whole query, then yield the buffered rows in chunks.
  async *streamQuery<R>(compiledQuery: CompiledQuery, chunkSize = 100): AsyncIterableIterator<QueryResult<R>> {
    if (!Number.isInteger(chunkSize) || chunkSize <= 0) throw new Error('chunkSize must be a positive integer');
    const { rows } = await this.executeQuery<R>(compiledQuery);
    for (let i = 0; i < rows.length; i += chunkSize) yield { rows: rows.slice(i, i + chunkSize) };
  }
}
