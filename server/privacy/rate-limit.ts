// Rate limits keyed by HMAC(daily secret, client address): the address itself is never kept,
// and yesterday's keys cannot be linked to today's (DESIGN §7). With Redis, the counters are
// shared between instances and the check fails closed while Redis is away.
import { createRequire } from 'node:module';
import rateLimit, { type FastifyRateLimitStore, type FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import { Redis } from 'ioredis';
import type { Config } from '../config.js';
import { todayUtc } from '../db/day.js';
import { unavailable } from '../error-handling.js';
import { CodedError } from '../../common/errors.js';
import { clientAddressIdentity } from './client-address.js';
import { onionCircuitOf } from './onion-listener.js';
import { clientRateLimitKey, dailyRateLimitSecret, randomDailySecret } from '../../common/protocol/digest.js';

export interface DailySecretSource {
  secretFor(day: string): Uint8Array;
}

/** One secret per UTC day, kept in memory only: derived from RATE_LIMIT_SECRET, or random per process. */
export class DailySecret implements DailySecretSource {
  private current: { day: string; secret: Uint8Array } | undefined;

  constructor(private readonly configuredSecret: string | undefined) {}

  secretFor(day: string): Uint8Array {
    if (this.current?.day !== day) {
      const secret = this.configuredSecret === undefined ? randomDailySecret() : dailyRateLimitSecret(this.configuredSecret, day);
      this.current = { day, secret };
    }
    return this.current.secret;
  }
}

/**
 * What one client is, for limits (DESIGN §7): the Tor circuit on the onion listener, the /64 (or
 * IPV6_CLIENT_PREFIX) of an IPv6 address, the IPv4 address itself. Never stored: only its HMAC.
 */
export function clientIdentity(request: FastifyRequest, ipv6Prefix: number): string {
  const circuit = onionCircuitOf(request.raw.socket);
  if (circuit !== undefined) return `onion:${circuit}`;
  return clientAddressIdentity(request.ip ?? '', ipv6Prefix);
}

export function rateLimitKeyFor(secrets: DailySecretSource, request: FastifyRequest, ipv6Prefix = 64): string {
  return clientRateLimitKey(secrets.secretFor(todayUtc()), clientIdentity(request, ipv6Prefix));
}

// The plugin's own Redis store (its Lua script); the package exports it by path only.
type RedisStoreCtor = new (continueExceeding: boolean, exponentialBackoff: boolean, redis: Redis, nameSpace: string) => FastifyRateLimitStore;
const RedisStore = createRequire(import.meta.url)('@fastify/rate-limit/store/RedisStore.js') as RedisStoreCtor;

/**
 * Counts in Redis, and refuses at once (503) while Redis is not connected: a limit that is not
 * checked would let a flood through, and waiting on reconnection would hold every request.
 */
function failClosedRedisStore(redis: Redis): FastifyRateLimitStoreCtor {
  return class FailClosedRedisStore implements FastifyRateLimitStore {
    private readonly inner: FastifyRateLimitStore;

    // The plugin constructs the store with its options, which this store does not need.
    constructor(_options: unknown, inner?: FastifyRateLimitStore) {
      this.inner = inner ?? new RedisStore(false, false, redis, 'offscript:rate-limit:');
    }

    incr(...[key, callback, timeWindow, max]: Parameters<FastifyRateLimitStore['incr']>): void {
      if (redis.status !== 'ready') return callback(unavailable());
      this.inner.incr(key, (error, result) => (error ? callback(unavailable()) : callback(null, result)), timeWindow, max);
    }

    child(routeOptions: Parameters<FastifyRateLimitStore['child']>[0]): FastifyRateLimitStore {
      return new FailClosedRedisStore(undefined, this.inner.child(routeOptions));
    }
  };
}

// Short waits: a lost Redis must answer 503 within a second, not after ioredis's retries.
const REDIS_OPTIONS = {
  connectTimeout: 1000,
  commandTimeout: 500,
  maxRetriesPerRequest: 0,
  enableOfflineQueue: false,
  // Reconnect for ever, at most every 2 s: recovery needs no restart.
  retryStrategy: (attempt: number) => Math.min(attempt * 200, 2000),
} as const;

export interface RateLimitHandle {
  secrets: DailySecretSource;
  /** The shared Redis when REDIS_URL is set: the login pause counts there too. */
  redis: Redis | undefined;
  /** Whether the configured Redis answers; undefined when none is configured. */
  redisReady: (() => Promise<boolean>) | undefined;
}

/** One line when Redis goes away and one when it is back, instead of one per reconnection attempt. */
function reportRedisState(redis: Redis, log: FastifyBaseLogger): void {
  let away = false;
  redis.on('error', (err: unknown) => {
    if (away) return;
    away = true;
    log.warn({ err }, 'redis: unavailable; rate-limited routes answer 503 until it is back');
  });
  redis.on('ready', () => {
    if (!away) return;
    away = false;
    log.info('redis: available again');
  });
}

/**
 * Registers @fastify/rate-limit without a global limit; routes opt in with `config.rateLimit`.
 * Must be awaited before routes are added, so that it answers before CSRF or body work.
 */
export async function registerRateLimit(app: FastifyInstance, config: Config): Promise<RateLimitHandle> {
  const redis = config.redisUrl ? new Redis(config.redisUrl, REDIS_OPTIONS) : undefined;
  const secrets = new DailySecret(config.rateLimit.secret);
  if (redis) {
    reportRedisState(redis, app.log);
    app.addHook('onClose', async () => void redis.disconnect());
  }
  await app.register(rateLimit, {
    global: false,
    max: config.rateLimit.max,
    timeWindow: config.rateLimit.windowSeconds * 1000,
    ...(redis ? { store: failClosedRedisStore(redis) } : {}),
    keyGenerator: (request) => rateLimitKeyFor(secrets, request, config.ipv6ClientPrefix),
    // Counters only on a refusal (with Retry-After): our own pages never read them, and every
    // accepted submission would carry three more headers.
    addHeadersOnExceeding: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false },
    // Thrown as is by the plugin; the plugin itself sets Retry-After.
    errorResponseBuilder: (_request, context) => new CodedError('rate_limited', { seconds: Math.ceil(context.ttl / 1000) }),
  });
  return {
    secrets,
    redis,
    redisReady:
      redis &&
      (() =>
        redis.status === 'ready'
          ? redis.ping().then(
              () => true,
              () => false,
            )
          : Promise.resolve(false)),
  };
}
