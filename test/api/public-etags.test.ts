// Public pages from memory (issue 30): every public page has an ETag for its exact bytes, a
// revalidation with it is a 304 with no body, and a release gives pages that changed a new one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../common/protocol/digest.js';
import { publishedStateChanged } from '../../server/publishing/cache.js';
import { releaseDueBatch } from '../../server/publishing/release.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { enrolAuthorAndReviewer } from '../support/moderation.js';
import { approvedStory, insertStatisticsAccounts } from '../support/publishing.js';

const ORIGIN = 'http://127.0.0.1:3000';
let t: TestApp;
let pages: string[];

beforeAll(async () => {
  t = await startTestApp({ PUBLIC_ORIGIN: ORIGIN, K_MIN: '11', BATCH_MIN: '1', BATCH_DELAY_DAYS: '0' });
  const moderators = await enrolAuthorAndReviewer(t.app, t.database.db, ORIGIN);
  await approvedStory(t.app, t.database.db, moderators, { title: 'Night shift on the rubric', body: 'We graded chatbot answers about screenplays.' });
  await insertStatisticsAccounts(t.database.db, 12, {});
  const batch = await releaseDueBatch(t.database.db, { kMin: 11, batchMin: 1, batchDelayDays: 0 });
  if (!batch) throw new Error('no batch released');
  publishedStateChanged();
  const slug = /href="\/stories\/([a-z0-9-]+)"/.exec((await t.app.inject({ url: '/stories' })).body)?.[1];
  if (!slug) throw new Error('/stories links no story');
  pages = [
    '/',
    '/stories',
    `/stories/${slug}`,
    '/stories.csv',
    '/stats',
    '/stats.csv',
    '/about',
    '/feed.atom',
    '/platforms',
    '/platforms.csv',
    '/releases',
    '/releases/1',
    '/releases/1/statistics.csv',
    '/releases/1/codebook.md',
    '/releases/1/citation.txt',
    '/api/v1/stories',
    '/api/v1/stats',
    '/api/v1/platforms',
    '/api/v1/releases',
    '/api/v1/releases/1',
  ];
});
afterAll(async () => t?.close());

const hexEtag = (body: Buffer) =>
  `"${Buffer.from(sha256(new Uint8Array(body)))
    .toString('hex')
    .slice(0, 32)}"`;

describe('public pages served from memory', () => {
  it('every public page has the ETag of its own bytes and answers a revalidation with 304 and no body', async () => {
    for (const url of pages) {
      const page = await t.app.inject({ url });
      expect(page.statusCode, url).toBe(200);
      expect(page.headers.etag, url).toBe(hexEtag(page.rawPayload));
      expect(page.headers['content-length'], url).toBe(String(page.rawPayload.length));
      const again = await t.app.inject({ url });
      expect(again.headers.etag, url).toBe(page.headers.etag);
      for (const ifNoneMatch of [page.headers.etag, `W/${page.headers.etag}`, `"other", ${page.headers.etag}`, '*']) {
        const revalidated = await t.app.inject({ url, headers: { 'if-none-match': String(ifNoneMatch) } });
        expect(revalidated.statusCode, `${url} ${ifNoneMatch}`).toBe(304);
        expect(revalidated.rawPayload.length, url).toBe(0);
        expect(revalidated.headers.etag, url).toBe(page.headers.etag);
        expect(revalidated.headers['content-type'], url).toBeUndefined();
      }
      const stale = await t.app.inject({ url, headers: { 'if-none-match': '"0123456789abcdef0123456789abcdef"' } });
      expect(stale.statusCode, url).toBe(200);
      expect(stale.rawPayload.equals(page.rawPayload), url).toBe(true);
    }
  });

  it('a withdrawal gives the pages it changes a new ETag, and the old one no longer gets a 304', async () => {
    const before = await t.app.inject({ url: '/stories' });
    await t.database.db.updateTable('stories').set({ status: 'retracted' }).execute();
    publishedStateChanged();
    const after = await t.app.inject({ url: '/stories', headers: { 'if-none-match': String(before.headers.etag) } });
    expect(after.statusCode).toBe(200);
    expect(after.headers.etag).not.toBe(before.headers.etag);
    expect(after.headers.etag).toBe(hexEtag(after.rawPayload));
  });
});
