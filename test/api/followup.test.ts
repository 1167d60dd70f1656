// Sources coming back (issue 5): status and timeline, messages both ways, withdrawal, and the
// no-JavaScript form, against a real database and the real HTTP stack.
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { todayUtc } from '../../server/db/day.js';
import { errorMessage } from '../../server/i18n/error-messages.js';

const UNKNOWN_RECEIPT_MESSAGE = errorMessage('unknown_receipt', undefined);
import { currentIntakeKey, type IntakeKey } from '../../server/intake/service.js';
import { verifyAuditChain } from '../../server/audit/log.js';
import { lookupTokenHash } from '../../common/protocol/digest.js';
import { fromBase64, toBase64 } from '../../common/protocol/encoding.js';
import { openMessage, sealMessage, type BoxKeyPair } from '../../common/protocol/envelope.js';
import { LARGEST_PAYLOAD } from '../../common/protocol/padding.js';
import { drawReceiptEntropy, receiptWordsFromEntropy } from '../../common/protocol/receipt.js';
import { loadSodium } from '../../common/protocol/sodium.js';
import { startTestApp, type TestApp, TEST_ORIGIN as ORIGIN } from '../support/app.js';
import { dumpAllTables } from '../support/database.js';
import { admitPendingAccounts } from '../../server/publishing/pending-accounts.js';
import { askAsModerator, postJson, publishStoryOf, submitAsSource, wordsWithBadChecksum, type TestSource } from '../support/followup.js';
import { sampleAccount, withdrawalTagHashOf } from '../support/intake.js';
import { call, enrolViaApi, logInViaApi, type TestModerator } from '../support/moderation.js';

const FACETS = { platforms: ['outlier'], taskTypes: ['rating_responses'], conditions: {}, consent: 'quote' };
const STORY = {
  title: 'Graded overnight',
  body: 'We rated answers until dawn.',
  pullQuotes: ['Until dawn.'],
  attributionLabel: 'hollywood_writer',
  identifierMarks: { unresolved: 0, dismissed: 0 },
};

let t: TestApp;
let moderator: TestModerator;
let intake: BoxKeyPair;
let key: IntakeKey;
const sodium = await loadSodium();

beforeAll(async () => {
  t = await startTestApp({ PUBLIC_ORIGIN: ORIGIN });
  intake = (await enrolViaApi(t.app, t.database.db, 'mia', 'administrator', { createIntakeKey: true })).intake!;
  moderator = await logInViaApi(t.app, 'mia', 'mia lantern orbit meadow', ORIGIN);
  key = (await currentIntakeKey(t.database.db))!;
});
afterAll(async () => t?.close());

interface StatusAnswer {
  status: string;
  timeline: { event: string; day: string }[];
  messages: { direction: string; ciphertext: string; sentOn: string }[];
  story?: { url: string };
  canReply: boolean;
  canWithdraw: boolean;
}

const submit = () => submitAsSource(t.app, t.database.db, key);
// The status page sends the receipt's withdrawal tag beside the token: the story is found by it alone.
const lookUp = (lookupToken: string, withdrawalTag?: string) => postJson(t.app, '/api/v1/status', { lookupToken, ...(withdrawalTag ? { withdrawalTag } : {}) });
const answer = async (lookupToken: string, withdrawalTag?: string) => {
  const response = await lookUp(lookupToken, withdrawalTag);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as StatusAnswer;
};
const sealedToIntake = (text: string) => toBase64(sodium, sealMessage(sodium, text, key.publicKey));
const sendMessage = (lookupToken: string, ciphertext: string) => postJson(t.app, '/api/v1/messages', { lookupToken, ciphertext });
const withdraw = (lookupToken: string, withdrawalTag?: string) => postJson(t.app, '/api/v1/withdraw', { lookupToken, ...(withdrawalTag ? { withdrawalTag } : {}) });
const randomToken = () => toBase64(sodium, sodium.randombytes_buf(32));

function expectRefusal(response: LightMyRequestResponse, status: number, code: string) {
  expect(response.statusCode, response.body).toBe(status);
  const body = response.json() as { error: { code: string; message: string } };
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(10);
  return body.error.message;
}

const submissionRow = (id: string) => t.database.db.selectFrom('submissions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const messageRows = (id: string) => t.database.db.selectFrom('messages').selectAll().where('submission_id', '=', id).orderBy('position').execute();

async function acceptWithStory(source: TestSource) {
  // As the console does: the withdrawal tag copied from the sealed account.
  const accepted = await call(t.app, moderator, 'POST', `/mod/api/submissions/${source.submissionId}/accept`, { facets: FACETS, story: STORY, withdrawalTag: source.withdrawalTag });
  expect(accepted.statusCode, accepted.body).toBe(200);
  return accepted.json() as { storyId: string };
}

describe('POST /api/v1/status', () => {
  it('a new submission: received today, no messages; nothing cached, no cookie', async () => {
    const source = await submit();
    const response = await lookUp(source.lookupToken);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      status: 'received',
      timeline: [{ event: 'received', day: todayUtc() }],
      messages: [],
      canReply: true,
      canWithdraw: true,
      // The operator's defaults: 10 files, 25 MB for the account and its replies together.
      fileAllowance: { files: 10, paddedBytes: 25_000_000 },
    });
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['set-cookie']).toBeUndefined();
  });

  it('follows the moderators: opened, a question the source opens, an answer the moderator opens, a decision', async () => {
    const source = await submit();
    await askAsModerator(t.app, moderator, source.submissionId, 'Which platform paid by the task?');
    const asked = await answer(source.lookupToken);
    const today = todayUtc();
    expect(asked.status).toBe('needs_info');
    expect(asked.timeline).toEqual([
      { event: 'received', day: today },
      { event: 'review_started', day: today },
      { event: 'question_asked', day: today },
    ]);
    expect(asked.messages).toHaveLength(1);
    expect(asked.messages[0]).toMatchObject({ direction: 'to_source', sentOn: today });
    expect(openMessage(sodium, fromBase64(sodium, asked.messages[0]!.ciphertext), source.replyKeyPair).body).toBe('Which platform paid by the task?');
    expect(asked.canReply).toBe(true);

    const sent = await sendMessage(source.lookupToken, sealedToIntake('Outlier, by the task.'));
    expect(sent.statusCode, sent.body).toBe(201);
    expect(sent.json()).toEqual({ status: 'in_review' });
    const answered = await answer(source.lookupToken);
    expect(answered.status).toBe('in_review');
    expect(answered.timeline.map((e) => e.event)).toEqual(['received', 'review_started', 'question_asked', 'answered']);
    expect(answered.messages.map((m) => m.direction)).toEqual(['to_source', 'from_source']);

    // The moderator's console receives the thread and opens the answer with the intake key.
    const view = (await call(t.app, moderator, 'GET', `/mod/api/submissions/${source.submissionId}`)).json() as {
      status: string;
      messages: { direction: string; ciphertext: string }[];
    };
    expect(view.status).toBe('in_review');
    expect(view.messages.map((m) => m.direction)).toEqual(['to_source', 'from_source']);
    expect(openMessage(sodium, fromBase64(sodium, view.messages[1]!.ciphertext), intake).body).toBe('Outlier, by the task.');

    await acceptWithStory(source);
    const decided = await answer(source.lookupToken);
    expect(decided.status).toBe('accepted');
    expect(decided.timeline.at(-1)).toEqual({ event: 'accepted', day: today });
    expect(decided).toMatchObject({ canReply: false, canWithdraw: true });
    expect(decided.story).toBeUndefined();
  });

  it('a published story is linked and dated; a purge shows on the timeline', async () => {
    const source = await submit();
    await acceptWithStory(source);
    await publishStoryOf(t.database.db, source.words, 'graded-overnight', '2030-01-15');
    // Without the tag nothing leads from the submission to its story.
    expect((await answer(source.lookupToken)).story).toBeUndefined();
    const published = await answer(source.lookupToken, source.withdrawalTag);
    expect(published.story).toEqual({ url: '/stories/graded-overnight' });
    expect(published.timeline.at(-1)).toEqual({ event: 'story_published', day: '2030-01-15' });

    const rejected = await submit();
    await call(t.app, moderator, 'POST', `/mod/api/submissions/${rejected.submissionId}/reject`, { reason: 'off topic' });
    await t.database.db.updateTable('submissions').set({ envelope: null, purged_on: '2030-02-01' }).where('id', '=', rejected.submissionId).execute();
    const purged = await answer(rejected.lookupToken);
    expect(purged.timeline.map((e) => e.event)).toEqual(['received', 'rejected', 'purged']);
    expect(purged).toMatchObject({ status: 'rejected', canReply: false, canWithdraw: false });
  });

  it('unknown tokens get one generic 404, on every endpoint', async () => {
    const bodies = new Set<string>();
    for (let i = 0; i < 3; i++) {
      for (const response of [await lookUp(randomToken()), await sendMessage(randomToken(), sealedToIntake('hello')), await withdraw(randomToken())]) {
        expect(expectRefusal(response, 404, 'unknown_receipt')).toBe(UNKNOWN_RECEIPT_MESSAGE);
        bodies.add(response.body);
      }
    }
    expect(bodies.size).toBe(1);
  });

  describe('bad input is refused with a clear message and changes nothing', () => {
    const endpoints = ['/api/v1/status', '/api/v1/messages', '/api/v1/withdraw'];
    const body = (url: string, lookupToken: unknown) => (url === '/api/v1/messages' ? { lookupToken, ciphertext: sealedToIntake('x') } : { lookupToken });

    it.each(endpoints)('%s: a token of the wrong length (400)', async (url) => {
      expectRefusal(await postJson(t.app, url, body(url, toBase64(sodium, sodium.randombytes_buf(31)))), 400, 'bad_length');
      expectRefusal(await postJson(t.app, url, body(url, toBase64(sodium, sodium.randombytes_buf(33)))), 400, 'bad_length');
    });
    it.each(endpoints)('%s: a token that is not base64 (400)', async (url) => {
      expectRefusal(await postJson(t.app, url, body(url, 'not base64 at all!!')), 400, 'bad_base64');
      // Unpadded or URL-safe spellings are other spellings of a value: refused too.
      expectRefusal(await postJson(t.app, url, body(url, randomToken().replace(/=+$/, ''))), 400, 'bad_base64');
    });
    it.each(endpoints)('%s: a missing token, an extra field, a number (400)', async (url) => {
      expectRefusal(await postJson(t.app, url, {}), 400, 'invalid_request');
      expectRefusal(await postJson(t.app, url, { ...body(url, randomToken()), ip: '1.2.3.4' }), 400, 'invalid_request');
      // A number is read as its digits (Ajv's coercion), which are no token either.
      expect((await postJson(t.app, url, body(url, 12))).statusCode).toBe(400);
    });
    it.each(endpoints)('%s: not JSON (400), another content type (415)', async (url) => {
      expectRefusal(await postJson(t.app, url, '{"lookupToken":'), 400, 'invalid_json');
      expectRefusal(await postJson(t.app, url, `lookupToken=${randomToken()}`, { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'unsupported_media_type');
    });
    it('the token is never read from the query string', async () => {
      const source = await submit();
      const response = await t.app.inject({
        method: 'POST',
        url: `/api/v1/status?lookupToken=${encodeURIComponent(source.lookupToken)}`,
        headers: { 'content-type': 'application/json' },
        payload: '{}',
      });
      expect(response.statusCode).toBe(400);
    });
  });
});

describe('POST /api/v1/messages', () => {
  it('refuses a message over the largest padding bucket (413) and one that is not a bucket (400); stores nothing', async () => {
    const source = await submit();
    const tooLarge = toBase64(sodium, sodium.randombytes_buf(65536 + 48 + 4096));
    expect(expectRefusal(await sendMessage(source.lookupToken, tooLarge), 413, 'message_too_large')).toContain('too long');
    expectRefusal(await sendMessage(source.lookupToken, toBase64(sodium, sodium.randombytes_buf(5000))), 400, 'bad_ciphertext_length');
    expectRefusal(await sendMessage(source.lookupToken, 'not base64!'), 400, 'bad_base64');
    expect(await messageRows(source.submissionId)).toEqual([]);
    // The largest bucket itself is a message like any other.
    const largest = toBase64(sodium, sealMessage(sodium, 'z'.repeat(LARGEST_PAYLOAD - 20), key.publicKey));
    expect((await sendMessage(source.lookupToken, largest)).statusCode).toBe(201);
  });

  it('is refused once the submission is decided (409) or purged (410); withdrawn words find nothing (404)', async () => {
    const decided = await submit();
    await acceptWithStory(decided);
    expectRefusal(await sendMessage(decided.lookupToken, sealedToIntake('late')), 409, 'already_decided');

    const purged = await submit();
    await call(t.app, moderator, 'POST', `/mod/api/submissions/${purged.submissionId}/reject`, { reason: 'duplicate' });
    await t.database.db.updateTable('submissions').set({ envelope: null, purged_on: todayUtc() }).where('id', '=', purged.submissionId).execute();
    expectRefusal(await sendMessage(purged.lookupToken, sealedToIntake('still there?')), 410, 'purged');
    expectRefusal(await withdraw(purged.lookupToken), 410, 'purged');

    const withdrawn = await submit();
    expect((await withdraw(withdrawn.lookupToken)).statusCode).toBe(200);
    expectRefusal(await sendMessage(withdrawn.lookupToken, sealedToIntake('one more thing')), 404, 'unknown_receipt');
    for (const { submissionId } of [decided, purged, withdrawn]) expect(await messageRows(submissionId)).toEqual([]);
  });

  it('a message without a question keeps the status; messages are numbered in order', async () => {
    const source = await submit();
    expect((await sendMessage(source.lookupToken, sealedToIntake('first'))).json()).toEqual({ status: 'received' });
    expect((await sendMessage(source.lookupToken, sealedToIntake('second'))).json()).toEqual({ status: 'received' });
    const rows = await messageRows(source.submissionId);
    expect(rows.map((r) => [r.position, r.direction])).toEqual([
      [1, 'from_source'],
      [2, 'from_source'],
    ]);
    expect(rows.map((r) => openMessage(sodium, r.ciphertext, intake).body)).toEqual(['first', 'second']);
  });
});

describe('POST /api/v1/withdraw', () => {
  it('deletes the envelope and messages at once, takes the account out, retracts the story, audits without details', async () => {
    const source = await submit();
    await askAsModerator(t.app, moderator, source.submissionId, 'Can we quote you?');
    expect((await sendMessage(source.lookupToken, sealedToIntake('Yes, without the show name.'))).statusCode).toBe(201);
    const { storyId } = await acceptWithStory(source);
    await publishStoryOf(t.database.db, source.words, 'until-dawn', todayUtc());
    // A release counts the pending account; it carries the tag's hash, nothing of the submission.
    expect(await admitPendingAccounts(t.database.db)).toBeGreaterThanOrEqual(1);
    const tagHash = await withdrawalTagHashOf(source.words);
    const counted = await t.database.db.selectFrom('accounts').select('id').where('withdrawal_tag_hash', '=', tagHash).executeTakeFirstOrThrow();
    const before = await submissionRow(source.submissionId);
    expect(before.envelope).not.toBeNull();

    const response = await withdraw(source.lookupToken, source.withdrawalTag);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({ status: 'withdrawn' });
    expect(response.headers['cache-control']).toBe('no-store');

    const after = await submissionRow(source.submissionId);
    expect(after).toMatchObject({ status: 'withdrawn', envelope: null, status_changed_on: todayUtc() });
    expect(await messageRows(source.submissionId)).toEqual([]);
    const account = await t.database.db.selectFrom('accounts').selectAll().where('id', '=', counted.id).executeTakeFirstOrThrow();
    expect(account).toMatchObject({ withdrawn_on: todayUtc(), withdrawal_tag_hash: null });
    const story = await t.database.db.selectFrom('stories').selectAll().where('id', '=', storyId).executeTakeFirstOrThrow();
    expect(story).toMatchObject({ status: 'retracted', retracted_on: todayUtc(), body: '', pull_quotes: [] });

    const audit = (await call(t.app, moderator, 'GET', '/mod/api/audit')).json() as { entries: Record<string, unknown>[] };
    const entry = audit.entries.find((e) => e.action === 'submission.withdrawn')!;
    expect(entry).toMatchObject({ actor: 'system', details: { storiesRetracted: 1, draftsDeleted: 0 } });
    expect(entry.subject).toBeUndefined();
    expect(JSON.stringify(entry)).not.toContain(source.submissionId);
    expect((await verifyAuditChain(t.database.db)).ok).toBe(true);

    // Afterwards the words find nothing, exactly as words never given: the row keeps neither the
    // lookup hash nor the reply key, so the words prove nothing about an account (docs/threat-model-storage.md).
    expect(after).toMatchObject({ lookup_hash: null, reply_public_key: null });
    const never = await lookUp(randomToken());
    const gone = await lookUp(source.lookupToken, source.withdrawalTag);
    expect([gone.statusCode, gone.body]).toEqual([never.statusCode, never.body]);
    // The moderators cannot decide on it any more.
    expect((await call(t.app, moderator, 'POST', `/mod/api/submissions/${source.submissionId}/reject`, { reason: 'x' })).statusCode).toBe(409);
  });

  it('deletes an unpublished draft rather than keep its text', async () => {
    const source = await submit();
    const { storyId } = await acceptWithStory(source);
    const pending = () => t.database.db.selectFrom('pending_accounts').select('id').execute();
    const waiting = (await pending()).length;
    expect((await withdraw(source.lookupToken, source.withdrawalTag)).statusCode).toBe(200);
    expect(await t.database.db.selectFrom('stories').selectAll().where('id', '=', storyId).execute()).toEqual([]);
    // Not counted yet: it never will be.
    expect((await pending()).length).toBe(waiting - 1);
  });

  it('without the withdrawal tag (an older page) the envelope goes, and nothing leads to the story', async () => {
    const source = await submit();
    const { storyId } = await acceptWithStory(source);
    expect((await withdraw(source.lookupToken)).statusCode).toBe(200);
    expect(await submissionRow(source.submissionId)).toMatchObject({ status: 'withdrawn', envelope: null });
    expect(await t.database.db.selectFrom('stories').select('id').where('id', '=', storyId).execute()).toHaveLength(1);
  });

  it('a repeated withdrawal finds nothing (404, as unknown words) and changes nothing', async () => {
    const source = await submit();
    expect((await withdraw(source.lookupToken)).statusCode).toBe(200);
    const entries = async () => (await t.database.db.selectFrom('audit_log').select('seq').execute()).length;
    const before = await entries();
    expectRefusal(await withdraw(source.lookupToken), 404, 'unknown_receipt');
    expect(await entries()).toBe(before);
  });
});

describe('the no-JavaScript form, POST /status', () => {
  const form = (fields: Record<string, string>) =>
    t.app.inject({
      method: 'POST',
      url: '/status',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(fields).toString(),
    });

  it('the page: one labelled field for the words, a POST form without query, the intake key for sealing', async () => {
    const page = await t.app.inject({ url: '/status' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['x-robots-tag']).toContain('noarchive');
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['set-cookie']).toBeUndefined();
    expect(page.body).toContain('<form id="status-form" method="post" action="/status"');
    // Handlebars escapes '=' as an entity; the browser reads the attribute back as base64.
    expect(page.body.replaceAll('&#x3D;', '=')).toContain(`data-intake-public-key="${toBase64(sodium, key.publicKey)}"`);
    expect(page.body).toMatch(/<script type="module" src="\/assets\/status-[A-Z0-9]+\.js"><\/script>/);
    for (const [, id] of page.body.matchAll(/<(?:input|select|textarea)[^>]* id="([^"]+)"/g)) {
      expect(page.body, `label for ${id}`).toContain(`for="${id}"`);
    }
  });

  it('shows status, timeline and the decrypted question, and says the server handled the words in memory', async () => {
    const source = await submit();
    await askAsModerator(t.app, moderator, source.submissionId, 'Was the <b>rubric</b> shared in writing?');
    // Forgiving of case, extra spaces and line breaks.
    const typed = `  ${source.words.slice(0, 6).join('   ').toUpperCase()}\r\n${source.words.slice(6).join(' ')}  `;
    const response = await form({ words: typed, action: 'view' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['set-cookie']).toBeUndefined();
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['x-robots-tag']).toContain('noarchive');
    expect(response.body).toContain('The server derived your keys');
    expect(response.body).toContain('in memory');
    expect(response.body).toContain('data-status="needs_info"');
    expect(response.body).toContain('A moderator asked you a question.');
    expect(response.body).toContain('Was the &lt;b&gt;rubric&lt;/b&gt; shared in writing?');
    expect(response.body).toContain('Answer the moderators');
  });

  it('sends a reply sealed on the server, which the moderators open', async () => {
    const source = await submit();
    await askAsModerator(t.app, moderator, source.submissionId, 'How many hours a week?');
    const response = await form({ words: source.words.join(' '), action: 'reply', message: 'About thirty, unpaid for setup.' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('Your message was sealed');
    expect(response.body).toContain('data-status="in_review"');
    const rows = await messageRows(source.submissionId);
    expect(rows.map((r) => r.direction)).toEqual(['to_source', 'from_source']);
    expect(openMessage(sodium, rows[1]!.ciphertext, intake).body).toBe('About thirty, unpaid for setup.');
  });

  it('keeps a refused reply for editing: empty (400), too long (413)', async () => {
    const source = await submit();
    const empty = await form({ words: source.words.join(' '), action: 'reply', message: '   ' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Write your message first.');
    const long = 'w'.repeat(LARGEST_PAYLOAD);
    const tooLong = await form({ words: source.words.join(' '), action: 'reply', message: long });
    expect(tooLong.statusCode).toBe(413);
    expect(tooLong.body).toContain('too long');
    expect(tooLong.body).toContain(long);
    expect(await messageRows(source.submissionId)).toEqual([]);
  });

  it('withdraws only with the confirmation ticked', async () => {
    const source = await submit();
    const unconfirmed = await form({ words: source.words.join(' '), action: 'withdraw' });
    expect(unconfirmed.statusCode).toBe(400);
    expect(unconfirmed.body).toContain('I understand this cannot be undone');
    expect((await submissionRow(source.submissionId)).status).toBe('received');

    const confirmed = await form({ words: source.words.join(' '), action: 'withdraw', confirm: 'yes' });
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.body).toContain('Your account was withdrawn');
    expect(confirmed.body).toContain('these words find no account');
    expect(await submissionRow(source.submissionId)).toMatchObject({ status: 'withdrawn', envelope: null, lookup_hash: null });

    const again = await form({ words: source.words.join(' '), action: 'withdraw', confirm: 'yes' });
    expect(again.statusCode).toBe(404);
  });

  it.each([
    ['eleven words', (w: string[]) => w.slice(0, 11).join(' '), 'you typed 11'],
    ['thirteen words', (w: string[]) => [...w, 'abandon'].join(' '), 'you typed 13'],
    ['a word not in the list', (w: string[]) => [...w.slice(0, 11), 'offscript'].join(' '), 'not in the receipt word list'],
    ['a bad checksum', (w: string[]) => wordsWithBadChecksum(w).join(' '), 'looks mistyped'],
  ])('refuses %s with a clear message (400)', async (_name, typo, message) => {
    const source = await submit();
    const response = await form({ words: typo(source.words), action: 'withdraw', confirm: 'yes' });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain(message);
    expect(response.body).not.toContain('data-status="received"');
    expect((await submissionRow(source.submissionId)).status).toBe('received');
  });

  it('unknown words: the same generic 404', async () => {
    // A receipt drawn but never sent.
    const words = receiptWordsFromEntropy(drawReceiptEntropy(sodium), 'en');
    const response = await form({ words: words.join(' '), action: 'view' });
    expect(response.statusCode).toBe(404);
    expect(response.body).toContain(UNKNOWN_RECEIPT_MESSAGE);
  });

  it('accepts only a form, never JSON', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/status', headers: { 'content-type': 'application/json' }, payload: '{"words":"a"}' });
    expect(response.statusCode).toBe(415);
  });
});

describe('privacy of lookups', () => {
  it('nothing about a lookup reaches the log, even at trace level, and nothing new is stored', async () => {
    const source = await submit();
    const unknown = randomToken();
    const before = t.logText().length;
    await lookUp(source.lookupToken);
    await lookUp(unknown);
    await lookUp('AAAA');
    await sendMessage(source.lookupToken, sealedToIntake('log canary'));
    await t.app.inject({
      method: 'POST',
      url: '/status',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ words: source.words.join(' '), action: 'view' }).toString(),
    });
    await withdraw(source.lookupToken);
    const log = t.logText().slice(before);
    const hashHex = Buffer.from(lookupTokenHash(fromBase64(sodium, source.lookupToken))).toString('hex');
    for (const secret of ['/status', '/api/v1/messages', '/api/v1/withdraw', source.lookupToken, unknown, hashHex, source.words[0]!, 'unknown_receipt']) {
      expect(log, secret).not.toContain(secret);
    }
    const dump = await dumpAllTables(t.database.db);
    expect(dump).not.toContain(source.lookupToken);
    expect(dump).not.toContain(source.words.join(' '));
    expect(dump).not.toContain(sampleAccount().narrative);
  });
});

describe('rate limits', () => {
  it('too many lookups answer 429', async () => {
    const limited = await startTestApp({ RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW_SECONDS: '60' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await postJson(limited.app, '/api/v1/status', { lookupToken: randomToken() })).statusCode);
      expect(statuses).toEqual([404, 404, 404, 429, 429]);
      const refused = await postJson(limited.app, '/api/v1/status', { lookupToken: randomToken() });
      expectRefusal(refused, 429, 'rate_limited');
      const formStatuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        formStatuses.push(
          (await limited.app.inject({ method: 'POST', url: '/status', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'words=a&action=view' })).statusCode,
        );
      }
      expect(formStatuses).toEqual([400, 400, 400, 429]);
      for (const url of ['/api/v1/messages', '/api/v1/withdraw']) {
        const codes: number[] = [];
        for (let i = 0; i < 4; i++) codes.push((await postJson(limited.app, url, {})).statusCode);
        expect(codes.at(-1), url).toBe(429);
      }
    } finally {
      await limited.close();
    }
  });
});
