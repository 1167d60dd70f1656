// The per-handle login pause across instances (issues 25 and 27 item 7): three instances share one
// Redis, and a handle's failures on any of them add up, so the pause holds at its limit whichever
// instance a stranger tries; a valid signature still logs in on every instance.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { fromBase64, toBase64 } from '../../common/protocol/encoding.js';
import { signLogin } from '../../common/protocol/moderator-keys.js';
import { loadSodiumSumo } from '../../common/protocol/sodium-sumo.js';
import { HANDLE_FAILURE_LIMIT } from '../../server/moderation/login-limits.js';
import { captureLog } from '../support/app.js';
import { openTestDatabase, type TestDatabase } from '../support/database.js';
import { call, enrolViaApi, signedLogin, s, visit } from '../support/moderation.js';
import { OwnRedis, REDIS_MISSING, redisRequired, redisServerAvailable } from '../support/redis.js';

const ORIGIN = 'http://127.0.0.1:3000';
const SECRET = 'test-rate-limit-secret-0123456789abcdef';
const sumo = await loadSodiumSumo();

describe.skipIf(!redisServerAvailable && !redisRequired)('the login pause on a real Redis shared by three instances', () => {
  let redis: OwnRedis;
  let database: TestDatabase;
  let instances: FastifyInstance[] = [];

  beforeAll(async () => {
    if (!redisServerAvailable) throw new Error(`OFFSCRIPT_REQUIRE_REDIS=1 but ${REDIS_MISSING}`);
    redis = await OwnRedis.start();
    database = await openTestDatabase();
    instances = await Promise.all(
      [1, 2, 3].map(async () => {
        const config = loadConfig({ REDIS_URL: redis.url, RATE_LIMIT_SECRET: SECRET, PUBLIC_ORIGIN: ORIGIN, LOG_LEVEL: 'silent' });
        const app = await buildApp({ config, db: database.db, logDestination: captureLog().stream });
        await app.ready();
        return app;
      }),
    );
    for (const app of instances) {
      const deadline = Date.now() + 10_000;
      while ((await app.inject({ url: '/readyz' })).statusCode !== 200) {
        if (Date.now() > deadline) throw new Error('instance never saw Redis ready');
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    await enrolViaApi(instances[0]!, database.db, 'target', 'moderator');
  });

  afterAll(async () => {
    for (const app of instances) await app.close();
    await database?.close();
    await redis?.stop();
  });

  it(`the ${HANDLE_FAILURE_LIMIT + 1}th wrong signature is paused whichever instance gets it; a valid one logs in everywhere`, async () => {
    const statuses: number[] = [];
    for (let i = 0; i < HANDLE_FAILURE_LIMIT + 3; i++) {
      const app = instances[i % 3]!;
      const who = await visit(app);
      const { challenge } = (await call(app, who, 'POST', '/mod/api/login/challenge', { handle: 'target' })).json() as { challenge: string };
      const stranger = sumo.crypto_sign_keypair();
      const signature = toBase64(s, signLogin(sumo, fromBase64(s, challenge), ORIGIN, stranger.privateKey));
      statuses.push((await call(app, who, 'POST', '/mod/api/login', { handle: 'target', challenge, signature })).statusCode);
    }
    expect(statuses).toEqual([...Array<number>(HANDLE_FAILURE_LIMIT).fill(401), 429, 429, 429]);
    for (const app of instances) {
      const who = await visit(app);
      const good = await signedLogin(app, who, 'target', 'target lantern orbit meadow', ORIGIN);
      expect((await call(app, who, 'POST', '/mod/api/login', { handle: 'target', challenge: good.challenge, signature: good.signature })).statusCode).toBe(200);
    }
    // Redis holds a counter under the keyed hash of the handle, never the handle.
    const client = redis.client();
    try {
      const keys = await client.keys('offscript:login-failures:*');
      expect(keys).toHaveLength(1);
      expect(keys[0]).toMatch(/^offscript:login-failures:[0-9a-f]{64}$/);
      expect(Number(await client.get(keys[0]!))).toBe(HANDLE_FAILURE_LIMIT + 3);
    } finally {
      client.disconnect();
    }
  });
});
