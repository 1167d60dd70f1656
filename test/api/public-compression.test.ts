// Public pages in the encodings browsers ask for (server/publishing/precompressed.ts, issue 30):
// compressed once, each encoding with a tag of its own, the same bytes once decoded, and what a
// client refuses (q=0) never sent.
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preferredCoding } from '../../server/publishing/precompressed.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { enrolAuthorAndReviewer } from '../support/moderation.js';
import { approvedStory, insertStatisticsAccounts } from '../support/publishing.js';
import { releaseDueBatch } from '../../server/publishing/release.js';
import { publishedStateChanged } from '../../server/publishing/cache.js';

let t: TestApp;

const ORIGIN = 'http://127.0.0.1:3000';

beforeAll(async () => {
  t = await startTestApp({ PUBLIC_ORIGIN: ORIGIN, K_MIN: '11', BATCH_MIN: '1', BATCH_DELAY_DAYS: '0' });
  const moderators = await enrolAuthorAndReviewer(t.app, t.database.db, ORIGIN);
  await approvedStory(t.app, t.database.db, moderators, { title: 'Night shift on the rubric', body: 'We graded chatbot answers about screenplays.' });
  await insertStatisticsAccounts(t.database.db, 12, {});
  if (!(await releaseDueBatch(t.database.db, { kMin: 11, batchMin: 1, batchDelayDays: 0 }))) throw new Error('no batch released');
  publishedStateChanged();
});
afterAll(async () => t?.close());

const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ url, headers });

/** The page once its compressed forms are ready: they are made after the first request, off the request's path. */
async function whenCompressed(url: string, acceptEncoding: string): Promise<LightMyRequestResponse> {
  for (let tries = 0; tries < 100; tries++) {
    const page = await get(url, { 'accept-encoding': acceptEncoding });
    if (page.headers['content-encoding'] !== undefined) return page;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${url} was never sent compressed`);
}

const decoded = (page: LightMyRequestResponse): Buffer => {
  const coding = page.headers['content-encoding'];
  if (coding === 'br') return brotliDecompressSync(page.rawPayload);
  if (coding === 'gzip') return gunzipSync(page.rawPayload);
  return page.rawPayload;
};

describe('public pages, compressed', () => {
  const PAGES = ['/stats', '/es/stats', '/pt-BR/stories', '/stats.csv', '/api/v1/stats', '/platforms'];

  it.each(PAGES)('%s: brotli and gzip decode to the page as sent whole, each with its own tag and the same other headers', async (url) => {
    const whole = await get(url);
    expect(whole.statusCode).toBe(200);
    expect(whole.headers['content-encoding']).toBeUndefined();
    const br = await whenCompressed(url, 'gzip, deflate, br, zstd'); // what Chromium sends
    const gz = await get(url, { 'accept-encoding': 'gzip' });
    expect([br.headers['content-encoding'], gz.headers['content-encoding']]).toEqual(['br', 'gzip']);
    for (const page of [br, gz]) {
      expect(decoded(page).equals(whole.rawPayload)).toBe(true);
      expect(page.rawPayload.length).toBeLessThan(whole.rawPayload.length);
      expect(page.headers['content-length']).toBe(String(page.rawPayload.length));
      expect(page.headers.vary).toBe('accept-encoding');
      const { etag, 'content-length': _l, 'content-encoding': _c, date: _d, ...rest } = page.headers;
      const { etag: wholeEtag, 'content-length': _wl, date: _wd, ...wholeRest } = whole.headers;
      expect(rest).toEqual(wholeRest);
      expect(etag).toBe(`${String(wholeEtag).slice(0, -1)}-${page.headers['content-encoding']}"`);
    }
  });

  it('a revalidation is checked against the tag of the form the client would get', async () => {
    const br = await whenCompressed('/stats', 'br');
    const etag = String(br.headers.etag);
    const notModified = await get('/stats', { 'accept-encoding': 'br', 'if-none-match': etag });
    expect(notModified.statusCode).toBe(304);
    expect(notModified.headers.etag).toBe(etag);
    expect(notModified.rawPayload.length).toBe(0);
    // The brotli form's tag does not stand for the whole page, nor the whole page's for brotli.
    const whole = await get('/stats');
    expect((await get('/stats', { 'if-none-match': etag })).statusCode).toBe(200);
    expect((await get('/stats', { 'accept-encoding': 'br', 'if-none-match': String(whole.headers.etag) })).statusCode).toBe(200);
  });

  it('what a client refuses is never sent', async () => {
    await whenCompressed('/stats', 'br');
    const codingFor = async (acceptEncoding: string) => (await get('/stats', { 'accept-encoding': acceptEncoding })).headers['content-encoding'];
    expect(await codingFor('br;q=0, gzip')).toBe('gzip');
    expect(await codingFor('gzip;q=0.5, br;q=0.8')).toBe('br');
    expect(await codingFor('identity')).toBeUndefined();
    expect(await codingFor('deflate, zstd')).toBeUndefined();
    expect(await codingFor('*')).toBe('br');
    expect(await codingFor('br;q=0, gzip;q=0')).toBeUndefined();
  });

  it('source and moderator pages are never compressed (a compression side channel needs a secret on the page)', async () => {
    for (const url of ['/submit', '/status', '/mod/login']) {
      const page = await get(url, { 'accept-encoding': 'br, gzip' });
      expect(page.headers['content-encoding'], url).toBeUndefined();
    }
  });
});

describe('preferredCoding', () => {
  it('reads q-values and an absent header', () => {
    expect(preferredCoding(undefined)).toBeUndefined();
    expect(preferredCoding('')).toBeUndefined();
    expect(preferredCoding('gzip, br')).toBe('br');
    expect(preferredCoding('br;q=0.1, gzip;q=0.9')).toBe('gzip');
    expect(preferredCoding('BR')).toBeUndefined(); // codings are case-insensitive, but no browser sends them so
  });
});
