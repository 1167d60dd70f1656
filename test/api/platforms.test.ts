// /platforms and /platforms/:key (DESIGN §5, §8), and version-2 facets at acceptance: a
// platform's scorecard appears only once its line holds at least K_MIN accounts; unknown keys
// are 404; bad version-2 facets are a 400 naming the field and change nothing.
import { parseAtomFeed } from 'feedsmith';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { todayUtc } from '../../server/db/day.js';
import { accountRow, type Facets } from '../../server/moderation/queue-service.js';
import { releaseDueBatch } from '../../server/publishing/release.js';
import { startTestApp, type TestApp, TEST_ORIGIN as ORIGIN } from '../support/app.js';
import { call, enrolAuthorAndReviewer, type TestModerator } from '../support/moderation.js';
import { approvedStory, NOISELESS, submitSealed, submitSealedWithTag, tagHash } from '../support/publishing.js';

const K = 11;
let t: TestApp;
let author: TestModerator;
let reviewer: TestModerator;

const VERSION_2: Facets = {
  platforms: ['outlier'],
  taskTypes: ['writing_prompts'],
  payBand: '20_39',
  conditions: { told_data_use: 'no' },
  consent: 'stats',
  accountVersion: 2,
  facts: { advertisedPayBand: '40_59', paidShare: 'less_than_half', monitoring: 'yes', deactivated: 'yes', appealPossible: 'no' },
  halfYear: '2025-H2',
};

beforeAll(async () => {
  t = await startTestApp({ PUBLIC_ORIGIN: ORIGIN, K_MIN: String(K), BATCH_MIN: '1', BATCH_DELAY_DAYS: '0' });
  ({ author, reviewer } = await enrolAuthorAndReviewer(t.app, t.database.db, ORIGIN));
});
afterAll(async () => t?.close());

const accountCount = async () =>
  Number(
    (
      await t.database.db
        .selectFrom('accounts')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('version-2 facets at acceptance', () => {
  it.each([
    ['an unknown answer', { facts: { paidShare: 'nearly' } }, 'paidShare'],
    ['an unknown question', { facts: { salary: '100' } }, 'salary'],
    ['a half-year in the future', { halfYear: `${new Date().getUTCFullYear() + 1}-H2` }, 'halfYear cannot be in the future'],
    ['a half-year before 2018', { halfYear: '2016-H2' }, 'halfYear cannot be before 2018'],
    ['a date where a half-year belongs', { halfYear: '2025-11-02' }, 'never a date'],
    ['answers on a version-1 account', { accountVersion: 1 }, 'version-1 account was never asked'],
    ['a 2026 answer on a version-2 account', { facts: { location: 'canada' } }, 'first asked by version 3 of the form'],
    ['a location finer than a country or US-state group', { accountVersion: 3, facts: { location: 'los_angeles' } }, 'location'],
  ])('refuses %s with a 400 naming it, and stores nothing', async (_name, change, message) => {
    const id = await submitSealed(t.app, t.database.db);
    const before = await accountCount();
    const response = await call(t.app, author, 'POST', `/mod/api/submissions/${id}/accept`, { facets: { ...VERSION_2, ...change } });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain(message);
    expect(await accountCount()).toBe(before);
    const submission = await t.database.db.selectFrom('submissions').select('status').where('id', '=', id).executeTakeFirstOrThrow();
    expect(submission.status).not.toBe('accepted');
  });

  it('stores the version, the answers with the facts derived from them, and the half-year', async () => {
    const { id, withdrawalTag } = await submitSealedWithTag(t.app, t.database.db);
    const response = await call(t.app, author, 'POST', `/mod/api/submissions/${id}/accept`, { facets: VERSION_2, withdrawalTag });
    expect(response.statusCode).toBe(200);
    // Waiting for a release to count it, found by the receipt's tag: nothing links it to the submission.
    const row = await t.database.db.selectFrom('pending_accounts').selectAll().where('withdrawal_tag_hash', '=', tagHash(withdrawalTag)).executeTakeFirstOrThrow();
    expect(row.account_version).toBe(2);
    expect(row.half_year).toBe('2025-H2');
    expect(row.facts).toEqual({ ...VERSION_2.facts, payAgainstAdvertised: 'below', deactivation: 'no_appeal' });
  });
});

describe('version-3 facets at acceptance', () => {
  it('stores a version-3 account with its 2026 answers, and the tallies count them', async () => {
    const { id, withdrawalTag } = await submitSealedWithTag(t.app, t.database.db);
    const facts = { ...VERSION_2.facts, aiInterview: 'yes', toldOfBreach: 'not_told', classification: 'agency_temp', location: 'us_federal' };
    const response = await call(t.app, author, 'POST', `/mod/api/submissions/${id}/accept`, { facets: { ...VERSION_2, accountVersion: 3, facts }, withdrawalTag });
    expect(response.statusCode).toBe(200);
    const row = await t.database.db.selectFrom('pending_accounts').selectAll().where('withdrawal_tag_hash', '=', tagHash(withdrawalTag)).executeTakeFirstOrThrow();
    expect(row.account_version).toBe(3);
    expect(row.facts).toMatchObject({ toldOfBreach: 'not_told', location: 'us_federal' });
  });
});

describe('/platforms', () => {
  it('shows a platform only once at least K_MIN accounts name it; unknown keys are 404', async () => {
    const db = t.database.db;
    // Outlier: 30 version-2 accounts (+1 accepted above, +1 version 3 above, +1 story); Turing 15; Mercor 5; Appen: 20 from before version 2.
    await db
      .insertInto('accounts')
      .values(Array.from({ length: 30 }, () => accountRow(VERSION_2, todayUtc())))
      .execute();
    await db
      .insertInto('accounts')
      .values(Array.from({ length: 15 }, () => accountRow({ ...VERSION_2, platforms: ['turing'] }, todayUtc())))
      .execute();
    await db
      .insertInto('accounts')
      .values(Array.from({ length: 5 }, () => accountRow({ ...VERSION_2, platforms: ['mercor'] }, todayUtc())))
      .execute();
    const v1: Facets = { platforms: ['appen'], taskTypes: [], payBand: '20_39', conditions: { told_data_use: 'yes' }, consent: 'stats' };
    await db
      .insertInto('accounts')
      .values(Array.from({ length: 20 }, () => accountRow(v1, todayUtc())))
      .execute();
    await approvedStory(t.app, db, { author, reviewer }, { title: 'Ten hours for five', body: 'The tracker missed half of it.' }, { ...VERSION_2, consent: 'quote' });
    const batch = await releaseDueBatch(db, { kMin: K, batchMin: 1, batchDelayDays: 0, ...NOISELESS });
    expect(batch?.statisticsRefreshed).toBe(true);

    const list = (await t.app.inject({ url: '/api/v1/platforms' })).json() as { kMin: number; platforms: { key: string; accounts: { count: number } }[] };
    expect(list.kMin).toBe(K);
    // Mercor's 5 accounts: no scorecard. Turing's 15 get one, though its total is withheld in the
    // tables (the complement that keeps Mercor's small count from being worked out).
    expect(list.platforms.map((p) => p.key)).toEqual(['outlier', 'turing', 'appen']);
    expect(list.platforms[0]!.accounts).toEqual({ count: 33, status: 'shown', margin: 0 });

    type Column = { hasScorecard: boolean; questions: { key: string; asked: string; cell: { state: string; says: { count: number | null }; text: string; words: string } }[] };
    const column = async (key: string) => (await t.app.inject({ url: `/api/v1/platforms/${key}` })).json() as Column;
    const outlier = await column('outlier');
    expect(outlier.hasScorecard).toBe(true);
    const cellOf = (c: Column, key: string) => c.questions.find((q) => q.key === key)!.cell;
    // Every Outlier account gave the same answers: 33 below the advertised band, shown; who answered
    // adds a column no one chose (a noisy 0 is never shown), so it stays hidden, and the cell says so.
    expect(cellOf(outlier, 'paid_below_advertised')).toMatchObject({ state: 'shown', says: { count: 33 }, words: '33; how many answered is withheld to protect another figure' });
    // A question none of them answered: hidden, naming why.
    expect(['fewer_than_k', 'withheld']).toContain(cellOf(outlier, 'ended_without_notice').state);
    for (const q of outlier.questions) expect(q.cell.text, q.key).toContain(`Outlier, “${q.asked}”`);
    // Appen's accounts predate the questions: never counted as answers. (Here the complement that
    // protects Mercor's 5 hides Appen's "not asked" count too, so the cell reads as hidden.)
    const appen = await column('appen');
    for (const key of ['paid_below_advertised', 'not_paid_all_time', 'deactivated_without_appeal', 'monitoring']) {
      expect(['not_asked', 'fewer_than_k', 'withheld'], key).toContain(cellOf(appen, key).state);
    }

    const mercor = await column('mercor');
    expect(mercor.hasScorecard).toBe(false);
    expect(mercor.questions.every((q) => q.cell.state === 'platform_fewer_than_k' && q.cell.says.count === null)).toBe(true);

    const page = (await t.app.inject({ url: '/platforms' })).body;
    expect(page).toContain('href="/platforms/outlier"');
    expect(page).not.toContain('href="/platforms/mercor"');
    const outlierPage = await t.app.inject({ url: '/platforms/outlier' });
    expect(outlierPage.statusCode).toBe(200);
    expect(outlierPage.body).toContain('Notice and stability');
    const mercorPage = await t.app.inject({ url: '/platforms/mercor' });
    expect(mercorPage.statusCode).toBe(200);
    expect(mercorPage.body).toContain('Mercor has no column in the scorecard');
    // Its page still names every question it would be scored on, and no figure of it.
    for (const q of mercor.questions) expect(mercorPage.body).toContain(q.asked.replaceAll("'", '&#x27;'));
    expect(mercorPage.body).not.toContain('5 accounts');

    const csv = (await t.app.inject({ url: '/platforms.csv' })).body;
    expect(csv).toContain('outlier,,accounts,shown,33,0');
    expect(csv).toContain('outlier,notice_and_stability,deactivated_without_appeal,');
    expect(csv).not.toMatch(/^mercor,/m);

    // The Atom feed's release entry carries the same cells.
    const feed = parseAtomFeed((await t.app.inject({ url: '/feed.atom' })).body);
    const release = feed.entries?.find((e) => e.title?.value === `Release ${batch!.sequence}: platform scorecards`);
    expect(release?.content?.value).toContain('Paid for all work — Outlier, “How much of the time you worked was paid”');
    // No Mercor column (the breach question names Mercor, so look for its cells).
    expect(release?.content?.value).not.toContain('— Mercor, “');

    for (const url of ['/platforms/openai', '/api/v1/platforms/openai']) {
      const response = await t.app.inject({ url });
      expect(response.statusCode, url).toBe(404);
    }
    expect((await t.app.inject({ url: '/api/v1/platforms/openai' })).json()).toMatchObject({ error: { code: 'unknown_platform' } });
    expect((await t.app.inject({ url: '/about' })).body).toContain('id="scorecard"');
  });
});
