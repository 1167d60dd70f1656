// The verification tier (issue 18): recorded at acceptance over a submission's attached files,
// approved with the story, then published on the story page, in the JSON API and in the CSV; the
// statistics count accounts by tier over all accounts (migration 0016), in every format.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SealedAttachment } from '../../common/protocol/attachment.js';
import { documentKinds } from '../../common/vocabulary.js';
import { admitPendingAccounts } from '../../server/publishing/pending-accounts.js';
import { releaseDueBatch } from '../../server/publishing/release.js';
import { STORIES_CSV_HEADER } from '../../server/publishing/stories.js';
import { startTestApp, type TestApp, TEST_ORIGIN as ORIGIN } from '../support/app.js';
import { sealFiles, submitWithFiles } from '../support/attachments.js';
import { call, enrolAuthorAndReviewer, type TestModerator } from '../support/moderation.js';
import type { PublishedStatistics } from '../../server/publishing/schemas.js';
import { COUNTS_ONE_ACCOUNT_MOVES } from '../../server/publishing/statistics.js';
import { BASE_FACETS, firstOfMonthAfter, insertStatisticsAccounts, NOISELESS, submitSealed } from '../support/publishing.js';
import { todayUtc } from '../../server/db/day.js';

let t: TestApp;
let author: TestModerator;
let reviewer: TestModerator;
let files: SealedAttachment[];

beforeAll(async () => {
  t = await startTestApp({ PUBLIC_ORIGIN: ORIGIN, K_MIN: '11', BATCH_MIN: '2', BATCH_DELAY_DAYS: '0' });
  ({ author, reviewer } = await enrolAuthorAndReviewer(t.app, t.database.db, ORIGIN));
  files = await sealFiles(new Uint8Array(50_000).fill(7));
});
afterAll(async () => t?.close());

/** A submission whose account carries one attached file; returns its id. */
const submitWithFile = (): Promise<string> => submitWithFiles(t.app, t.database.db, files);

const acceptance = (title: string, verification?: unknown) => ({
  facets: { ...BASE_FACETS, consent: 'quote' },
  story: { title, body: `${title}: the body.`, pullQuotes: [], attributionLabel: 'hollywood_writer', identifierMarks: { unresolved: 0, dismissed: 0 } },
  ...(verification === undefined ? {} : { verification }),
});

async function acceptAndApprove(id: string, title: string, verification?: unknown): Promise<void> {
  const accepted = await call(t.app, author, 'POST', `/mod/api/submissions/${id}/accept`, acceptance(title, verification));
  expect(accepted.statusCode, accepted.body).toBe(200);
  const storyId = accepted.json<{ storyId: string }>().storyId;
  // The second reviewer sees the tier as it will be published, and approves it with the rest.
  const review = await t.app.inject({ url: `/mod/stories/${storyId}`, cookies: reviewer.cookies });
  expect(review.statusCode).toBe(200);
  expect(review.body).toContain(verification === undefined ? 'No verification tier: the story says nothing about documents.' : 'A moderator saw documents supporting this account: ');
  const approved = await call(t.app, reviewer, 'POST', `/mod/api/stories/${storyId}/approve`, {});
  expect(approved.statusCode, approved.body).toBe(200);
}

const accountCount = async () =>
  Number(
    (
      await t.database.db
        .selectFrom('accounts')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('verification tier', () => {
  it('offers one checkbox per kind of document inside the acceptance form', async () => {
    const id = await submitWithFile();
    const page = await t.app.inject({ url: `/mod/submissions/${id}`, cookies: author.cookies });
    expect(page.statusCode).toBe(200);
    const extras = page.body.slice(page.body.indexOf('<div id="acceptance-extras">'), page.body.indexOf('id="accept-button"'));
    expect(extras).toContain('A moderator saw documents supporting this account');
    for (const kind of documentKinds.keys) expect(extras).toContain(`name="verification-documentKinds" value="${kind}"`);
  });

  it('refuses an unknown kind of document, naming the field, and stores nothing', async () => {
    const id = await submitWithFile();
    const before = await accountCount();
    const refused = await call(t.app, author, 'POST', `/mod/api/submissions/${id}/accept`, acceptance('Refused', { documentKinds: ['pay_record', 'selfie'] }));
    expect(refused.statusCode, refused.body).toBe(400);
    const { error } = refused.json<{ error: { code: string; message: string; details: { field: string } } }>();
    expect(error.code).toBe('unknown_facet');
    expect(error.details.field).toBe('verification.documentKinds');
    expect(error.message).toContain('verification.documentKinds');
    expect(await accountCount()).toBe(before);
    const submission = await t.database.db.selectFrom('submissions').select('status').where('id', '=', id).executeTakeFirstOrThrow();
    expect(submission.status).not.toBe('accepted');
    // An empty list is not a tier either: the schema names the field.
    const empty = await call(t.app, author, 'POST', `/mod/api/submissions/${id}/accept`, acceptance('Refused', { documentKinds: [] }));
    expect(empty.statusCode, empty.body).toBe(400);
    expect(empty.body).toContain('documentKinds');
  });

  it('refuses a tier on a submission without attached files (409), storing nothing', async () => {
    const id = await submitSealed(t.app, t.database.db);
    const before = await accountCount();
    const refused = await call(t.app, author, 'POST', `/mod/api/submissions/${id}/accept`, acceptance('No files', { documentKinds: ['contract'] }));
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.json<{ error: { code: string } }>().error.code).toBe('verification_without_files');
    expect(await accountCount()).toBe(before);
  });

  it('publishes the tier on the story page, in the JSON API and in the CSV; a story without it says nothing about documents', async () => {
    const withTier = await submitWithFile();
    // Ticked out of order and twice: published once each, in the vocabulary's order.
    await acceptAndApprove(withTier, 'Paid late again', { documentKinds: ['platform_message', 'pay_record', 'platform_message'] });
    await acceptAndApprove(await submitWithFile(), 'Files but no tier');
    // The audit entry says a tier was recorded and which kinds: no text.
    const accepted = (await t.database.db.selectFrom('audit_log').select('entry').execute()).map((row) => row.entry).filter((entry) => entry.includes('"submission.accepted"'));
    expect(accepted.filter((entry) => entry.includes('"verificationTier":"documents_seen"'))).toEqual([expect.stringContaining('"documentKinds":["platform_message","pay_record"]')]);
    expect(await releaseDueBatch(t.database.db, { kMin: 11, batchMin: 2, batchDelayDays: 0 })).toMatchObject({ storyCount: 2 });

    const api = (await t.app.inject({ url: '/api/v1/stories' })).json<{ stories: { title: string; slug: string; verification: unknown }[] }>();
    const tiered = api.stories.find((story) => story.title === 'Paid late again')!;
    const plain = api.stories.find((story) => story.title === 'Files but no tier')!;
    const statement = 'A moderator saw documents supporting this account: a pay record and a platform message.';
    expect(tiered.verification).toEqual({ tier: 'documents_seen', documentKinds: ['pay_record', 'platform_message'], statement });
    expect(plain.verification).toBeNull();

    const tieredPage = (await t.app.inject({ url: `/stories/${tiered.slug}` })).body;
    expect(tieredPage).toContain(statement);
    const plainPage = (await t.app.inject({ url: `/stories/${plain.slug}` })).body;
    expect(plainPage).toContain('Files but no tier');
    expect(plainPage).not.toMatch(/document|verification/i);

    const csv = await t.app.inject({ url: '/stories.csv' });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body.trimEnd().split('\r\n');
    expect(lines[0]).toBe(STORIES_CSV_HEADER);
    const columns = STORIES_CSV_HEADER.split(',');
    const rows = lines.slice(1).map((line) => Object.fromEntries(line.split(',').map((cell, i) => [columns[i], cell])));
    expect(rows.find((row) => row.slug === tiered.slug)).toMatchObject({
      verification_tier: 'documents_seen',
      document_kinds: 'pay_record;platform_message',
      url: `${ORIGIN}/stories/${tiered.slug}`,
    });
    expect(rows.find((row) => row.slug === plain.slug)).toMatchObject({ verification_tier: '', document_kinds: '' });
  });

  it('counts a tier recorded at acceptance in the tallies, and publishes the split in every format under the small-cell rules', async () => {
    const { db } = t.database;
    // First, so that the stories are approved with the attribution the release will publish.
    await insertStatisticsAccounts(db, 30);
    await acceptAndApprove(await submitWithFile(), 'Contract never honoured', { documentKinds: ['contract'] });
    await acceptAndApprove(await submitWithFile(), 'No tier this time');
    // Accepted accounts wait for a release to count them; the refresh point admits them.
    await admitPendingAccounts(db);
    // The tallies agree with counting the accounts: two with documents seen (this test's and the last one's).
    const counted = await db.selectFrom('accounts').select('documents_seen').where('withdrawn_on', 'is', null).where('consent', 'in', ['quote', 'stats']).execute();
    const seen = counted.filter((a) => (a.documents_seen?.length ?? 0) > 0).length;
    expect(seen).toBe(2);
    const tiers = await db.selectFrom('account_tallies').select(['a', 'n']).where('kind', '=', 'tier').where('n', '<>', 0).orderBy('a').execute();
    expect(tiers.map((r) => [r.a, Number(r.n)])).toEqual([
      ['documents_seen', seen],
      ['none', counted.length - seen],
    ]);

    // The next scheduled refresh (the 1st of next month), without noise so that the states are known.
    expect(await releaseDueBatch(db, { kMin: 11, batchMin: 2, batchDelayDays: 0, ...NOISELESS }, firstOfMonthAfter(todayUtc()))).toMatchObject({ statisticsRefreshed: true, sequence: 2 });
    const body = (await t.app.inject({ url: '/api/v1/stats' })).json<{ statistics: PublishedStatistics }>();
    const total = { count: counted.length, status: 'shown', margin: 0 };
    // Two accounts with documents: fewer than K; the rest withheld so that 2 cannot be worked out from the total.
    expect(body.statistics.headline.verification).toEqual({
      label: 'A moderator saw supporting documents',
      documentsSeen: { count: null, status: 'fewer_than_k' },
      accounts: total,
      share: { share: null, status: 'withheld' },
      // No account backed by a signed email (issue 33): a small count too.
      verifiedEmail: { count: null, status: 'fewer_than_k' },
      verifiedEmailShare: { share: null, status: 'withheld' },
    });
    const table = body.statistics.tables.find((x) => x.id === 'verification_tier')!;
    expect(table.columns.map((c) => c.key)).toEqual(['verified_email', 'documents_seen', 'none']);
    expect(table.rowTotals).toEqual([total]);
    // Two small cells now hide each other (issue 33's tier beside documents seen): the third is shown, and neither small one can be worked out.
    expect(table.columnTotals).toEqual([
      { count: null, status: 'fewer_than_k' },
      { count: null, status: 'fewer_than_k' },
      { count: counted.length - 2, status: 'shown', margin: 0 },
    ]);
    expect(table.cells[0]!.slice(0, 2).every((f) => f.status === 'withheld')).toBe(true);

    const csv = (await t.app.inject({ url: '/stats.csv?table=verification_tier' })).body.split('\r\n');
    expect(csv).toContain('verification_tier,total,documents_seen,,fewer_than_k,"Accounts, by verification tier",Total,A moderator saw supporting documents,');
    expect(csv).toContain(`verification_tier,all,total,${counted.length},shown,"Accounts, by verification tier",All accounts,Total,0`);

    const page = (await t.app.inject({ url: '/stats' })).body;
    const section = page.slice(page.indexOf('<section class="stats-table" id="verification_tier"'));
    expect(section).toContain('<caption>Accounts, by verification tier (approximate counts)</caption>');
    expect(section.slice(0, section.indexOf('</section>'))).toContain('<span class="suppressed fewer_than_k">fewer than 11 after noise</span>');
    const landing = (await t.app.inject({ url: '/' })).body;
    expect(landing).toContain('<strong>fewer than 11 after noise</strong> accounts where a moderator saw supporting documents');

    // The bound per account counts the one count of its tier (test/unit/continual-release.test.ts
    // recomputes it from the tables), and /about states it.
    expect(body.statistics.release?.budget.countsPerAccount).toBe(COUNTS_ONE_ACCOUNT_MOVES);
    const about = (await t.app.inject({ url: '/about' })).body;
    expect(about).toContain(`${COUNTS_ONE_ACCOUNT_MOVES} counts, so by the strictest measure`);
    expect(about).toContain(`one count per tier, among the ${COUNTS_ONE_ACCOUNT_MOVES} above`);

    const codebook = (await t.app.inject({ url: '/releases/2/codebook.md' })).body;
    expect(codebook).toContain('### `verification_tier`: Accounts, by verification tier');
    expect(codebook).toContain('- `documents_seen`: A moderator saw supporting documents');
    expect(codebook).toContain('- `none`: No documents recorded');
  });
});
