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
  logLevel: LogLevel;
  /** Passed to Fastify: false, true, a hop count, or a comma-separated list of proxy addresses. */
  trustProxy: boolean | number | string[];
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
  retentionDays: number;
  /** Days a moderator enrolled before passkeys may still open submissions without one (PASSKEY_GRACE_DAYS, default 0). */
  passkeyGraceDays: number;
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

function trustProxy(raw: string | undefined): Config['trustProxy'] {
  if (raw === undefined || raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  if (/^\d+$/.test(raw)) return Number(raw);
  const list = raw.split(',').map((s) => s.trim()).filter(Boolean);
  if (list.length === 0 || list.some((entry) => !/^[0-9a-fA-F.:/]+$/.test(entry))) {
    throw new ConfigError(`TRUST_PROXY must be true, false, a hop count or a comma-separated list of addresses, got "${raw}"`);
  }
  return list;
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
    logLevel,
    trustProxy: trustProxy(env.TRUST_PROXY),
    rateLimit: {
      max: integer(env, 'RATE_LIMIT_MAX', 30, 1, 1_000_000),
      windowSeconds: integer(env, 'RATE_LIMIT_WINDOW_SECONDS', 60, 1, 86_400),
      secret: rateLimitSecret(env, redisUrl),
    },
    redisUrl,
    kMin: integer(env, 'K_MIN', 11, 2, 1000),
    batchMin: integer(env, 'BATCH_MIN', 3, 1, 1000),
    batchDelayDays: integer(env, 'BATCH_DELAY_DAYS', 14, 0, 365),
    retentionDays: integer(env, 'RETENTION_DAYS', 30, 1, 3650),
    attachments: {
      maxFileBytes: integer(env, 'ATTACHMENT_MAX_FILE_BYTES', 10_000_000, 1, LARGEST_ATTACHMENT_PAYLOAD),
      maxAccountBytes: integer(env, 'ATTACHMENT_MAX_ACCOUNT_BYTES', 25_000_000, 1, 1_000_000_000),
      maxFiles: integer(env, 'ATTACHMENT_MAX_FILES', 10, 0, 100),
      uploadBytesPerHour: integer(env, 'ATTACHMENT_UPLOAD_BYTES_PER_HOUR', 100_000_000, SEALED_CHUNK_BYTES, 100_000_000_000),
    },
    passkeyGraceDays: integer(env, 'PASSKEY_GRACE_DAYS', 0, 0, 90),
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
