// Chooses the database: Postgres through `pg` when DATABASE_URL is set, else embedded PGlite.
import { constants } from 'node:fs';
import { access, mkdir, open, readFile, rm, statfs } from 'node:fs/promises';
import path from 'node:path';
import { PGlite, types, type PGliteOptions } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect, sql, type Transaction, type PostgresCursor, type PostgresPool, type PostgresPoolClient, type PostgresQueryResult } from 'kysely';
import pg from 'pg';
import type { Config, DatabaseWaits } from '../config.js';
import { describeError } from '../privacy/logging.js';
import { processIsAlive } from '../control/process-alive.js';
import type { Database } from './schema.js';

// `date` columns stay YYYY-MM-DD strings: a Date would invent a time of day and a time zone.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
const pgliteDateSerializer = types.serializers[types.DATE];

/** PGlite made to agree with node-postgres on `date`: read as text, and a Date param is its local day. */
export const PGLITE_DATE_OPTIONS = {
  parsers: { [types.DATE]: (value: string) => value },
  serializers: {
    [types.DATE]: (value: unknown): string =>
      value instanceof Date ? `${pad(value.getFullYear(), 4)}-${pad(value.getMonth() + 1)}-${pad(value.getDate())}` : pgliteDateSerializer ? pgliteDateSerializer(value) : String(value),
  },
} satisfies PGliteOptions;

/**
 * Buffers smaller than Postgres's defaults (shared_buffers 128 MB, maintenance_work_mem 64 MB…):
 * the embedded database serves one process, and its WebAssembly memory never shrinks once grown.
 * Measured in docs/faults.md ("Memory").
 */
export const PGLITE_MEMORY_SETTINGS = ['shared_buffers=16MB', 'wal_buffers=1MB', 'maintenance_work_mem=16MB', 'temp_buffers=2MB', 'max_connections=10'];

/** A PGlite on a data directory that releases the directory's lock once it has closed. */
class LockedPGlite extends PGlite {
  readonly #releaseLock: () => Promise<void>;

  constructor(dir: string, releaseLock: () => Promise<void>) {
    super(dir, { ...PGLITE_DATE_OPTIONS, startParams: [...PGlite.defaultStartParams, ...PGLITE_MEMORY_SETTINGS.flatMap((setting) => ['-c', setting])] });
    this.#releaseLock = releaseLock;
  }

  override async close(): Promise<void> {
    await super.close();
    await this.#releaseLock();
  }
}

/** Kysely over an open PGlite; Kysely's destroy() closes it. */
export function pgliteKysely(pglite: PGlite): Kysely<Database> {
  return new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
}

export type DatabaseKind = 'pglite' | 'postgres';

/** Where a lost database connection is reported: the app's logger, or stderr before it exists. */
export interface ConnectionLossLog {
  warn(obj: { err: unknown }, msg: string): void;
}

export interface DatabaseHandle {
  db: Kysely<Database>;
  kind: DatabaseKind;
  /** Sends later reports of lost idle connections to `log` (Postgres only; PGlite has none). */
  reportLostConnectionsTo(log: ConnectionLossLog): void;
}

const LOST_CONNECTION = 'database: an idle connection was lost; the next query opens a new one';

// Only the code (57P01 on a restart, ECONNRESET…): describeError is the app logger's policy too.
const stderrLog: ConnectionLossLog = {
  warn: ({ err }, msg) => console.error(`offscript: ${msg} (${String(describeError(err).code ?? 'no code')})`),
};

// Postgres's SQLSTATE classes and codes that mean "the database is away or cannot write just
// now", not "this request is wrong": connection exceptions (08), shutdown or restart (57P01–03),
// insufficient resources such as a full disk (53), and a read-only server after a failover.
// A statement, lock or idle-transaction timeout (57014, 55P03, 25P03) is a database too slow to
// answer in the time allowed: the same 503.
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[123]|53...|25006|57014|55P03|25P03)$/;
const UNAVAILABLE_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ENOSPC', 'EROFS']);
// pg raises these without a code when a socket ends or a connection cannot be had in time.
const UNAVAILABLE_MESSAGE = /^(Connection terminated|Client has encountered a connection error|Client was closed|timeout exceeded when trying to connect)/;

/** True when `error` says the database went away or cannot write, so a 503 (not a 500) is the answer. */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_ERRNO.has(code))) return true;
  if (UNAVAILABLE_MESSAGE.test(error.message)) return true;
  // A wrapper (the migrator's "Migration … failed") keeps what it wraps as its cause.
  if (error.cause !== undefined && isDatabaseUnavailable(error.cause)) return true;
  // Connecting to a name with several addresses fails with one error per address.
  return error instanceof AggregateError && error.errors.some(isDatabaseUnavailable);
}

// A statement outside a transaction that only reads can run again on a new connection: whether
// or not the first attempt reached the server, nothing changed. Writes are not retried: a
// commit whose acknowledgement was lost would run twice (a second submission would be refused).
const RETRY_SAFE = /^\s*(select|begin)\b/i;
const TRANSACTION_STARTS = /^\s*(begin|start transaction)\b/i;
const TRANSACTION_ENDS = /^\s*(commit|rollback|end|abort)\s*;?\s*$/i;

/** The client stopped waiting for a server that hangs; answered 503 like a lost connection. */
class NoAnswerInTime extends Error {
  readonly code = 'ETIMEDOUT';

  constructor(ms: number) {
    super(`Query read timeout: no answer from the database in ${ms} ms`);
    this.name = 'NoAnswerInTime';
  }
}

/** True when the client gave up waiting for a server that hangs (not worth asking again at once). */
export function isNoAnswerInTime(error: unknown): boolean {
  return error instanceof NoAnswerInTime;
}

/** A pool client that replaces its connection and retries once when a safe statement finds it broken. */
class RetryingClient implements PostgresPoolClient {
  private inTransaction = false;
  // Set by `set local statement_timeout = 0` (withoutStatementTimeout) until the transaction ends.
  private unbounded = false;

  constructor(
    private readonly pool: pg.Pool,
    private client: pg.PoolClient | undefined,
    private readonly answerWaitMs: number | undefined,
  ) {}

  query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>;
  query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
  query<R>(sqlOrCursor: string | PostgresCursor<R>, parameters?: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
    // No code streams (Kysely needs a cursor class for that, and none is configured).
    if (typeof sqlOrCursor !== 'string') throw new Error('streaming queries are not configured');
    return this.run<R>(sqlOrCursor, parameters ?? []);
  }

  private async run<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> {
    const retrySafe = !this.inTransaction && RETRY_SAFE.test(sql);
    let result: pg.QueryResult;
    try {
      result = await this.answered(sql, parameters);
    } catch (error) {
      // A server that did not answer in time is not asked again: the request has waited enough.
      if (!retrySafe || !isDatabaseUnavailable(error) || error instanceof NoAnswerInTime) throw error;
      this.client?.release(true);
      this.client = undefined;
      this.client = await this.pool.connect();
      result = await this.client.query(sql, [...parameters]);
    }
    if (TRANSACTION_STARTS.test(sql)) this.inTransaction = true;
    else if (TRANSACTION_ENDS.test(sql)) this.inTransaction = this.unbounded = false;
    else if (this.inTransaction && UNBOUNDED_STATEMENTS.test(sql)) this.unbounded = true;
    else if (!this.inTransaction && UNBOUNDED_SESSION.test(sql)) this.unbounded = true;
    else if (!this.inTransaction && STATEMENT_TIMEOUT_RESET.test(sql)) this.unbounded = false;
    return { command: result.command as PostgresQueryResult<R>['command'], rowCount: result.rowCount ?? 0, rows: result.rows as R[] };
  }

  /**
   * The statement's answer, or a timeout error once the server has taken its own statement
   * timeout and a margin: a server that hangs (stopped, swapped out, a dead network) enforces
   * nothing itself. The connection is then discarded, since its answer may still come.
   */
  private async answered(sql: string, parameters: ReadonlyArray<unknown>): Promise<pg.QueryResult> {
    const client = this.connection();
    const query = client.query(sql, [...parameters]);
    if (this.answerWaitMs === undefined || this.unbounded) return query;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        query.catch(() => {}); // it fails when the connection is destroyed below
        if (this.client === client) this.client = undefined;
        client.release(true);
        reject(new NoAnswerInTime(this.answerWaitMs ?? 0));
      }, this.answerWaitMs);
    });
    try {
      return await Promise.race([query, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  private connection(): pg.PoolClient {
    if (!this.client) throw Object.assign(new Error('Connection terminated: no connection to retry on'), { code: '08003' });
    return this.client;
  }

  release(destroy?: boolean): void {
    this.client?.release(destroy);
    this.client = undefined;
  }
}

const UNBOUNDED_STATEMENTS = /^\s*set\s+local\s+statement_timeout\s*(=|to)\s*0\s*;?\s*$/i;
// A connection held for statements that cannot run in a transaction (VACUUM), until reset.
const UNBOUNDED_SESSION = /^\s*set\s+statement_timeout\s*(=|to)\s*0\s*;?\s*$/i;
const STATEMENT_TIMEOUT_RESET = /^\s*reset\s+statement_timeout\s*;?\s*$/i;

/**
 * Lifts the statement timeout for the rest of `trx` (a job's long statement: a table rewrite, a
 * refresh over every account); requests never use it.
 */
export async function withoutStatementTimeout(trx: Transaction<Database>): Promise<void> {
  await sql`set local statement_timeout = 0`.execute(trx);
}

/**
 * Runs `work` on one connection without the statement timeout, for statements a transaction
 * cannot hold (VACUUM, CHECKPOINT); the connection's own limit is restored before it returns to the pool.
 */
export async function onConnectionWithoutStatementTimeout<T>(db: Kysely<Database>, work: (connection: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.connection().execute(async (connection) => {
    await sql`set statement_timeout = 0`.execute(connection);
    try {
      return await work(connection);
    } finally {
      await sql`reset statement_timeout`.execute(connection);
    }
  });
}

/** The pool Kysely sees: pg's, with every connection's errors heard and safe statements retried once. */
function retryingPool(pool: pg.Pool, answerWaitMs: number | undefined): PostgresPool {
  return {
    connect: async () => new RetryingClient(pool, await pool.connect(), answerWaitMs),
    end: () => pool.end(),
    // Kysely 0.29 reads these only to cancel a query on an abort signal, which no code sends.
    options: pool.options,
  };
}

// How much longer than its own statement timeout a server gets before the client stops waiting.
const ANSWER_MARGIN_MS = 1000;

/** pg's pool settings for these waits: the server's own timeouts, set on every new session. */
function boundedPoolOptions(waits: DatabaseWaits): pg.PoolConfig {
  return {
    connectionTimeoutMillis: waits.connectMs,
    statement_timeout: waits.statementMs,
    lock_timeout: waits.lockMs,
    idle_in_transaction_session_timeout: waits.idleInTransactionMs,
  };
}

/**
 * Opens the configured database. With `waits` (the serving process), every wait on Postgres is
 * bounded (docs/faults.md); without (migrations, operator scripts), statements run as long as
 * they need, and only a connection is waited for a bounded time. PGlite runs in this process
 * and has no server that can hang apart from it: the waits do not apply to it.
 */
export async function openDatabase(config: Pick<Config, 'databaseUrl' | 'dataDir'>, waits?: DatabaseWaits): Promise<DatabaseHandle> {
  if (config.databaseUrl) {
    // A bounded wait for a connection: during an outage a request gets its 503 in seconds.
    const bounds = waits ? boundedPoolOptions(waits) : { connectionTimeoutMillis: 5000 };
    const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 20, keepAlive: true, ...bounds });
    let log = stderrLog;
    // A restart of Postgres or a cut network breaks idle connections, which pg reports as an
    // 'error' on the pool; unheard, that event would end the process. The pool drops them itself.
    pool.on('error', (err) => log.warn({ err }, LOST_CONNECTION));
    // pg-pool stops listening to a client while it is checked out, and a connection ended
    // between two statements then emits an unheard 'error' that would end the process. The
    // statement in flight (or the next) fails on its own and is answered 503, so nothing to log.
    pool.on('connect', (client) => client.on('error', () => {}));
    return {
      db: new Kysely<Database>({ dialect: new PostgresDialect({ pool: retryingPool(pool, waits && waits.statementMs + ANSWER_MARGIN_MS) }) }),
      kind: 'postgres',
      reportLostConnectionsTo: (to) => (log = to),
    };
  }
  const dir = path.join(config.dataDir, 'pglite');
  let releaseLock: () => Promise<void>;
  try {
    await mkdir(dir, { recursive: true });
    releaseLock = await lockDataDir(config.dataDir);
  } catch (error) {
    // A file-system refusal is explained; "in use by another process" already says what is wrong.
    if (error instanceof DataDirError) throw error;
    throw (await dataDirProblem(config.dataDir)) ?? error;
  }
  return { db: pgliteKysely(new LockedPGlite(dir, releaseLock)), kind: 'pglite', reportLostConnectionsTo: () => {} };
}

/** Start-up cannot use DATA_DIR; the message names it and says why. */
export class DataDirError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataDirError';
  }
}

// The embedded database needs room for a new 16 MiB WAL segment and its tables' growth.
const DATA_DIR_MIN_FREE_BYTES = 32 * 1024 * 1024;

/** Why DATA_DIR cannot hold the embedded database (read-only, not writable, full), if it cannot. */
export async function dataDirProblem(dataDir: string): Promise<DataDirError | undefined> {
  let existing = dataDir;
  // Before the first start DATA_DIR may not exist yet: judge the nearest folder that does.
  while (
    !(await access(existing).then(
      () => true,
      () => false,
    )) &&
    path.dirname(existing) !== existing
  )
    existing = path.dirname(existing);
  try {
    await access(existing, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EROFS' ? 'is on a read-only file system' : 'is not writable by this user';
    return new DataDirError(`DATA_DIR ${dataDir} ${why}; the embedded database needs to write there (or set DATABASE_URL).`);
  }
  const { bavail, bsize } = await statfs(existing);
  const free = bavail * bsize;
  if (free < DATA_DIR_MIN_FREE_BYTES) {
    return new DataDirError(
      `DATA_DIR ${dataDir} is full (${Math.floor(free / 1024 / 1024)} MiB free; the embedded database needs at least ${DATA_DIR_MIN_FREE_BYTES / 1024 / 1024} MiB); free some space and start again.`,
    );
  }
  return undefined;
}

/** PGlite is one process's database: a second process on the same directory would corrupt it. */
async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const lockPath = path.join(dataDir, 'pglite.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lockPath, 'wx');
      try {
        await handle.writeFile(String(process.pid));
      } catch (error) {
        // A full disk refuses even these few bytes: leave no empty lock and no open handle.
        await handle.close();
        await rm(lockPath, { force: true });
        throw error;
      }
      await handle.close();
      return () => rm(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(await readFile(lockPath, 'utf8').catch(() => ''));
      if (holder && holder !== process.pid && processIsAlive(holder)) {
        throw new DataDirError(`The database in ${dataDir} is in use by process ${holder} (probably the running server). Stop it first, or use Postgres (DATABASE_URL).`);
      }
      // A lock left by a process that died (kill -9, power loss): take it over.
      await rm(lockPath, { force: true });
    }
  }
  throw new Error(`Could not lock ${dataDir}.`);
}

/** An in-memory PGlite database, for tests and throwaway runs; `template` is a dumped data directory. */
export function openMemoryDatabase(template?: Blob): DatabaseHandle {
  return {
    db: pgliteKysely(new PGlite({ ...PGLITE_DATE_OPTIONS, ...(template ? { loadDataDir: template } : {}) })),
    kind: 'pglite',
    reportLostConnectionsTo: () => {},
  };
}
