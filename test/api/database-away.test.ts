// The database goes away under a running app (DESIGN §2), on either database: every query
// fails as a lost connection would. Cached public pages keep serving, the published-state
// check backs off, writes answer 503 with Retry-After (a calm page off the API), /readyz says
// "database", and everything recovers when the database is back, without a restart.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { captureLog } from '../support/app.js';
import { openTestDatabase, type TestDatabase } from '../support/database.js';
import { createIntakeKey, sealForTest, type TestIntakeKey } from '../support/intake.js';
import { Outage } from '../support/outage.js';

const PAGES = ['/', '/stories', '/api/v1/stories', '/about', '/stats'];

let database: TestDatabase;
let app: FastifyInstance;
let key: TestIntakeKey;
const outage = new Outage();

beforeAll(async () => {
  database = await openTestDatabase();
  key = await createIntakeKey(database.db);
  const config = loadConfig({ LOG_LEVEL: 'info', RATE_LIMIT_MAX: '1000' });
  app = await buildApp({ config, db: database.db.withPlugin(outage), logDestination: captureLog().stream });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await database?.close();
});

const submit = async () => app.inject({ method: 'POST', url: '/api/v1/submissions', payload: (await sealForTest(key)).body });

describe('the database goes away', () => {
  it('cached pages keep serving, writes get 503 with Retry-After, /readyz says database, and it all comes back', async () => {
    const before = new Map<string, string>();
    for (const url of PAGES) {
      const response = await app.inject({ url });
      expect(response.statusCode, url).toBe(200);
      before.set(url, response.body);
    }
    expect((await submit()).statusCode).toBe(201);

    outage.away = true;
    // Pages: the same bodies, from the cache; the state is asked for once, then after 1 s, 2 s…
    const started = performance.now();
    while (performance.now() - started < 1500) {
      for (const url of PAGES) {
        const response = await app.inject({ url });
        expect(response.statusCode, url).toBe(200);
        expect(response.body).toBe(before.get(url));
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(outage.refused).toBeGreaterThan(0);
    expect(outage.refused).toBeLessThanOrEqual(2);

    const api = await submit();
    expect(api.statusCode).toBe(503);
    expect(api.headers['retry-after']).toBe('5');
    expect(api.headers['cache-control']).toBe('no-store');
    expect(api.json()).toMatchObject({ error: { code: 'unavailable' } });

    const form = await app.inject({
      method: 'POST',
      url: '/submit',
      payload: 'narrative=It%20stopped.&consent=background',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.statusCode).toBe(503);
    expect(form.headers['retry-after']).toBe('5');
    expect(form.headers['content-type']).toContain('text/html');
    expect(form.body).toContain('briefly unavailable');
    expect(form.body).not.toContain('08006');

    const status = await app.inject({ method: 'POST', url: '/api/v1/status', payload: { lookupToken: Buffer.alloc(32, 1).toString('base64') } });
    expect(status.statusCode).toBe(503);

    const ready = await app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toEqual({ status: 'not ready', failing: ['database'] });

    outage.away = false;
    const deadline = Date.now() + 5000;
    while ((await app.inject({ url: '/readyz' })).statusCode !== 200) {
      expect(Date.now()).toBeLessThan(deadline);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await submit()).statusCode).toBe(201);
  });
});
