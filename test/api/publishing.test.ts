// The public side: batch releases, disclosure control as published, feeds, API and caching.
import { randomUUID } from 'node:crypto';
import { parseAtomFeed } from 'feedsmith';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { todayUtc } from '../../server/db/day.js';
import { STATE_MEMO_MS } from '../../server/publishing/cache.js';
import { releaseDueBatch } from '../../server/publishing/release.js';
import type { PublishedStatistics } from '../../server/publishing/statistics.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { enrolViaApi, logInViaApi, type TestModerator } from '../support/moderation.js';
import { approvedStory as sharedApprovedStory, BASE_FACETS, insertStatisticsAccounts, type TestFacets, type TestStory } from '../support/publishing.js';

const ORIGIN = 'http://127.0.0.1:3000';
const RULES = { kMin: 11, batchMin: 3, batchDelayDays: 0 };
let t: TestApp;
let author: TestModerator;
let reviewer: TestModerator;

const approvedStory = (story: TestStory, facets: TestFacets = BASE_FACETS) => sharedApprovedStory(t.app, t.database.db, { author, reviewer }, story, facets);
const insertAccounts = (count: number, facets: Partial<TestFacets>) => insertStatisticsAccounts(t.database.db, count, facets);

const stats = async () => (await t.app.inject({ url: '/api/v1/stats' })).json() as { batch: number | null; statistics: PublishedStatistics | null };

beforeAll(async () => {
  t = await startTestApp({ PUBLIC_ORIGIN: ORIGIN, K_MIN: '11', BATCH_MIN: '3', BATCH_DELAY_DAYS: '0' });
  await enrolViaApi(t.app, t.database.db, 'author', 'administrator', { createIntakeKey: true });
  author = await logInViaApi(t.app, 'author', 'author lantern orbit meadow', ORIGIN);
  await enrolViaApi(t.app, t.database.db, 'reviewer', 'moderator');
  reviewer = await logInViaApi(t.app, 'reviewer', 'reviewer lantern orbit meadow', ORIGIN);
});
afterAll(async () => t?.close());

describe('batch release', () => {
  it('waits for BATCH_MIN approved stories and BATCH_DELAY_DAYS, then publishes them in random order on one date', async () => {
    expect((await stats()).batch).toBeNull();
    await approvedStory({ title: 'First night on the rubric', body: 'We graded chatbot answers about screenplays.', pullQuotes: ['We graded answers all night.'] });
    await approvedStory({ title: 'The project that vanished', body: 'The work stopped without notice one Friday.' });
    expect(await releaseDueBatch(t.database.db, RULES)).toBeUndefined();
    await approvedStory({ title: 'Red-teaming for rent', body: 'Writing unsafe prompts paid the rent, barely.' });
    // Not yet due when the oldest acceptance is younger than the delay.
    expect(await releaseDueBatch(t.database.db, { ...RULES, batchDelayDays: 14 })).toBeUndefined();
    const batch = await releaseDueBatch(t.database.db, RULES);
    expect(batch).toMatchObject({ sequence: 1, storyCount: 3 });
    const published = await t.database.db.selectFrom('stories').selectAll().where('status', '=', 'published').execute();
    expect(published).toHaveLength(3);
    expect(new Set(published.map((p) => p.published_on))).toEqual(new Set([todayUtc()]));
    expect(published.map((p) => p.batch_position).sort()).toEqual([0, 1, 2]);
    expect(new Set(published.map((p) => p.slug)).size).toBe(3);
    // Three accounts: fewer than K_MIN, so the headline says so and labels fall back.
    expect((await stats()).statistics!.headline.accounts).toBeNull();
    expect(published.every((p) => p.published_attribution === 'anonymous_contributor')).toBe(true);
  });

  it('recomputes statistics only at release: one more acceptance moves no number', async () => {
    await insertAccounts(30, {});
    const before = await stats();
    await approvedStory({ title: 'Unreleased', body: 'Waiting for its batch.' });
    const after = await stats();
    expect(after).toEqual(before);
    expect((await t.app.inject({ url: '/stories' })).body).not.toContain('Unreleased');
  });
});

describe('disclosure control as published', () => {
  it('a cell of 3 accounts is revealed neither directly nor by subtraction, in JSON, CSV or the page', async () => {
    await insertAccounts(40, { platforms: ['outlier'], payBand: '60_89' });
    await insertAccounts(25, { platforms: ['outlier'], payBand: '40_59' });
    await insertAccounts(3, { platforms: ['outlier'], payBand: '20_39' });
    await insertAccounts(30, { platforms: ['turing'], payBand: '20_39' });
    await approvedStory({ title: 'Small cells', body: 'b1' });
    await approvedStory({ title: 'Small cells two', body: 'b2' });
    await approvedStory({ title: 'Small cells three', body: 'b3' });
    expect(await releaseDueBatch(t.database.db, RULES)).toBeDefined();

    const table = (await stats()).statistics!.tables.find((x) => x.id === 'platform_by_pay_band')!;
    const row = table.rows.findIndex((r) => r.key === 'outlier');
    const column = table.columns.findIndex((c) => c.key === '20_39');
    expect(table.cells[row]![column]).toBeNull();
    const rowHidden = table.cells[row]!.filter((c) => c === null).length + (table.rowTotals[row] === null ? 1 : 0);
    const columnHidden = table.cells.map((r) => r[column]).filter((c) => c === null).length + (table.columnTotals[column] === null ? 1 : 0);
    expect(rowHidden).toBeGreaterThanOrEqual(2);
    expect(columnHidden).toBeGreaterThanOrEqual(2);
    // Every shown figure rests on at least K_MIN accounts (or none).
    for (const value of [...table.cells.flat(), ...table.rowTotals, ...table.columnTotals, table.total]) {
      if (value !== null) expect(value === 0 || value >= 11).toBe(true);
    }

    const csv = (await t.app.inject({ url: '/stats.csv' })).body;
    expect(csv).toContain('"platform_by_pay_band","outlier","20_39","fewer than 11"');
    expect(csv).not.toMatch(/"platform_by_pay_band","outlier","[^"]+",3\r/);
    const page = (await t.app.inject({ url: '/stats' })).body;
    const outlierRow = /<tr><th scope="row">Outlier<\/th>(.*?)<\/tr>/.exec(page.slice(page.indexOf('Pay per hour, by platform')))![1]!;
    expect((outlierRow.match(/fewer than 11/g) ?? []).length).toBeGreaterThanOrEqual(2);
    expect(outlierRow).not.toMatch(/<td>3<\/td>/);
  });
});

describe('the public pages and API', () => {
  it('answers unknown filters, tampered cursors and long searches with 400 naming what is allowed', async () => {
    const filter = await t.app.inject({ url: '/api/v1/stories?platform=openai' });
    expect(filter.statusCode).toBe(400);
    expect(filter.json().error.message).toContain('mercor, outlier, turing');
    expect((await t.app.inject({ url: '/stories?role=producer' })).statusCode).toBe(400);
    expect((await t.app.inject({ url: '/api/v1/stories?cursor=abc' })).statusCode).toBe(400);
    expect((await t.app.inject({ url: `/api/v1/stories?q=${'a'.repeat(201)}` })).statusCode).toBe(400);
    expect((await t.app.inject({ url: '/stories/no-such-story' })).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/stories/no-such-story' })).headers['content-type']).toContain('text/html');
  });

  it('pages with a signed keyset cursor and refuses a tampered one', async () => {
    for (let i = 0; i < 20; i++) await approvedStory({ title: `Batch story ${i}`, body: `Story number ${i} about annotation.` });
    await releaseDueBatch(t.database.db, RULES);
    const first = (await t.app.inject({ url: '/api/v1/stories' })).json() as { stories: { slug: string }[]; nextCursor: string };
    expect(first.stories).toHaveLength(20);
    expect(first.nextCursor).toBeTruthy();
    const second = (await t.app.inject({ url: `/api/v1/stories?cursor=${encodeURIComponent(first.nextCursor)}` })).json() as { stories: { slug: string }[] };
    expect(second.stories.length).toBeGreaterThan(0);
    expect(second.stories.some((s) => first.stories.some((f) => f.slug === s.slug))).toBe(false);
    const [payload, mac] = first.nextCursor.split('.');
    const forged = `${Buffer.from(JSON.stringify({ batch: 1, position: 0, id: randomUUID() })).toString('base64url')}.${mac}`;
    expect(payload).not.toBe(forged.split('.')[0]);
    expect((await t.app.inject({ url: `/api/v1/stories?cursor=${encodeURIComponent(forged)}` })).statusCode).toBe(400);
  });

  it('searches full text and filters by public tags', async () => {
    const found = (await t.app.inject({ url: '/api/v1/stories?q=screenplay' })).json() as { stories: { title: string }[] };
    expect(found.stories.map((s) => s.title)).toEqual(['First night on the rubric']);
    const mercor = (await t.app.inject({ url: '/api/v1/stories?platform=mercor' })).json() as { stories: unknown[] };
    expect(mercor.stories.length).toBeGreaterThan(0);
    const appen = (await t.app.inject({ url: '/api/v1/stories?platform=appen' })).json() as { stories: unknown[] };
    expect(appen.stories).toEqual([]);
    const page = await t.app.inject({ url: '/stories?q=screenplay' });
    expect(page.body).toContain('First night on the rubric');
    expect((page.body.match(/<article/g) ?? []).length).toBe(1);
  });

  it('renders story text with markup inert on every page, in Atom and in JSON', async () => {
    const payload = '<script>alert(1)</script>"><img src=x onerror=alert(2)>';
    await approvedStory({ title: `T ${payload}`, body: payload, pullQuotes: [payload] });
    await approvedStory({ title: 'Filler one', body: 'f1' });
    await approvedStory({ title: 'Filler two', body: 'f2' });
    await releaseDueBatch(t.database.db, RULES);
    const story = await t.database.db.selectFrom('stories').select('slug').where('body', '=', payload).executeTakeFirstOrThrow();
    for (const url of ['/', '/stories', `/stories/${story.slug}`, '/feed.atom']) {
      const body = (await t.app.inject({ url })).body;
      expect(body, url).not.toContain('<script>alert');
      expect(body, url).not.toContain('<img src=x');
    }
    expect((await t.app.inject({ url: '/feed.atom' })).body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const api = await t.app.inject({ url: '/api/v1/stories' });
    expect(api.headers['content-type']).toContain('application/json');
    expect((api.json() as { stories: { body: string }[] }).stories.some((s) => s.body === payload)).toBe(true);
  });

  it('serves ETags, answers 304, and a release changes what is served', async () => {
    const first = await t.app.inject({ url: '/stories' });
    expect(first.headers['cache-control']).toBe('public, max-age=60, stale-while-revalidate=300');
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    const again = await t.app.inject({ url: '/stories', headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    for (let i = 0; i < 3; i++) await approvedStory({ title: `Cache buster ${i}`, body: 'x' });
    await releaseDueBatch(t.database.db, RULES);
    const after = await t.app.inject({ url: '/stories', headers: { 'if-none-match': etag } });
    expect(after.statusCode).toBe(200);
    expect(after.body).toContain('Cache buster');
    expect(after.headers['set-cookie']).toBeUndefined();
  });

  it('a retracted story leaves the feeds and its page says it was withdrawn', async () => {
    const row = await t.database.db.selectFrom('stories').select(['id', 'slug', 'title']).where('title', '=', 'Cache buster 0').executeTakeFirstOrThrow();
    // Straight in the database, as another instance would: this process learns of it by reading
    // the published state, which it does at most once per STATE_MEMO_MS.
    await t.database.db.updateTable('stories').set({ status: 'retracted', retracted_on: todayUtc() }).where('id', '=', row.id).execute();
    await new Promise((resolve) => setTimeout(resolve, STATE_MEMO_MS + 50));
    const page = await t.app.inject({ url: `/stories/${row.slug}` });
    expect(page.body).toContain('withdrawn at the source');
    expect(page.body).not.toContain('Cache buster 0');
    for (const url of ['/stories', '/feed.atom', '/api/v1/stories']) {
      expect((await t.app.inject({ url })).body, url).not.toContain('Cache buster 0');
    }
  });

  it('the Atom feed parses with a real feed parser, one entry per published story', async () => {
    const feed = parseAtomFeed((await t.app.inject({ url: '/feed.atom' })).body);
    const published = await t.database.db.selectFrom('stories').select('slug').where('status', '=', 'published').execute();
    expect(feed.entries?.length).toBe(Math.min(published.length, 50));
    const first = feed.entries![0]!;
    expect(first.links?.[0]?.href).toMatch(/^http:\/\/127\.0\.0\.1:3000\/stories\/[a-z0-9-]+$/);
    expect(first.updated).toMatch(/^\d{4}-\d{2}-\d{2}T00:00:00Z$/);
  });

  it('publishes an OpenAPI document for the public API', async () => {
    const docs = (await t.app.inject({ url: '/api/docs' })).json() as { openapi: string; paths: Record<string, unknown> };
    expect(docs.openapi).toMatch(/^3\./);
    expect(Object.keys(docs.paths).sort()).toEqual(['/api/v1/stats', '/api/v1/stories']);
  });

  it('the landing page shows figures, quotes and the call to give an account', async () => {
    const page = (await t.app.inject({ url: '/' })).body;
    expect(page).toContain('accepted accounts');
    expect(page).toContain('href="/submit"');
    // The three most recent pull quotes, each with its attribution.
    expect((page.match(/<figure class="quote">/g) ?? []).length).toBeGreaterThanOrEqual(1);
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});
