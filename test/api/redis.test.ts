// Rate limits on a real Redis shared by two instances (DESIGN §2, §7): shared counts, also
// after Redis comes back empty and an instance restarts; fail closed at once while Redis is
// away; nothing in Redis lets a client address be recovered without RATE_LIMIT_SECRET.
import { createHmac } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { todayUtc } from '../../server/db/day.js';
import { clientRateLimitKey, dailyRateLimitSecret } from '../../common/protocol/digest.js';
import { captureLog } from '../support/app.js';
import { openTestDatabase, type TestDatabase } from '../support/database.js';
import { OwnRedis, REDIS_MISSING, redisRequired, redisServerAvailable } from '../support/redis.js';
import { waitUntil } from '../support/wait.js';

if (!redisServerAvailable && !redisRequired) console.warn(`skipping the Redis tests: ${REDIS_MISSING}`);

const SECRET = 'test-rate-limit-secret-0123456789abcdef';
const MAX = 5;

let redis: OwnRedis;
let database: TestDatabase;
const logs: Array<() => string> = [];

async function instance(): Promise<FastifyInstance> {
  const log = captureLog();
  logs.push(log.text);
  const config = loadConfig({ REDIS_URL: redis.url, RATE_LIMIT_SECRET: SECRET, RATE_LIMIT_MAX: String(MAX), RATE_LIMIT_WINDOW_SECONDS: '600', LOG_LEVEL: 'info' });
  const app = await buildApp({ config, db: database.db, logDestination: log.stream });
  await app.ready();
  await untilRedisReady(app);
  return app;
}

async function untilRedisReady(app: FastifyInstance): Promise<void> {
  await waitUntil(async () => (await app.inject({ url: '/readyz' })).statusCode === 200, 'the instance seeing Redis ready', { intervalMs: 100 });
}

/** A status lookup for a token nobody holds: rate-limited, and answered 404 when allowed. */
const lookup = (app: FastifyInstance) => app.inject({ method: 'POST', url: '/api/v1/status', payload: { lookupToken: Buffer.alloc(32, 7).toString('base64') } });

async function statuses(app: FastifyInstance, n: number): Promise<number[]> {
  const result: number[] = [];
  for (let i = 0; i < n; i++) result.push((await lookup(app)).statusCode);
  return result;
}

describe.skipIf(!redisServerAvailable && !redisRequired)('rate limits on a real Redis', () => {
  let a: FastifyInstance;
  let b: FastifyInstance;

  beforeAll(async () => {
    if (!redisServerAvailable) throw new Error(`OFFSCRIPT_REQUIRE_REDIS=1 but ${REDIS_MISSING}`);
    redis = await OwnRedis.start();
    database = await openTestDatabase();
    a = await instance();
    b = await instance();
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await database?.close();
    await redis?.stop();
  });

  it('two instances share one limit', async () => {
    expect(await statuses(a, 3)).toEqual([404, 404, 404]);
    expect(await statuses(b, 3)).toEqual([404, 404, 429]);
  });

  it('Redis restarted empty and one instance restarted: the limit is still shared', async () => {
    await redis.kill();
    await redis.resume();
    await b.close();
    b = await instance();
    await untilRedisReady(a);
    expect(await statuses(b, 3)).toEqual([404, 404, 404]);
    expect(await statuses(a, 3)).toEqual([404, 404, 429]);
  });

  it('stores nothing that gives back a client address without the secret', async () => {
    const client = redis.client();
    try {
      const keys = await client.keys('*');
      expect(keys.length).toBeGreaterThan(0);
      const values = await Promise.all(keys.map((k) => client.get(k)));
      const everything = [...keys, ...values.map(String)];
      // Only counters under HMAC keys: no address, no secret of any day.
      expect(everything.join('\n')).not.toContain('127.0.0.1');
      expect(keys.every((k) => /^offscript:rate-limit:POST\/api\/v1\/status-[0-9a-f]{64}$/.test(k))).toBe(true);
      expect(values.every((v) => /^\d+$/.test(String(v)))).toBe(true);
      // The key is the HMAC under the secret derived from RATE_LIMIT_SECRET, which Redis never saw…
      const expected = clientRateLimitKey(dailyRateLimitSecret(SECRET, todayUtc()), '127.0.0.1');
      expect(keys).toContain(`offscript:rate-limit:POST/api/v1/status-${expected}`);
      // …and nothing Redis holds serves as that secret.
      for (const candidate of everything) {
        expect(createHmac('sha256', candidate).update('127.0.0.1').digest('hex')).not.toBe(expected);
      }
    } finally {
      client.disconnect();
    }
  });

  it('Redis down: intake and status answer 503 within a second, /readyz names redis, and it recovers by itself', async () => {
    const linesBefore = logs.map((text) => text().split('\n').length);
    await redis.kill();
    for (const request of [
      () => a.inject({ method: 'POST', url: '/api/v1/submissions', payload: {} }),
      () => lookup(b),
      () => a.inject({ method: 'POST', url: '/submit', payload: 'narrative=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
    ]) {
      const started = performance.now();
      const response = await request();
      expect(performance.now() - started).toBeLessThan(1000);
      expect(response.statusCode).toBe(503);
      expect(response.headers['retry-after']).toMatch(/^\d+$/);
    }
    expect((await lookup(a)).json()).toMatchObject({ error: { code: 'unavailable' } });
    await new Promise((r) => setTimeout(r, 2100));
    const ready = await a.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toEqual({ status: 'not ready', failing: ['redis'] });
    // One line per instance for the outage, not one per reconnection attempt.
    for (const [i, text] of logs.entries()) {
      const outageLines = text()
        .split('\n')
        .slice(linesBefore[i]! - 1)
        .filter((line) => line.includes('redis: unavailable'));
      expect(outageLines.length).toBeLessThanOrEqual(1);
    }

    await redis.resume();
    await untilRedisReady(a);
    await untilRedisReady(b);
    expect((await lookup(a)).statusCode).toBe(404);
  });
});
