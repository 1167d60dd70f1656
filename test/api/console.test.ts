// The moderators' console (issue 16) through its API: claims, read-only opening, the queue's
// filters and markers, identifier marks refused on the server, questions kept for the team,
// and "what you approve is what is published" up to the release.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBase64, toBase64 } from '../../common/protocol/encoding.js';
import { openMessageWithAnyKey, sealMessage } from '../../common/protocol/envelope.js';
import { currentIntakeKey } from '../../server/intake/service.js';
import { releaseDueBatch } from '../../server/publishing/release.js';
import { todayUtc } from '../../server/db/day.js';
import { startTestApp, type TestApp, TEST_ORIGIN as ORIGIN } from '../support/app.js';
import { askAsModerator, postJson, submitAsSource } from '../support/followup.js';
import { call, enrolViaApi, logInViaApi, s, type TestModerator } from '../support/moderation.js';
import { BASE_FACETS, draftStory, firstOfMonthAfter, insertStatisticsAccounts, NOISELESS, submitSealed } from '../support/publishing.js';
import type { BoxKeyPair } from '../../common/protocol/envelope.js';
import { BACKGROUND_REQUEST_HEADER } from '../../common/moderation/background-request.js';
import { SESSION_IDLE_MS } from '../../server/moderation/session-service.js';

const K_MIN = 11;
const RULES = { kMin: K_MIN, batchMin: 1, batchDelayDays: 0 };
// Scheduled statistics refreshes (continual release): the 1st of next month, and of the month after.
const MONTH_1 = firstOfMonthAfter(todayUtc());
const MONTH_2 = firstOfMonthAfter(MONTH_1);
const FACETS = { ...BASE_FACETS, consent: 'quote' };
const STORY = { title: 'Graded by a bot', body: 'We rated answers all night.', pullQuotes: [], attributionLabel: 'hollywood_writer' };

let t: TestApp;
let alice: TestModerator;
let bob: TestModerator;
let intake: BoxKeyPair;

beforeAll(async () => {
  t = await startTestApp({ PUBLIC_ORIGIN: ORIGIN, K_MIN: String(K_MIN) });
  intake = (await enrolViaApi(t.app, t.database.db, 'alice', 'administrator', { createIntakeKey: true })).intake!;
  alice = await logInViaApi(t.app, 'alice', 'alice lantern orbit meadow', ORIGIN);
  await enrolViaApi(t.app, t.database.db, 'bob', 'moderator');
  bob = await logInViaApi(t.app, 'bob', 'bob lantern orbit meadow', ORIGIN);
  // Bob holds the intake key too, as after an administrator's grant.
  const [grant] = await t.database.db.selectFrom('intake_key_grants').selectAll().execute();
  const bobRow = await t.database.db.selectFrom('moderators').select(['id', 'box_public_key']).where('handle', '=', 'bob').executeTakeFirstOrThrow();
  const wrapped = s.crypto_box_seal(intake.privateKey, bobRow.box_public_key!);
  await t.database.db.insertInto('intake_key_grants').values({ intake_key_id: grant!.intake_key_id, moderator_id: bobRow.id, wrapped_secret_key: wrapped }).execute();
});
afterAll(async () => t?.close());

const submission = async (id: string) => t.database.db.selectFrom('submissions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const auditActions = async () =>
  (await t.database.db.selectFrom('audit_log').select('entry').orderBy('seq').execute()).map(
    (r) => JSON.parse(r.entry) as { action: string; subject?: { id: string }; details?: Record<string, unknown> },
  );
const queue = async (who: TestModerator, query: string) => call(t.app, who, 'GET', `/mod/api/submissions${query}`);

describe('claims', () => {
  it('opening is read-only; Start review claims; another moderator is refused until they take it over deliberately', async () => {
    const id = await submitSealed(t.app, t.database.db);
    const entriesBefore = (await auditActions()).length;
    expect((await call(t.app, alice, 'GET', `/mod/api/submissions/${id}`)).json()).toMatchObject({ status: 'received', statusText: 'received', claim: null });
    expect((await t.app.inject({ url: `/mod/submissions/${id}`, cookies: alice.cookies })).statusCode).toBe(200);
    expect(await submission(id)).toMatchObject({ status: 'received', claimed_by: null, review_started_on: null });
    expect((await auditActions()).length).toBe(entriesBefore);

    const claimed = await call(t.app, alice, 'POST', `/mod/api/submissions/${id}/claim`, {});
    expect(claimed.statusCode, claimed.body).toBe(200);
    expect(claimed.json()).toMatchObject({ status: 'in_review', statusText: 'in review', claim: { id: alice.id, handle: 'alice' } });
    expect((await auditActions()).at(-1)).toMatchObject({ action: 'submission.claimed', subject: { id } });

    // Everyone sees who has what.
    const seenByBob = (await queue(bob, '?status=in_review')).json() as { items: { id: string; claimedBy: string | null; claimedByMe: boolean }[] };
    expect(seenByBob.items.find((i) => i.id === id)).toMatchObject({ claimedBy: 'alice', claimedByMe: false });

    const refused = await call(t.app, bob, 'POST', `/mod/api/submissions/${id}/claim`, {});
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ error: { code: 'claimed_by_other' } });
    expect(refused.json().error.message).toContain('alice is reviewing');
    expect((await call(t.app, bob, 'POST', `/mod/api/submissions/${id}/reject`, { reason: 'x' })).statusCode).toBe(409);
    expect((await call(t.app, bob, 'POST', `/mod/api/submissions/${id}/release`, {})).statusCode).toBe(409);
    expect((await submission(id)).claimed_by).toBe(alice.id);

    const takenOver = await call(t.app, bob, 'POST', `/mod/api/submissions/${id}/claim`, { takeOver: true });
    expect(takenOver.statusCode).toBe(200);
    expect(takenOver.json()).toMatchObject({ claim: { handle: 'bob' } });
    expect((await auditActions()).at(-1)).toMatchObject({ action: 'submission.taken_over', details: { from: 'alice' } });

    const released = await call(t.app, bob, 'POST', `/mod/api/submissions/${id}/release`, {});
    expect(released.json()).toMatchObject({ status: 'in_review', claim: null });
    expect((await auditActions()).at(-1)).toMatchObject({ action: 'submission.released' });
  });

  it('filters the queue by status and claim, refuses unknown filters, and marks questions and answers', async () => {
    const key = (await currentIntakeKey(t.database.db))!;
    const source = await submitAsSource(t.app, t.database.db, key);
    await askAsModerator(t.app, alice, source.submissionId, 'Which platform?');
    const mine = (await queue(alice, '?status=undecided&claim=mine')).json() as {
      items: { id: string; questionPending: boolean; sourceReplied: boolean; daysWaiting: number; statusText: string }[];
    };
    expect(mine.items.find((i) => i.id === source.submissionId)).toMatchObject({ questionPending: true, sourceReplied: false, daysWaiting: 0, statusText: 'waiting for the source' });
    expect(((await queue(bob, '?claim=mine')).json() as { items: { id: string }[] }).items.map((i) => i.id)).not.toContain(source.submissionId);
    expect(((await queue(bob, '?claim=others')).json() as { items: { id: string }[] }).items.map((i) => i.id)).toContain(source.submissionId);

    const answer = toBase64(s, sealMessage(s, 'Outlier.', key.publicKey));
    expect((await postJson(t.app, '/api/v1/messages', { lookupToken: source.lookupToken, ciphertext: answer })).statusCode).toBe(201);
    const after = (await queue(alice, '?claim=mine')).json() as { items: { id: string; questionPending: boolean; sourceReplied: boolean }[] };
    expect(after.items.find((i) => i.id === source.submissionId)).toMatchObject({ questionPending: false, sourceReplied: true });

    for (const query of ['?claim=somebody', '?status=open', '?sort=days']) {
      const bad = await queue(alice, query);
      expect(bad.statusCode, query).toBe(400);
      expect((await t.app.inject({ url: `/mod${query}`, cookies: alice.cookies })).statusCode, query).toBe(400);
    }
    const page = await t.app.inject({ url: '/mod?claim=mine', cookies: alice.cookies });
    expect(page.body).toContain('source replied');
    // The API gives the tabs' counts too, so that the page can refresh them in place.
    const { counts } = (await queue(alice, '')).json() as { counts: Record<string, number> };
    expect(counts.undecided).toBe(counts.received! + counts.in_review! + counts.needs_info!);
    expect(counts.undecided).toBeGreaterThan(0);
    expect(page.body).toContain(`to decide (<span data-queue-count="undecided">${counts.undecided}</span>)`);
    expect(page.body).not.toContain('>Open<');
    expect(page.body).not.toMatch(/>(in_review|needs_info)</);
  });
});

describe('identifier marks', () => {
  it('Accept is refused while the console reports unresolved marks; dismissed marks are counted in the audit log, never their text', async () => {
    const id = await submitSealed(t.app, t.database.db);
    await call(t.app, alice, 'POST', `/mod/api/submissions/${id}/claim`, {});
    const refused = await call(t.app, alice, 'POST', `/mod/api/submissions/${id}/accept`, { facets: FACETS, story: { ...STORY, identifierMarks: { unresolved: 2, dismissed: 1 } } });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ error: { code: 'unresolved_identifiers', message: expect.stringContaining('2 likely identifiers are still marked') } });
    expect(await submission(id)).toMatchObject({ status: 'in_review' });
    expect(await t.database.db.selectFrom('pending_accounts').selectAll().execute()).toEqual([]);
    // A draft without the console's report is refused too.
    expect((await call(t.app, alice, 'POST', `/mod/api/submissions/${id}/accept`, { facets: FACETS, story: STORY })).statusCode).toBe(400);

    const accepted = await call(t.app, alice, 'POST', `/mod/api/submissions/${id}/accept`, { facets: FACETS, story: { ...STORY, identifierMarks: { unresolved: 0, dismissed: 2 } } });
    expect(accepted.statusCode, accepted.body).toBe(200);
    const entry = (await auditActions()).find((e) => e.action === 'story.submitted_for_review');
    // No subject: beside the acceptance's entry, a story id would link the story to the submission.
    expect(entry?.subject).toBeUndefined();
    expect(entry?.details).toEqual({ dismissedIdentifierMarks: 2 });
  });
});

describe('questions', () => {
  it('are sealed to the intake key as well, so that the team re-reads them; the source never gets that copy', async () => {
    const key = (await currentIntakeKey(t.database.db))!;
    const source = await submitAsSource(t.app, t.database.db, key);
    await askAsModerator(t.app, alice, source.submissionId, 'Which platform was it?');
    const view = (await call(t.app, bob, 'GET', `/mod/api/submissions/${source.submissionId}`)).json() as { messages: { direction: string; intakeCiphertext: string | null }[] };
    const question = view.messages.find((m) => m.direction === 'to_source')!;
    expect(openMessageWithAnyKey(s, fromBase64(s, question.intakeCiphertext!), [intake]).body).toBe('Which platform was it?');
    const status = await postJson(t.app, '/api/v1/status', { lookupToken: source.lookupToken });
    expect(status.body).not.toContain(question.intakeCiphertext!);
    expect(status.body).not.toContain('intakeCiphertext');
  });
});

describe('what the second reviewer approves is what is published', () => {
  const preview = (facets: Record<string, unknown>, attributionLabel: string) => call(t.app, alice, 'POST', '/mod/api/publication-preview', { facets, attributionLabel });

  it('previews the attribution and tags as the release computes them, with the reason for each fallback', async () => {
    const few = await preview({ ...FACETS, role: 'vfx_animation', platforms: ['appen'] }, 'film_tv_crew');
    expect(few.statusCode, few.body).toBe(200);
    expect(few.json()).toMatchObject({
      attribution: 'anonymous_contributor',
      attributionText: 'Anonymous contributor',
      attributionReason: expect.stringContaining(`fewer than ${K_MIN} accounts share this label today`),
      publication: { attribution: 'anonymous_contributor', tags: { platforms: [], roles: [] } },
    });
    expect(few.json().tags).toContainEqual({ kind: 'platforms', key: 'appen', label: 'Appen', published: false, reason: `fewer than ${K_MIN} accounts share this label today` });
    // Tags and labels read the latest statistics refresh's noisy counts, never exact ones: K_MIN
    // more accounts change nothing until a scheduled refresh (here without noise) counts them.
    await insertStatisticsAccounts(t.database.db, K_MIN, { role: 'vfx_animation', platforms: ['appen'] });
    expect((await preview({ ...FACETS, role: 'vfx_animation', platforms: ['appen'] }, 'film_tv_crew')).json()).toMatchObject({ attribution: 'anonymous_contributor' });
    await releaseDueBatch(t.database.db, { ...RULES, ...NOISELESS, batchDelayDays: 10_000, refreshWithoutStories: true }, MONTH_1);
    const enough = (await preview({ ...FACETS, role: 'vfx_animation', platforms: ['appen'] }, 'film_tv_crew')).json();
    expect(enough).toMatchObject({ attribution: 'film_tv_crew', attributionReason: null, publication: { tags: { platforms: ['appen'], roles: ['vfx_animation'] } } });
    expect((await preview({ ...FACETS, platforms: ['openai'] }, 'film_tv_crew')).statusCode).toBe(400);
    expect((await preview(FACETS, 'Dana')).statusCode).toBe(400);
  });

  it('a release that would publish other attribution or tags sends the story back to review; re-approved, it publishes what was approved', async () => {
    const facets = { ...BASE_FACETS, role: 'actor', platforms: ['invisible'] };
    const storyId = await draftStory(t.app, t.database.db, alice, { ...STORY, attributionLabel: 'performer' }, facets);
    const state = (await call(t.app, bob, 'GET', `/mod/api/stories/${storyId}/state`)).json() as {
      publication: { publication: { attribution: string; tags: object } };
      canReview: boolean;
      statusText: string;
    };
    expect(state).toMatchObject({ canReview: true, statusText: 'awaiting a second review', publication: { publication: { attribution: 'anonymous_contributor' } } });
    const reviewPage = await t.app.inject({ url: `/mod/stories/${storyId}`, cookies: bob.cookies });
    expect(reviewPage.body).toContain(`fewer than ${K_MIN} accounts share this label today`);

    // What the reviewer saw must still hold when they approve.
    const stale = await call(t.app, bob, 'POST', `/mod/api/stories/${storyId}/approve`, { seen: { attribution: 'performer', tags: {} } });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ error: { code: 'publication_changed' } });
    const approved = await call(t.app, bob, 'POST', `/mod/api/stories/${storyId}/approve`, { seen: state.publication.publication });
    expect(approved.statusCode, approved.body).toBe(200);
    const row = await t.database.db.selectFrom('stories').selectAll().where('id', '=', storyId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'approved', approved_attribution: 'anonymous_contributor' });

    // Enough performers arrive, and a scheduled refresh counts them before the release (with no
    // story due): the release would publish "Anonymous performer" and new tags.
    await insertStatisticsAccounts(t.database.db, K_MIN, { role: 'actor', platforms: ['invisible'] });
    await releaseDueBatch(t.database.db, { ...RULES, ...NOISELESS, batchDelayDays: 10_000, refreshWithoutStories: true }, MONTH_2);
    // Other approved stories from earlier tests may be released or returned too; this one must be returned.
    await releaseDueBatch(t.database.db, RULES, MONTH_2);
    const returned = await t.database.db.selectFrom('stories').selectAll().where('id', '=', storyId).executeTakeFirstOrThrow();
    expect(returned).toMatchObject({ status: 'awaiting_second_review', published_attribution: null, slug: null });
    expect(returned.review_note).toContain('review them again');
    expect((await auditActions()).find((e) => e.action === 'story.returned_at_release' && e.subject?.id === storyId)).toBeDefined();
    expect((await t.app.inject({ url: '/mod/stories', cookies: bob.cookies })).body).toContain('review them again');

    const again = (await call(t.app, bob, 'GET', `/mod/api/stories/${storyId}/state`)).json() as { publication: { publication: { attribution: string; tags: object } } };
    expect(again.publication.publication).toMatchObject({ attribution: 'performer', tags: { roles: ['actor'], platforms: ['invisible'] } });
    expect((await call(t.app, bob, 'POST', `/mod/api/stories/${storyId}/approve`, { seen: again.publication.publication })).statusCode).toBe(200);
    await releaseDueBatch(t.database.db, RULES, MONTH_2);
    const published = await t.database.db.selectFrom('stories').selectAll().where('id', '=', storyId).executeTakeFirstOrThrow();
    expect(published).toMatchObject({ status: 'published', published_attribution: 'performer' });
    expect(published.public_tags).toMatchObject(again.publication.publication.tags);
  });
});

describe('the audit page', () => {
  it('names each action, subject and detail in words, and keeps the action’s key for whoever greps', async () => {
    const id = await submitSealed(t.app, t.database.db);
    expect((await call(t.app, alice, 'POST', `/mod/api/submissions/${id}/claim`, {})).statusCode).toBe(200);
    expect((await call(t.app, bob, 'POST', `/mod/api/submissions/${id}/claim`, { takeOver: true })).statusCode).toBe(200);
    const page = await t.app.inject({ url: '/mod/audit', cookies: alice.cookies });
    expect(page.statusCode).toBe(200);
    const row = page.body.match(/<tr data-action="submission\.taken_over">.*?<\/tr>/)?.[0];
    expect(row).toContain('<span title="submission.taken_over">Review taken over</span>');
    expect(row).toContain(`Submission ${id.slice(0, 8)}`);
    expect(row).toContain(`title="${id}"`);
    expect(row).toContain('taken over from: alice');
    expect(page.body).toContain('<span title="session.login">Logged in</span>');
    // No cell shows a raw key.
    expect(page.body).not.toMatch(/<td>[a-z_]+\.[a-z_]+<\/td>/);
  });
});

describe("the queue's own refreshes", () => {
  it('do not count as activity: an open, unattended queue still reaches the idle limit; a click does', async () => {
    await enrolViaApi(t.app, t.database.db, 'dora', 'moderator');
    const dora = await logInViaApi(t.app, 'dora', 'dora lantern orbit meadow', ORIGIN);
    const idle = (minutes: number) =>
      t.database.db
        .updateTable('sessions')
        .set({ last_seen_at: new Date(Date.now() - minutes * 60_000) })
        .where('moderator_id', '=', dora.id)
        .execute();
    const lastSeen = async () => (await t.database.db.selectFrom('sessions').select('last_seen_at').where('moderator_id', '=', dora.id).executeTakeFirstOrThrow()).last_seen_at;
    const background = { [BACKGROUND_REQUEST_HEADER]: '1' };

    await idle(20);
    const before = await lastSeen();
    expect((await call(t.app, dora, 'GET', '/mod/api/submissions', undefined, background)).statusCode).toBe(200);
    expect(await lastSeen()).toEqual(before);
    // The moderator's own request does count.
    expect((await call(t.app, dora, 'GET', '/mod/api/submissions')).statusCode).toBe(200);
    expect((await lastSeen()).getTime()).toBeGreaterThan(before.getTime());

    await idle(SESSION_IDLE_MS / 60_000 + 1);
    const refreshed = await call(t.app, dora, 'GET', '/mod/api/submissions', undefined, background);
    expect(refreshed.statusCode).toBe(401);
    expect(await t.database.db.selectFrom('sessions').select('moderator_id').where('moderator_id', '=', dora.id).execute()).toEqual([]);
  });
});
