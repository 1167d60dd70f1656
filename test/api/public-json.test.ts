// Public JSON is serialised through its route's 200 response schema when a cache entry is
// filled: a property the schema (and so the OpenAPI document) does not describe is never sent.
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PublicResponseCache } from '../../server/publishing/cache.js';
import { openTestDatabase, type TestDatabase } from '../support/database.js';

describe('public JSON through its response schema', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(async () => database.close());

  it('sends only documented properties, and serialises once per cache entry', async () => {
    const cache = new PublicResponseCache(database.db);
    let renders = 0;
    const app = Fastify();
    app.get(
      '/documented',
      { schema: { response: { 200: { type: 'object', required: ['shown'], properties: { shown: { type: 'string' }, count: { type: 'integer' } } } } } },
      async (request, reply) =>
        cache.respondJson(request, reply, async () => {
          renders++;
          return { shown: 'yes', count: 2, undocumented: 'must not travel' };
        }),
    );
    const first = await app.inject({ url: '/documented' });
    const second = await app.inject({ url: '/documented' });
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(first.body).toBe('{"shown":"yes","count":2}');
    expect(second.body).toBe(first.body);
    expect(renders).toBe(1);
    await app.close();
  });

  it('refuses to serve public JSON from a route without a 200 schema', async () => {
    const cache = new PublicResponseCache(database.db);
    const app = Fastify({ logger: false });
    // The type already refuses it (its render must return `never`); this checks the guard at run time.
    // @ts-expect-error a route without a 200 response schema has nothing its JSON may be
    app.get('/undocumented', async (request, reply) => cache.respondJson(request, reply, async () => ({ anything: 1 })));
    expect((await app.inject({ url: '/undocumented' })).statusCode).toBe(500);
    await app.close();
  });
});
