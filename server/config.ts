// Every setting, read once from the environment; a bad value stops start-up with one line.
import path from 'node:path';
import { LARGEST_ATTACHMENT_PAYLOAD, SEALED_CHUNK_BYTES } from '../common/protocol/attachment.js';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** Unset means the embedded PGlite database in `dataDir`. */
  databaseUrl: string | undefined;
  /** The origin people reach the app at; used for links, HSTS and login signatures. */
  publicOrigin: string;
  onionOrigin: string | undefined;
  /** The console's own onion, with client authorisation (MODERATOR_ONION_ORIGIN; docs/onion-service.md): an origin and relying party of its own. */
  moderatorOnionOrigin: string | undefined;
  logLevel: LogLevel;
  /** Passed to Fastify: false, a hop count, or a list of proxy addresses; never "trust the header" (DESIGN §7). */
  trustProxy: false | number | string[];
  /** Prefix length that makes one client of an IPv6 address (IPV6_CLIENT_PREFIX, default 64): a /64 is one subscriber. */
  ipv6ClientPrefix: number;
  /** The Tor onion service (docs/onion-service.md): the Unix socket tor's HiddenServicePort points at, and its hostname file. */
  onion: OnionSettings;
  /** Request, header, idle and connection timeouts (docs/limits.md). */
  timeouts: TimeoutSettings;
  /** The global upload budget across every client (server/attachments/upload-budget.ts). */
  uploadBudget: UploadBudgetSettings;
  /**
   * `secret` (RATE_LIMIT_SECRET) keys the daily secret of rate-limit keys; required with Redis so
   * that every instance derives the same one without storing it. Unset without Redis: a random
   * secret per process and day.
   */
  rateLimit: { max: number; windowSeconds: number; secret: string | undefined };
  redisUrl: string | undefined;
  kMin: number;
  batchMin: number;
  batchDelayDays: number;
  /** Months between the statistics' scheduled refreshes (the public schedule); 0, for a trial only: every batch of stories. */
  refreshEveryMonths: number;
  retentionDays: number;
  /** Days a moderator enrolled before passkeys may still open submissions without one (PASSKEY_GRACE_DAYS, default 0). */
  passkeyGraceDays: number;
  /** ALLOW_KEYS_WITHOUT_PRF=1: the intake key may go to moderators whose keys no PRF passkey binds (a standing warning shows). */
  allowKeysWithoutPrf: boolean;
  /** Days before an account an administrator invited alone may review that administrator's drafts (INVITED_REVIEWER_WAIT_DAYS). */
  invitedReviewerWaitDays: number;
  /** Evidence attachments (docs/attachments.md): limits on what one account may carry. */
  attachments: AttachmentLimits;
  /** How long anything waits on Postgres (docs/faults.md); past it the request is answered 503. */
  databaseWaits: DatabaseWaits;
  /** How far the clock may move past the last time the jobs saw before they stop for a confirmation (docs/faults.md). */
  clockMarginMinutes: number;
  /** How long a graceful stop lets in-flight requests finish (SHUTDOWN_DRAIN_MS). */
  drainMs: number;
}

export interface DatabaseWaits {
  /** For a connection from the pool, or a new one (DATABASE_CONNECT_TIMEOUT_MS). */
  connectMs: number;
  /** For one statement; the client also gives up this long plus a margin on a server that hangs (DATABASE_STATEMENT_TIMEOUT_MS). */
  statementMs: number;
  /** For a row or table lock (DATABASE_LOCK_TIMEOUT_MS). */
  lockMs: number;
  /** Before Postgres ends a session that holds a transaction open and idle (DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS). */
  idleInTransactionMs: number;
}

export interface AttachmentLimits {
  /** A file's limit in bytes once stripped; the server checks the bucket that holds it. */
  maxFileBytes: number;
  /** The account's files together, counted in padded bytes. */
  maxAccountBytes: number;
  maxFiles: number;
  /** Sealed bytes one client key may upload in an hour. */
  uploadBytesPerHour: number;
}

export interface OnionSettings {
  /** ONION_SOCKET: the app listens here for Tor, each connection opening with a PROXY v1 line carrying its circuit id. */
  socketPath: string | undefined;
  /** ONION_HOSTNAME_FILE: tor's `hostname` file, read at start-up to print and serve the onion address to operators. */
  hostnameFile: string | undefined;
}

export interface TimeoutSettings {
  /** Whole request, headers and body (REQUEST_TIMEOUT_SECONDS, default 30). */
  requestMs: number;
  /** Headers alone (HEADERS_TIMEOUT_SECONDS, default 10). */
  headersMs: number;
  /** An idle keep-alive connection (KEEP_ALIVE_TIMEOUT_SECONDS, default 5). */
  keepAliveMs: number;
  /** A socket with no traffic at all (CONNECTION_TIMEOUT_SECONDS, default 60). */
  connectionMs: number;
  /** How often Node looks for requests past their header/request timeouts (TIMEOUT_CHECK_MS, default 1000). */
  checkIntervalMs: number;
}

export interface UploadBudgetSettings {
  /** Sealed bytes held by unsent uploads, all clients together (UPLOAD_UNFINISHED_BYTES_MAX, default 2 GB). */
  unfinishedBytesMax: number;
  /** Sealed bytes accepted per hour, all clients together (UPLOAD_TOTAL_BYTES_PER_HOUR, default 2 GB). */
  totalBytesPerHour: number;
  /** Below this many free bytes on the upload store's disk, chunks get 503 (UPLOAD_MIN_FREE_BYTES, default 1 GB). */
  minFreeBytes: number;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer ${min}–${max}, got "${raw}"`);
  }
  return value;
}

function url(env: Env, name: string, protocols: readonly string[]): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be a URL (${protocols.join(' or ')}), got "${raw}"`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(`${name} must be a URL (${protocols.join(' or ')}), got "${raw}"`);
  }
  return raw;
}

function origin(env: Env, name: string): string | undefined {
  const raw = url(env, name, ['http:', 'https:']);
  if (raw === undefined) return undefined;
  const parsed = new URL(raw);
  if (parsed.pathname !== '/' || parsed.search || parsed.hash || parsed.username) {
    throw new ConfigError(`${name} must be an origin like https://example.org (no path), got "${raw}"`);
  }
  return parsed.origin;
}

// "true" would believe whatever X-Forwarded-For a client sends: every request a new client.
function trustProxy(raw: string | undefined): Config['trustProxy'] {
  if (raw === undefined || raw === '' || raw === 'false' || raw === '0') return false;
  if (/^\d+$/.test(raw) && Number(raw) <= 10) return Number(raw);
  const list = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (raw === 'true' || list.length === 0 || list.some((entry) => !/^[0-9a-fA-F.:/]+$/.test(entry) || /^\d+$/.test(entry))) {
    throw new ConfigError(`TRUST_PROXY must be false, a hop count (1–10) or a comma-separated list of proxy addresses, got "${raw}"`);
  }
  return list;
}

function seconds(env: Env, name: string, fallback: number, min: number, max: number): number {
  return integer(env, name, fallback, min, max) * 1000;
}

// Whoever reads Redis and guesses this secret can hash every IPv4 address: random text this
// long (`openssl rand -base64 32` prints 44 characters) is beyond such a search.
export const RATE_LIMIT_SECRET_MIN_LENGTH = 32;

function rateLimitSecret(env: Env, redisUrl: string | undefined): string | undefined {
  const raw = env.RATE_LIMIT_SECRET || undefined;
  // The value is never quoted back: it is a secret.
  if (raw === undefined && redisUrl) {
    throw new ConfigError(
      `RATE_LIMIT_SECRET is required when REDIS_URL is set (at least ${RATE_LIMIT_SECRET_MIN_LENGTH} characters, the same on every instance; e.g. openssl rand -base64 32)`,
    );
  }
  if (raw !== undefined && raw.length < RATE_LIMIT_SECRET_MIN_LENGTH) {
    throw new ConfigError(`RATE_LIMIT_SECRET must be at least ${RATE_LIMIT_SECRET_MIN_LENGTH} characters, got ${raw.length}`);
  }
  return raw;
}

// A loopback address is reached as "localhost": passkeys (WebAuthn) refuse an IP address as relying party.
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
function defaultOrigin(host: string, port: number): string {
  if (LOOPBACK.has(host)) return `http://localhost:${port}`;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Node refuses a headers timeout longer than the whole request's. */
function checkedTimeouts(timeouts: TimeoutSettings): TimeoutSettings {
  if (timeouts.headersMs > timeouts.requestMs) {
    throw new ConfigError(`HEADERS_TIMEOUT_SECONDS (${timeouts.headersMs / 1000}) must not be longer than REQUEST_TIMEOUT_SECONDS (${timeouts.requestMs / 1000})`);
  }
  return timeouts;
}

export function loadConfig(env: Env = process.env): Config {
  const port = integer(env, 'PORT', 3000, 1, 65535);
  const host = env.HOST || '127.0.0.1';
  const logLevel = (env.LOG_LEVEL || 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${env.LOG_LEVEL}"`);
  }
  const redisUrl = url(env, 'REDIS_URL', ['redis:', 'rediss:']);
  return {
    port,
    host,
    dataDir: path.resolve(env.DATA_DIR || './data'),
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    publicOrigin: origin(env, 'PUBLIC_ORIGIN') ?? defaultOrigin(host, port),
    onionOrigin: origin(env, 'ONION_ORIGIN'),
    moderatorOnionOrigin: origin(env, 'MODERATOR_ONION_ORIGIN'),
    logLevel,
    trustProxy: trustProxy(env.TRUST_PROXY),
    ipv6ClientPrefix: integer(env, 'IPV6_CLIENT_PREFIX', 64, 16, 128),
    onion: { socketPath: env.ONION_SOCKET || undefined, hostnameFile: env.ONION_HOSTNAME_FILE || undefined },
    timeouts: checkedTimeouts({
      requestMs: seconds(env, 'REQUEST_TIMEOUT_SECONDS', 30, 1, 3600),
      headersMs: seconds(env, 'HEADERS_TIMEOUT_SECONDS', 10, 1, 600),
      keepAliveMs: seconds(env, 'KEEP_ALIVE_TIMEOUT_SECONDS', 5, 1, 600),
      connectionMs: seconds(env, 'CONNECTION_TIMEOUT_SECONDS', 60, 1, 3600),
      checkIntervalMs: integer(env, 'TIMEOUT_CHECK_MS', 1000, 100, 30_000),
    }),
    uploadBudget: {
      unfinishedBytesMax: integer(env, 'UPLOAD_UNFINISHED_BYTES_MAX', 2_000_000_000, SEALED_CHUNK_BYTES, 10_000_000_000_000),
      totalBytesPerHour: integer(env, 'UPLOAD_TOTAL_BYTES_PER_HOUR', 2_000_000_000, SEALED_CHUNK_BYTES, 10_000_000_000_000),
      minFreeBytes: integer(env, 'UPLOAD_MIN_FREE_BYTES', 1_000_000_000, 0, 10_000_000_000_000),
    },
    rateLimit: {
      max: integer(env, 'RATE_LIMIT_MAX', 30, 1, 1_000_000),
      windowSeconds: integer(env, 'RATE_LIMIT_WINDOW_SECONDS', 60, 1, 86_400),
      secret: rateLimitSecret(env, redisUrl),
    },
    redisUrl,
    kMin: integer(env, 'K_MIN', 11, 2, 1000),
    batchMin: integer(env, 'BATCH_MIN', 3, 1, 1000),
    batchDelayDays: integer(env, 'BATCH_DELAY_DAYS', 14, 0, 365),
    refreshEveryMonths: integer(env, 'STATISTICS_REFRESH_MONTHS', 1, 0, 12),
    retentionDays: integer(env, 'RETENTION_DAYS', 30, 1, 3650),
    attachments: {
      maxFileBytes: integer(env, 'ATTACHMENT_MAX_FILE_BYTES', 10_000_000, 1, LARGEST_ATTACHMENT_PAYLOAD),
      maxAccountBytes: integer(env, 'ATTACHMENT_MAX_ACCOUNT_BYTES', 25_000_000, 1, 1_000_000_000),
      maxFiles: integer(env, 'ATTACHMENT_MAX_FILES', 10, 0, 100),
      uploadBytesPerHour: integer(env, 'ATTACHMENT_UPLOAD_BYTES_PER_HOUR', 100_000_000, SEALED_CHUNK_BYTES, 100_000_000_000),
    },
    passkeyGraceDays: integer(env, 'PASSKEY_GRACE_DAYS', 0, 0, 90),
    allowKeysWithoutPrf: integer(env, 'ALLOW_KEYS_WITHOUT_PRF', 0, 0, 1) === 1,
    invitedReviewerWaitDays: integer(env, 'INVITED_REVIEWER_WAIT_DAYS', 14, 0, 365),
    databaseWaits: {
      connectMs: integer(env, 'DATABASE_CONNECT_TIMEOUT_MS', 3000, 100, 600_000),
      statementMs: integer(env, 'DATABASE_STATEMENT_TIMEOUT_MS', 5000, 100, 3_600_000),
      lockMs: integer(env, 'DATABASE_LOCK_TIMEOUT_MS', 3000, 100, 3_600_000),
      idleInTransactionMs: integer(env, 'DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS', 10_000, 100, 3_600_000),
    },
    clockMarginMinutes: integer(env, 'CLOCK_MARGIN_MINUTES', 48 * 60, 1, 365 * 24 * 60),
    drainMs: integer(env, 'SHUTDOWN_DRAIN_MS', 10_000, 0, 600_000),
  };
}
