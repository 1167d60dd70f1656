// Cached public pages answered in front of Fastify (server/publishing/replay.ts, issue 30), over
// real HTTP (inject() never reaches the server's handler): the replayed bytes are the full path's,
// header for header, and whatever could change the answer goes through Fastify again.
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoData } from '../../scripts/seed.js';
import { publishedStateChanged, STATE_MEMO_MS } from '../../server/publishing/cache.js';
import { drainAndClose } from '../../server/shutdown.js';
import { startListeningTestApp, type ListeningTestApp } from '../support/app.js';

const ONION_ORIGIN = 'http://uvdwcarytwoc76reigzw7c3g3vmdfddd2ydeqmjgausaf4et44cwfbqd.onion';

interface Answer {
  status: number;
  /** As sent: names in their case and order, Date left out (it moves with the clock on both paths). */
  rawHeaders: string[];
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function get(origin: string, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    // A connection of its own: the answer that closes one does not disturb the next request.
    const req = httpRequest(`${origin}${path}`, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const rawHeaders: string[] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) if (res.rawHeaders[i]!.toLowerCase() !== 'date') rawHeaders.push(`${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}`);
        resolve({ status: res.statusCode ?? 0, rawHeaders, headers: res.headers, body: Buffer.concat(chunks) });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

let t: ListeningTestApp;
/** How many requests the replay answered so far. */
const replayed = () => t.app.replayedResponses.answered;

beforeAll(async () => {
  t = await startListeningTestApp({ ONION_ORIGIN, K_MIN: '5', BATCH_MIN: '3' });
  await seedDemoData(t.database.db, { accounts: 60, stories: 6, kMin: 5, batchMin: 3 });
  publishedStateChanged();
}, 300_000); // the demo seed derives its moderators' keys with Argon2id, slow by design
afterAll(async () => {
  await t?.close();
});

describe('a cached public page answered in front of Fastify', () => {
  const PAGES = [
    '/',
    '/es/',
    '/stories',
    '/pt-BR/stories',
    '/stats',
    '/es/stats',
    '/platforms',
    '/platforms/outlier',
    '/releases',
    '/about',
    '/stories.csv',
    '/feed.atom',
    '/api/v1/stories',
    '/api/v1/platforms',
  ];

  it.each(PAGES)('%s: the second GET is replayed with the full path’s status, headers in order and body', async (path) => {
    const full = await get(t.origin, path);
    expect(full.status).toBe(200);
    const before = replayed();
    const again = await get(t.origin, path);
    expect(replayed(), 'the second GET was replayed').toBe(before + 1);
    expect(again.status).toBe(full.status);
    expect(again.rawHeaders).toEqual(full.rawHeaders);
    expect(again.body.equals(full.body)).toBe(true);
    // And a request that must go through Fastify (an ETag that does not match) gets the same.
    const through = await get(t.origin, path, { 'if-none-match': '"not-this-one"' });
    expect(replayed()).toBe(before + 1);
    expect(through.rawHeaders).toEqual(full.rawHeaders);
    expect(through.body.equals(full.body)).toBe(true);
  });

  it('each language keeps its own recording: /stats and /es/stats, asked in turn, stay in their languages', async () => {
    for (let i = 0; i < 3; i++) {
      expect((await get(t.origin, '/stats')).body.toString()).toContain('<html lang="en"');
      expect((await get(t.origin, '/es/stats')).body.toString()).toContain('<html lang="es"');
      expect((await get(t.origin, '/pt-BR/stats')).body.toString()).toContain('<html lang="pt-BR"');
    }
  });

  it('a compressed page is replayed to the same Accept-Encoding; a client asking otherwise gets its own form', async () => {
    const browser = { 'accept-encoding': 'gzip, deflate, br, zstd' };
    // The compressed forms are made after the page's first request: until then it goes out whole.
    let full = await get(t.origin, '/stats', browser);
    for (let tries = 0; full.headers['content-encoding'] === undefined && tries < 100; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      full = await get(t.origin, '/stats', browser);
    }
    expect(full.headers['content-encoding']).toBe('br');
    const before = replayed();
    const again = await get(t.origin, '/stats', browser);
    expect(replayed()).toBe(before + 1);
    expect(again.rawHeaders).toEqual(full.rawHeaders);
    expect(again.body.equals(full.body)).toBe(true);
    expect((await get(t.origin, '/stats', { 'accept-encoding': 'gzip' })).headers['content-encoding']).toBe('gzip');
    expect((await get(t.origin, '/stats', { 'accept-encoding': 'br;q=0' })).headers['content-encoding']).toBeUndefined();
    expect((await get(t.origin, '/stats')).headers['content-encoding']).toBeUndefined();
  });

  it('a revalidation, a query, a HEAD and a moderator page go through Fastify', async () => {
    const first = await get(t.origin, '/stories');
    const before = replayed();
    expect((await get(t.origin, '/stories', { 'if-none-match': String(first.headers.etag) })).status).toBe(304);
    expect((await get(t.origin, '/stories?platform=outlier')).status).toBe(200);
    expect((await get(t.origin, '/stories', {}, 'HEAD')).status).toBe(200);
    expect((await get(t.origin, '/mod/login')).headers['cache-control']).toBe('no-store');
    expect((await get(t.origin, '/submit')).headers['cache-control']).toBe('no-store');
    expect((await get(t.origin, '/submit')).headers['cache-control']).toBe('no-store');
    expect(replayed()).toBe(before);
  });

  it('the bare / is replayed only to a visitor whose headers it varies by match; another language is still redirected', async () => {
    await get(t.origin, '/', { 'accept-language': 'en' });
    const before = replayed();
    expect((await get(t.origin, '/', { 'accept-language': 'en' })).status).toBe(200);
    expect(replayed()).toBe(before + 1);
    const redirected = await get(t.origin, '/', { 'accept-language': 'es' });
    expect(redirected.status).toBe(302);
    expect(redirected.headers.location).toBe('/es/');
    expect(replayed()).toBe(before + 1);
  });

  it('another Host or an https proxy gets its own headers (onion origin, HSTS), never another’s', async () => {
    const onionHost = new URL(ONION_ORIGIN).host;
    await get(t.origin, '/stats');
    const web = await get(t.origin, '/stats');
    expect(web.headers['onion-location']).toBe(`${ONION_ORIGIN}/stats`);
    for (let i = 0; i < 2; i++) {
      const onion = await get(t.origin, '/stats', { host: onionHost });
      expect(onion.status).toBe(200);
      expect(onion.headers['onion-location']).toBeUndefined();
    }
    const tls = await get(t.origin, '/stats', { 'x-forwarded-proto': 'https' });
    const web2 = await get(t.origin, '/stats');
    expect(web2.rawHeaders).toEqual(web.rawHeaders);
    expect(tls.status).toBe(200);
  });

  it('after a release or a retraction, the next GET is rendered afresh, and replayed from then on', async () => {
    await get(t.origin, '/stories');
    publishedStateChanged();
    const before = replayed();
    await get(t.origin, '/stories');
    expect(replayed(), 'not replayed right after the published state changed').toBe(before);
    await get(t.origin, '/stories');
    expect(replayed()).toBe(before + 1);
  });

  it('a state not read for a second is read again before anything is replayed', async () => {
    await get(t.origin, '/releases');
    await new Promise((resolve) => setTimeout(resolve, STATE_MEMO_MS + 100));
    const before = replayed();
    await get(t.origin, '/releases');
    expect(replayed()).toBe(before);
    await get(t.origin, '/releases');
    expect(replayed()).toBe(before + 1);
  });
});

describe('a graceful stop', () => {
  it('answers a recorded page 503 with connection: close once the drain has begun', async () => {
    const stopping = await startListeningTestApp({ K_MIN: '5', BATCH_MIN: '3' });
    try {
      await get(stopping.origin, '/about');
      await get(stopping.origin, '/about');
      expect(stopping.app.replayedResponses.answered).toBe(1);
      const drained = drainAndClose(stopping.app, 3000);
      const during = await get(stopping.origin, '/about');
      expect(during.status).toBe(503);
      expect(during.headers.connection).toBe('close');
      expect(stopping.app.replayedResponses.answered).toBe(1);
      await drained;
    } finally {
      await stopping.close();
    }
  });
});
