// Rate limits keyed by HMAC(daily secret, client address): the address itself is never kept,
// and yesterday's keys cannot be linked to today's (DESIGN §7).
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Redis } from 'ioredis';
import type { Config } from '../config.js';
import { todayUtc } from '../db/day.js';
import { loadSodiumSumo, randomSecret } from '../protocol/digest.js';
import { clientRateLimitKey } from '../protocol/server-digest.js';

export interface DailySecretSource {
  secretFor(day: string): Promise<Uint8Array>;
}

/** One secret per UTC day per process; enough when a single instance serves. */
export class MemoryDailySecret implements DailySecretSource {
  private current: { day: string; secret: Promise<Uint8Array> } | undefined;

  secretFor(day: string): Promise<Uint8Array> {
    if (this.current?.day !== day) {
      this.current = { day, secret: loadSodiumSumo().then((sodium) => randomSecret(sodium)) };
    }
    return this.current.secret;
  }
}

/** Instances behind one Redis agree on the day's secret; it expires by itself after two days. */
export class RedisDailySecret implements DailySecretSource {
  private readonly memo = new Map<string, Promise<Uint8Array>>();

  constructor(private readonly redis: Redis) {}

  secretFor(day: string): Promise<Uint8Array> {
    let secret = this.memo.get(day);
    if (!secret) {
      secret = this.fetch(day);
      this.memo.clear();
      this.memo.set(day, secret);
      secret.catch(() => this.memo.delete(day));
    }
    return secret;
  }

  private async fetch(day: string): Promise<Uint8Array> {
    const sodium = await loadSodiumSumo();
    const key = `offscript:rate-limit-secret:${day}`;
    await this.redis.set(key, sodium.to_hex(randomSecret(sodium)), 'EX', 2 * 86_400, 'NX');
    const hex = await this.redis.get(key);
    if (!hex) throw new Error('rate-limit secret vanished from Redis');
    return sodium.from_hex(hex);
  }
}

export async function rateLimitKeyFor(secrets: DailySecretSource, request: FastifyRequest): Promise<string> {
  return clientRateLimitKey(await secrets.secretFor(todayUtc()), request.ip);
}

/**
 * Registers @fastify/rate-limit without a global limit; routes opt in with `config.rateLimit`.
 * Must be awaited before routes are added, so that it answers before CSRF or body work.
 */
export async function registerRateLimit(app: FastifyInstance, config: Config): Promise<DailySecretSource> {
  const redis = config.redisUrl ? new Redis(config.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 2 }) : undefined;
  const secrets: DailySecretSource = redis ? new RedisDailySecret(redis) : new MemoryDailySecret();
  if (redis) app.addHook('onClose', async () => void (await redis.quit()));
  await app.register(rateLimit, {
    global: false,
    max: config.rateLimit.max,
    timeWindow: config.rateLimit.windowSeconds * 1000,
    ...(redis ? { redis, nameSpace: 'offscript:rate-limit:' } : {}),
    keyGenerator: (request) => rateLimitKeyFor(secrets, request),
    // Counters only on a refusal (with Retry-After): our own pages never read them, and every
    // accepted submission would carry three more headers.
    addHeadersOnExceeding: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false },
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      code: 'rate_limited',
      message: `Too many requests; try again in ${Math.ceil(context.ttl / 1000)} seconds.`,
    }),
  });
  return secrets;
}
