// The public side: batch releases, disclosure control as published, feeds, API and caching.
import { formatDay } from '../../server/i18n/locale-format.js';
import { randomUUID } from 'node:crypto';
import { parseAtomFeed } from 'feedsmith';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, todayUtc } from '../../server/db/day.js';
import { STATE_MEMO_MS } from '../../server/publishing/cache.js';
import { releaseDueBatch } from '../../server/publishing/release.js';
import type { PublishedStatistics } from '../../server/publishing/schemas.js';
import { startTestApp, type TestApp, TEST_ORIGIN as ORIGIN } from '../support/app.js';
import { enrolAuthorAndReviewer, type TestModerator } from '../support/moderation.js';
import { approvedStory as sharedApprovedStory, BASE_FACETS, firstOfMonthAfter, insertStatisticsAccounts, NOISELESS, type TestFacets, type TestStory } from '../support/publishing.js';

const RULES = { kMin: 11, batchMin: 3, batchDelayDays: 0 };
let t: TestApp;
let author: TestModerator;
let reviewer: TestModerator;

const approvedStory = (story: TestStory, facets: TestFacets = BASE_FACETS) => sharedApprovedStory(t.app, t.database.db, { author, reviewer }, story, facets);
const insertAccounts = (count: number, facets: Partial<TestFacets>) => insertStatisticsAccounts(t.database.db, count, facets);

const stats = async () => (await t.app.inject({ url: '/api/v1/stats' })).json() as StatsBody;

beforeAll(async () => {
  t = await startTestApp({ PUBLIC_ORIGIN: ORIGIN, K_MIN: '11', BATCH_MIN: '3', BATCH_DELAY_DAYS: '0' });
  ({ author, reviewer } = await enrolAuthorAndReviewer(t.app, t.database.db, ORIGIN));
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
    // The first release is the first scheduled refresh: three accounts, so no figure is shown; labels fall back.
    expect((await stats()).statistics!.headline.accounts).toEqual({ count: null, status: 'fewer_than_k' });
    expect((await t.app.inject({ url: '/stats' })).body).toContain('fewer than 11 after noise');
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

// Refreshes on the schedule: the first release drew refresh 1 today; refresh 2 is due on the 1st of next month, refresh 3 a month later.
const NEXT_MONTH = firstOfMonthAfter(todayUtc());
const MONTH_AFTER = firstOfMonthAfter(NEXT_MONTH);
type StatsBody = { batch: number | null; releasedOn: string | null; statistics: PublishedStatistics | null };
const numbersOf = (body: StatsBody) => JSON.stringify(body.statistics);

describe('disclosure control as published', () => {
  // Noise is switched off for this release (an injected source) so that the states are known.
  it('a row of 2 accounts shows no cell, zeros included; a small cell reads fewer_than_k and its complements withheld, in JSON, CSV and the page', async () => {
    await insertAccounts(40, { platforms: ['outlier'], payBand: '60_89' });
    await insertAccounts(25, { platforms: ['outlier'], payBand: '40_59' });
    await insertAccounts(3, { platforms: ['outlier'], payBand: '20_39' });
    await insertAccounts(30, { platforms: ['turing'], payBand: '20_39' });
    await insertAccounts(2, { platforms: ['appen'], payBand: '40_59' });
    await approvedStory({ title: 'Small cells', body: 'b1' });
    await approvedStory({ title: 'Small cells two', body: 'b2' });
    await approvedStory({ title: 'Small cells three', body: 'b3' });
    expect(await releaseDueBatch(t.database.db, { ...RULES, ...NOISELESS }, NEXT_MONTH)).toMatchObject({ statisticsRefreshed: true });

    const table = (await stats()).statistics!.tables.find((x) => x.id === 'platform_by_pay_band')!;
    const row = (key: string) => table.rows.findIndex((r) => r.key === key);
    const column = (key: string) => table.columns.findIndex((c) => c.key === key);
    // Appen: 2 accounts. Its total is fewer_than_k; every cell, the six zeros too, is withheld.
    expect(table.rowTotals[row('appen')]).toEqual({ count: null, status: 'fewer_than_k' });
    expect(table.cells[row('appen')]!.every((f) => f.status === 'withheld' && f.count === null)).toBe(true);
    // Outlier 20–39: 3 accounts, fewer_than_k; at least one more in its row and column withheld (never "fewer than").
    expect(table.cells[row('outlier')]![column('20_39')]).toEqual({ count: null, status: 'fewer_than_k' });
    const outlierWithheld = table.cells[row('outlier')]!.filter((f) => f.status === 'withheld');
    expect(outlierWithheld.length).toBeGreaterThanOrEqual(1);
    const columnHidden = [...table.cells.map((r) => r[column('20_39')]!), table.columnTotals[column('20_39')]!].filter((f) => f.status !== 'shown');
    expect(columnHidden.length).toBeGreaterThanOrEqual(2);
    // Every shown figure rests on at least K_MIN accounts (or none).
    for (const f of [...table.cells.flat(), ...table.rowTotals, ...table.columnTotals, table.total]) {
      if (f.status === 'shown') expect(f.count === 0 || (f.count ?? 0) >= 11).toBe(true);
    }

    const csv = (await t.app.inject({ url: '/stats.csv' })).body;
    const lines = csv.split('\r\n');
    expect(lines[0]).toMatch(/^# Offscript statistics: figures last updated \d{4}-\d{2}-\d{2}/);
    expect(csv).toContain('# Minimum cell size K = 11');
    expect(lines).toContain('table,row,column,count,status,table_label,row_label,column_label,margin');
    expect(lines).toContain('platform_by_pay_band,outlier,20_39,,fewer_than_k,"Pay per hour, by platform",Outlier,$20–39 an hour,');
    expect(lines).toContain('platform_by_pay_band,appen,total,,fewer_than_k,"Pay per hour, by platform",Appen,Total,');
    const appenLines = lines.filter((l) => l.startsWith('platform_by_pay_band,appen,'));
    expect(appenLines).toHaveLength(8);
    expect(appenLines.filter((l) => l.includes(',,withheld,'))).toHaveLength(7);
    expect(lines.filter((l) => l.startsWith('platform_by_pay_band,outlier,') && l.includes(',,withheld,')).length).toBeGreaterThanOrEqual(1);
    expect(csv).not.toMatch(/^platform_by_pay_band,outlier,[^,]+,3,/m);
    expect(lines).toContain('platform_by_pay_band,mercor,40_59,37,shown,"Pay per hour, by platform",Mercor,$40–59 an hour,0');
    expect(lines).toContain('platform_by_pay_band,total,40_59,64,shown,"Pay per hour, by platform",Total,$40–59 an hour,0');

    const page = (await t.app.inject({ url: '/stats' })).body;
    const payPage = page.slice(page.indexOf('Pay per hour, by platform'));
    const htmlRow = (label: string) => new RegExp(`<tr><th scope="row">${label}</th>(.*?)</tr>`).exec(payPage)![1]!;
    expect(htmlRow('Appen')).not.toMatch(/>0</);
    expect((htmlRow('Appen').match(/>withheld</g) ?? []).length).toBe(7);
    // Its total, and its median band with it.
    expect((htmlRow('Appen').match(/>fewer than 11 after noise</g) ?? []).length).toBe(2);
    expect(htmlRow('Outlier')).toContain('>fewer than 11 after noise<');
    expect(htmlRow('Outlier')).toContain('>withheld<');
    expect(htmlRow('Outlier')).not.toMatch(/<td[^>]*>3<\/td>/);
    expect(payPage).toContain('“Withheld”: hidden so that a small count elsewhere cannot be worked out');
    // The chart shows medians, and names both hidden states in its text alternative.
    expect(page).toContain('Median pay band, by platform');
    expect(page).toContain('Appen: fewer than 11 accounts, no bands shown');
    expect(page).toMatch(/Mercor: median band \$40–59 an hour; about 37 accounts/);
  });

  it('a release after one added account, or one withdrawn account, leaves every published number unchanged', async () => {
    const before = await stats();
    // Were the figures redrawn, the $40–59 total (64) would read 65, and the $60–89 total (40) 39.
    await insertAccounts(1, { platforms: ['outlier'], payBand: '40_59' });
    for (let i = 0; i < 3; i++) await approvedStory({ title: `After one more ${i}`, body: 'x' });
    const later = addDays(NEXT_MONTH, 8);
    expect(await releaseDueBatch(t.database.db, { ...RULES, ...NOISELESS }, later)).toMatchObject({ statisticsRefreshed: false });
    const afterAdded = await stats();
    expect(afterAdded.batch).toBe((before.batch ?? 0) + 1);
    expect(numbersOf(afterAdded)).toBe(numbersOf(before));
    expect((await t.app.inject({ url: '/stats' })).body).toContain(
      `Figures last updated ${formatDay('en', before.statistics!.figuresUpdatedOn)} (<a href="/releases/${before.batch}">release ${before.batch}</a>), carried over unchanged`,
    );

    const one = await t.database.db.selectFrom('accounts').select('id').where('withdrawn_on', 'is', null).where('pay_band', '=', '60_89').limit(1).executeTakeFirstOrThrow();
    await t.database.db.updateTable('accounts').set({ withdrawn_on: todayUtc() }).where('id', '=', one.id).execute();
    for (let i = 0; i < 3; i++) await approvedStory({ title: `After one fewer ${i}`, body: 'x' });
    expect(await releaseDueBatch(t.database.db, { ...RULES, ...NOISELESS }, addDays(later, 1))).toMatchObject({ statisticsRefreshed: false });
    expect(numbersOf(await stats())).toBe(numbersOf(before));
    expect((await t.app.inject({ url: '/stats.csv' })).body.split('\r\n').slice(1)).toEqual(
      expect.arrayContaining([
        'platform_by_pay_band,total,40_59,64,shown,"Pay per hour, by platform",Total,$40–59 an hour,0',
        'platform_by_pay_band,total,60_89,40,shown,"Pay per hour, by platform",Total,$60–89 an hour,0',
      ]),
    );
  });

  it('at the next scheduled month, the figures refresh (the earlier changes included) and the ledger grows', async () => {
    // Two changes so far (one added, one withdrawn), plus the stories' accounts; 11 more Appen accounts.
    await insertAccounts(11, { platforms: ['appen'], payBand: '40_59' });
    for (let i = 0; i < 3; i++) await approvedStory({ title: `After K more ${i}`, body: 'x' }, { ...BASE_FACETS, platforms: ['outlier'], payBand: '40_59' });
    const before = await stats();
    const refreshDay = MONTH_AFTER;
    expect(await releaseDueBatch(t.database.db, { ...RULES, ...NOISELESS }, refreshDay)).toMatchObject({ statisticsRefreshed: true });
    const after = await stats();
    expect(after.statistics!.figuresUpdatedOn).toBe(refreshDay);
    const table = after.statistics!.tables.find((x) => x.id === 'platform_by_pay_band')!;
    const column = (key: string) => table.columns.findIndex((c) => c.key === key);
    // 64 + the one added earlier + 11 Appen + nine stories' accounts; the withdrawn one has left $60–89.
    expect(table.columnTotals[column('40_59')]).toEqual({ count: 85, status: 'shown', margin: 0 });
    expect(table.columnTotals[column('60_89')]).toEqual({ count: 39, status: 'shown', margin: 0 });
    expect(numbersOf(after)).not.toBe(numbersOf(before));
    const about = (await t.app.inject({ url: '/about' })).body;
    expect(about).toContain('Privacy-loss ledger');
    // Refresh 1 (ε ¼ per node), then the two without noise of this file.
    expect((about.match(/<tr><th scope="row">\d+<\/th><td>\d{4}-\d{2}-\d{2}<\/td>/g) ?? []).length).toBe(3);
    expect(about).toContain('<td>0.25</td>');
    expect(about).toContain('Lifetime budget per account: ε = ');
  });

  it('refuses unknown query parameters and table names with a 400 naming them; table= picks tables', async () => {
    const unknownParam = await t.app.inject({ url: '/api/v1/stats?year=2026' });
    expect(unknownParam.statusCode).toBe(400);
    expect(unknownParam.json().error).toMatchObject({ code: 'invalid_request', details: { field: 'querystring', problem: 'unexpected_field', name: 'year' } });
    expect(unknownParam.json().error.message).toContain('"year"');
    const csvParam = await t.app.inject({ url: '/stats.csv?format=wide' });
    expect(csvParam.statusCode).toBe(400);
    expect(csvParam.body).toContain('format');
    const unknownTable = await t.app.inject({ url: '/api/v1/stats?table=platform_by_pay_band,salaries,hours' });
    expect(unknownTable.statusCode).toBe(400);
    expect(unknownTable.json().error.message).toContain('"salaries", "hours"');
    expect(unknownTable.json().error.details).toMatchObject({ names: ['salaries', 'hours'] });
    expect((await t.app.inject({ url: '/stats.csv?table=nope' })).statusCode).toBe(400);
    const one = (await t.app.inject({ url: '/api/v1/stats?table=hours_band' })).json() as StatsBody;
    expect(one.statistics!.tables.map((x) => x.id)).toEqual(['hours_band']);
    const csv = (await t.app.inject({ url: '/stats.csv?table=hours_band,role_by_task_type' })).body;
    const tablesInCsv = new Set(
      csv
        .split('\r\n')
        .filter((l) => l && !l.startsWith('#') && !l.startsWith('table,'))
        .map((l) => l.split(',')[0]),
    );
    expect(tablesInCsv).toEqual(new Set(['role_by_task_type', 'hours_band']));
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

  it("the Atom feed parses with a real feed parser, one entry per published story (and one for the latest release's scorecards)", async () => {
    const feed = parseAtomFeed((await t.app.inject({ url: '/feed.atom' })).body);
    const published = await t.database.db.selectFrom('stories').select('slug').where('status', '=', 'published').execute();
    const storyEntries = feed.entries?.filter((e) => e.links?.[0]?.href?.includes('/stories/')) ?? [];
    expect(storyEntries.length).toBe(Math.min(published.length, 50));
    expect((feed.entries?.length ?? 0) - storyEntries.length).toBeLessThanOrEqual(1);
    const first = storyEntries[0]!;
    expect(first.links?.[0]?.href).toMatch(/^http:\/\/127\.0\.0\.1:3000\/stories\/[a-z0-9-]+$/);
    expect(first.updated).toMatch(/^\d{4}-\d{2}-\d{2}T00:00:00Z$/);
  });

  it('publishes an OpenAPI document for the public API', async () => {
    const docs = (await t.app.inject({ url: '/api/docs' })).json() as { openapi: string; paths: Record<string, unknown> };
    expect(docs.openapi).toMatch(/^3\./);
    expect(Object.keys(docs.paths).sort()).toEqual(['/api/v1/platforms', '/api/v1/platforms/{key}', '/api/v1/releases', '/api/v1/releases/{n}', '/api/v1/stats', '/api/v1/stories']);
    // 2.0.0: every statistic became {count, status} (was a number or null); 2.1.0: the platform scorecards; 2.2.0: the releases; 2.3.0: the stories' verification tier; 2.4.0: statistics by verification tier;
    // 2.4.1: the objects say which properties they always have and that they have no others; 2.5.0 the figures' margins and the release's budget; 2.6.0 the signed-email tier;
    // 3.0.0: /api/v1/platforms is one table (platforms as columns, questions as rows, a state per cell).
    expect((docs as unknown as { info: { version: string } }).info.version).toBe('3.0.0');
  });

  it('documents every 200 object exactly: no other property is sent, and only these may be absent', async () => {
    interface Schema {
      type?: string | string[];
      properties?: Record<string, Schema>;
      required?: string[];
      additionalProperties?: unknown;
      items?: Schema;
    }
    type Operations = Record<string, { responses: Record<string, { content: Record<string, { schema: Schema }> }> }>;
    const docs = (await t.app.inject({ url: '/api/docs/json' })).json() as { paths: Record<string, Operations> };
    const open: string[] = [];
    const optional = new Set<string>();
    const walk = (schema: Schema, at: string): void => {
      if (schema.items) walk(schema.items, `${at}[]`);
      if (!schema.properties) return;
      if (schema.additionalProperties !== false) open.push(at);
      for (const [name, property] of Object.entries(schema.properties)) {
        if (!(schema.required ?? []).includes(name)) optional.add(`${at}.${name}`);
        walk(property, `${at}.${name}`);
      }
    };
    for (const [url, methods] of Object.entries(docs.paths)) walk(methods.get!.responses['200']!.content['application/json']!.schema, url);
    expect(open).toEqual([]);
    // Every figure's margin of error: absent where the figure is not shown, and from figures drawn before continual release.
    const margins = [...optional].filter((at) => at.endsWith('.margin'));
    expect(margins).toContain('/api/v1/stats.statistics.tables[].cells[][].margin');
    expect(margins).toContain('/api/v1/stats.statistics.headline.accounts.margin');
    expect([...optional].filter((at) => !at.endsWith('.margin')).sort()).toEqual([
      '/api/v1/platforms.questions[].cells[].notAsked', // only for questions the first form did not ask
      '/api/v1/platforms/{key}.questions[].cell.notAsked',
      '/api/v1/releases/{n}.statistics.headline.verification', // snapshots from before the tier table
      '/api/v1/releases/{n}.statistics.headline.verification.verifiedEmail', // snapshots from before the signed-email tier
      '/api/v1/releases/{n}.statistics.headline.verification.verifiedEmailShare',
      '/api/v1/releases/{n}.statistics.release', // snapshots from before continual release
      '/api/v1/releases/{n}.statistics.scorecardPlatforms', // snapshots from before the scorecards
      '/api/v1/releases/{n}.statistics.tables[].medians', // pay tables only
      '/api/v1/releases/{n}.statistics.tables[].question', // answer tables only
      '/api/v1/releases/{n}.stories[].attribution', // a retracted story keeps only its slug and status
      '/api/v1/releases/{n}.stories[].title',
      '/api/v1/releases/{n}.stories[].url',
      '/api/v1/stats.statistics.headline.verification',
      '/api/v1/stats.statistics.headline.verification.verifiedEmail',
      '/api/v1/stats.statistics.headline.verification.verifiedEmailShare',
      '/api/v1/stats.statistics.release',
      '/api/v1/stats.statistics.scorecardPlatforms',
      '/api/v1/stats.statistics.tables[].medians',
      '/api/v1/stats.statistics.tables[].question',
      '/api/v1/stories.stories[].attributionKey',
      '/api/v1/stories.stories[].tags.conditions', // a story carries the tags it has
      '/api/v1/stories.stories[].tags.platforms',
      '/api/v1/stories.stories[].tags.roles',
      '/api/v1/stories.stories[].tags.taskTypes',
    ]);
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
