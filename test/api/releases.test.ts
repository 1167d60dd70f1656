// Releases for journalists (issue 16): permanent pages at /releases/N with a data package,
// the list at /releases, the JSON forms, /stats' contents, and the API reference at /api/docs.
import { formatDay } from '../../server/i18n/locale-format.js';
import { parse } from 'csv-parse/sync';
import { parseAtomFeed } from 'feedsmith';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, notAfterToday, todayUtc } from '../../server/db/day.js';
import { currentIntakeKey } from '../../server/intake/service.js';
import { purgeExpiredSubmissions } from '../../server/moderation/retention.js';
import { releaseDueBatch } from '../../server/publishing/release.js';
import { STATISTICS_TABLE_IDS } from '../../server/publishing/statistics.js';
import { startTestApp, type TestApp, TEST_ORIGIN as ORIGIN } from '../support/app.js';
import { postJson, submitAsSource, type TestSource } from '../support/followup.js';
import { call, enrolAdminAndModerator, type TestModerator } from '../support/moderation.js';
import { approvedStory, BASE_FACETS, firstOfMonthAfter, insertStatisticsAccounts } from '../support/publishing.js';

const RULES = { kMin: 11, batchMin: 3, batchDelayDays: 0 };
// Statistics refresh on the 1st of each month (continual release): release 1 draws refresh 1,
// release 2 the same day carries it over, release 3 on the 1st of next month draws refresh 2.
const DAY_1 = todayUtc();
const DAY_2 = DAY_1;
const DAY_3 = firstOfMonthAfter(DAY_1);
let t: TestApp;
let team: { author: TestModerator; reviewer: TestModerator };
/** The source of a story in release 1, who withdraws later. */
let withdrawing: TestSource;

const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ url, headers });
const stories = (prefix: string) =>
  Promise.all([1, 2, 3].map((i) => approvedStory(t.app, t.database.db, team, { title: `${prefix} story ${i}`, body: `${prefix}: what the work was like, ${i}.` })));

/** A story whose source keeps the receipt words, so that it can withdraw through the real API. */
async function approvedStoryOfSource(title: string): Promise<TestSource> {
  const source = await submitAsSource(t.app, t.database.db, (await currentIntakeKey(t.database.db))!);
  const accepted = await call(t.app, team.author, 'POST', `/mod/api/submissions/${source.submissionId}/accept`, {
    facets: { consent: 'quote', ...BASE_FACETS },
    withdrawalTag: source.withdrawalTag,
    story: { title, body: `${title}: told by a source who later withdrew.`, pullQuotes: [], attributionLabel: 'hollywood_writer', identifierMarks: { unresolved: 0, dismissed: 0 } },
  });
  expect(accepted.statusCode, accepted.body).toBe(200);
  const approved = await call(t.app, team.reviewer, 'POST', `/mod/api/stories/${(accepted.json() as { storyId: string }).storyId}/approve`, {});
  expect(approved.statusCode, approved.body).toBe(200);
  return source;
}

/** Everything /releases/1 serves, to compare before and after later events. */
async function releaseOne() {
  const page = (await get('/releases/1')).body;
  return {
    figures: page.slice(page.indexOf('id="figures-heading"')),
    csv: (await get('/releases/1/statistics.csv')).body,
    codebook: (await get('/releases/1/codebook.md')).body,
    citation: (await get('/releases/1/citation.txt')).body,
    statistics: ((await get('/api/v1/releases/1')).json() as { statistics: unknown }).statistics,
  };
}

beforeAll(async () => {
  t = await startTestApp({ PUBLIC_ORIGIN: ORIGIN, K_MIN: '11', BATCH_MIN: '3', BATCH_DELAY_DAYS: '0' });
  const { admin, mod } = await enrolAdminAndModerator(t.app, t.database.db, ORIGIN);
  team = { author: admin, reviewer: mod };
});
afterAll(async () => t?.close());

describe('releases', () => {
  let first: Awaited<ReturnType<typeof releaseOne>>;

  it('before any release, /releases says so and /releases/1 is a 404', async () => {
    expect((await get('/releases')).body).toContain('Nothing has been released yet');
    const missing = await get('/api/v1/releases/1');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ error: { code: 'unknown_release', message: expect.stringContaining('There is no release 1'), details: { sequence: 1 } } });
  });

  it('release 1 gets a page with its figures, stories and data package', async () => {
    await insertStatisticsAccounts(t.database.db, 30, {});
    withdrawing = await approvedStoryOfSource('A story later withdrawn');
    await stories('First');
    expect(await releaseDueBatch(t.database.db, RULES, DAY_1)).toMatchObject({ sequence: 1, statisticsRefreshed: true });

    const page = await get('/releases/1');
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toBe('public, max-age=60, stale-while-revalidate=300');
    expect(page.body).toContain(`Released ${DAY_1} with 4 stories. Figures drawn at this release, on ${DAY_1}.`);
    for (const i of [1, 2, 3]) expect(page.body).toContain(`First story ${i}`);
    for (const file of ['statistics.csv', 'codebook.md', 'citation.txt']) expect(page.body).toContain(`href="/releases/1/${file}"`);
    expect(page.body).toContain(`<cite>Offscript, release 1, ${DAY_1}, ${ORIGIN}/releases/1</cite>`);
    for (const id of STATISTICS_TABLE_IDS) expect(page.body).toContain(`<section class="stats-table" id="${id}"`);

    const csv = await get('/releases/1/statistics.csv');
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toBe('attachment; filename="offscript-release-1-statistics.csv"');
    const records = parse(csv.body, { comment: '#', columns: true }) as Record<string, string>[];
    expect(new Set(records.map((r) => r.table))).toEqual(new Set(STATISTICS_TABLE_IDS));
    expect(csv.body).toContain(`# Offscript statistics: figures last updated ${DAY_1}; batch 1, released ${DAY_1}`);

    const codebook = await get('/releases/1/codebook.md');
    expect(codebook.headers['content-type']).toBe('text/markdown; charset=utf-8');
    for (const needed of [
      'Minimum cell size K = 11',
      '`shown`',
      '`fewer_than_k`',
      '`withheld`',
      '(ε = 0.25)',
      '**Lifetime budget.**',
      '**Threshold after noise.**',
      `released ${DAY_1}`,
      '| `column_label` |',
      '| `margin` |',
    ]) {
      expect(codebook.body).toContain(needed);
    }
    // Every table, and every row and column key of it, has its label.
    for (const id of STATISTICS_TABLE_IDS) expect(codebook.body).toContain(`### \`${id}\``);
    expect(codebook.body).toContain('- `mercor`: Mercor');

    expect((await get('/releases/1/citation.txt')).body).toBe(`Offscript, release 1, ${DAY_1}, ${ORIGIN}/releases/1\n`);
    first = await releaseOne();
  });

  it('a release that did not refresh says where its figures come from, and changes nothing of release 1', async () => {
    await insertStatisticsAccounts(t.database.db, 4, {});
    await stories('Second');
    expect(await releaseDueBatch(t.database.db, RULES, DAY_2)).toMatchObject({ sequence: 2, statisticsRefreshed: false });
    const page = (await get('/releases/2')).body;
    expect(page).toContain(`Figures last updated ${DAY_1} (release 1), carried over unchanged.`);
    expect((await get('/releases/2/codebook.md')).body).toContain(`Figures last updated ${DAY_1} (release 1)`);
    expect((await get('/stats')).body).toContain(
      `Figures last updated ${formatDay('en', DAY_1)} (<a href="/releases/1">release 1</a>), carried over unchanged to <a href="/releases/2">release 2</a> (released ${formatDay('en', DAY_2)})`,
    );
    expect(await releaseOne()).toEqual(first);
  });

  it('a withdrawal, a refresh and retention leave release 1 as published; the withdrawn story shows only its notice', async () => {
    const withdrawn = await postJson(t.app, '/api/v1/withdraw', { lookupToken: withdrawing.lookupToken, withdrawalTag: withdrawing.withdrawalTag });
    expect(withdrawn.statusCode, withdrawn.body).toBe(200);
    await insertStatisticsAccounts(t.database.db, 20, { platforms: ['outlier'] });
    await stories('Third');
    expect(await releaseDueBatch(t.database.db, RULES, DAY_3)).toMatchObject({ sequence: 3, statisticsRefreshed: true });
    await purgeExpiredSubmissions(t.database.db, { retentionDays: 30, today: addDays(DAY_1, 400) });

    const after = await releaseOne();
    expect(after).toEqual(first);
    const page = (await get('/releases/1')).body;
    expect(page).not.toContain('A story later withdrawn');
    expect(page).toContain("A story withdrawn at its source's request.");
    // Dated on the page no later than the day it is served (a release made ahead of the clock reads as today).
    expect((await get('/releases/3')).body).toContain(`Figures drawn at this release, on ${notAfterToday(DAY_3)}.`);
  });

  it('/releases lists every release, newest first, and the JSON says where figures come from', async () => {
    const list = (await get('/releases')).body;
    expect(list.indexOf('href="/releases/3"')).toBeLessThan(list.indexOf('href="/releases/1"'));
    const json = (await get('/api/v1/releases')).json() as { releases: { sequence: number; figuresFrom: number; figuresUpdatedOn: string; url: string }[] };
    expect(json.releases.map((r) => [r.sequence, r.figuresFrom, r.figuresUpdatedOn])).toEqual([
      [1, 1, DAY_1],
      [2, 1, DAY_1],
      [3, 3, notAfterToday(DAY_3)],
    ]);
    expect(json.releases[0]!.url).toBe(`${ORIGIN}/releases/1`);
    const one = (await get('/api/v1/releases/1')).json() as { citation: string; stories: { status: string; title?: string }[] };
    expect(one.citation).toBe(`Offscript, release 1, ${DAY_1}, ${ORIGIN}/releases/1`);
    expect(one.stories.filter((s) => s.status === 'retracted')).toEqual([{ slug: expect.any(String), status: 'retracted' }]);
  });

  it.each(['/releases/abc', '/releases/0', '/releases/-1', '/releases/1.5', '/releases/01', '/releases/abc/statistics.csv', '/api/v1/releases/x'])(
    '%s is a 400 that names the release number',
    async (url) => {
      const response = await get(url);
      expect(response.statusCode).toBe(400);
      expect(response.headers['content-disposition']).toBeUndefined();
      expect(response.body).toContain('release number');
    },
  );

  it.each(['/releases/99', '/releases/99/statistics.csv', '/releases/99/codebook.md', '/releases/99/citation.txt'])('%s is a 404, not a download', async (url) => {
    const response = await get(url);
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-disposition']).toBeUndefined();
  });

  it('the Atom feed links each entry to its release; /stats and /about link the releases', async () => {
    const feed = parseAtomFeed((await get('/feed.atom')).body);
    const { slug } = await t.database.db.selectFrom('stories').select('slug').where('title', '=', 'Third story 1').executeTakeFirstOrThrow();
    const entry = feed.entries!.find((e) => e.links?.some((link) => link.href === `${ORIGIN}/stories/${slug}`))!;
    expect(entry.links).toContainEqual(expect.objectContaining({ rel: 'related', href: `${ORIGIN}/releases/3` }));
    expect((await get('/stats')).body).toContain('href="/releases/3"');
    expect((await get('/about')).body).toContain('href="/releases"');
  });
});

describe('/stats contents', () => {
  it('has a table of contents linking an anchor per table, each with a way back', async () => {
    const page = (await get('/stats')).body;
    const contents = page.slice(page.indexOf('<nav class="contents"'), page.indexOf('</nav>', page.indexOf('<nav class="contents"')));
    expect([...contents.matchAll(/href="#([a-z_]+)"/g)].map((m) => m[1])).toEqual([...STATISTICS_TABLE_IDS]);
    for (const id of STATISTICS_TABLE_IDS) expect(page).toContain(`id="${id}"`);
    expect(page.match(/<a href="#contents">Back to contents<\/a>/g)).toHaveLength(STATISTICS_TABLE_IDS.length);
  });
});

describe('/api/docs', () => {
  it('is the rendered reference for browsers, and the OpenAPI JSON for programs, also at /api/docs/json', async () => {
    const page = await get('/api/docs', { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers.vary).toContain('accept');
    expect(page.body).toContain('id="swagger-ui"');
    // The site's CSP, unchanged: no exception for this page.
    expect(page.headers['content-security-policy']).toBe((await get('/stats')).headers['content-security-policy']);
    expect(page.body).toContain('href="/api/docs/json"');
    expect(page.body).toContain('<code>GET /api/v1/releases/{n}</code>');
    for (const accept of [undefined, '*/*', 'application/json']) {
      const json = await get('/api/docs', accept ? { accept } : {});
      expect(json.headers['content-type']).toMatch(/^application\/json/);
      expect((json.json() as { openapi: string }).openapi).toMatch(/^3\./);
    }
    const document = (await get('/api/docs/json')).json() as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/api/v1/releases', '/api/v1/releases/{n}', '/api/v1/stats', '/api/v1/stories']));
  });
});
