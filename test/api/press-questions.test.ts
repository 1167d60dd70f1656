// Questions from journalists (issue 32): press accounts kept out of the console, a question relayed
// through a moderator, a private answer the server holds only as ciphertext, an answer for
// publication through two moderators, and bad input refused with nothing changed.
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentIntakeKey, type IntakeKey } from '../../server/intake/service.js';
import { verifyAuditChain } from '../../server/audit/log.js';
import { PRESS_DAILY_QUESTIONS } from '../../server/press/service.js';
import { inviteModerator } from '../../server/moderation/team-service.js';
import { fromBase64, toBase64 } from '../../common/protocol/encoding.js';
import { sealMessage } from '../../common/protocol/envelope.js';
import { openPrivateAnswer, sealPrivateAnswer } from '../../common/protocol/press-answer.js';
import { loadSodium } from '../../common/protocol/sodium.js';
import { QUESTION_MAX_CHARS } from '../../common/press/schemas.js';
import { startTestApp, type TestApp, TEST_ORIGIN as ORIGIN } from '../support/app.js';
import { dumpAllTables } from '../support/database.js';
import { postJson, publishStoryOf, submitAsSource, type TestSource } from '../support/followup.js';
import { call, enrolAdminAndModerator, signedLogin, visit, type TestModerator } from '../support/moderation.js';
import { journalistViaApi } from '../support/press.js';

const FACETS = { platforms: ['outlier'], taskTypes: ['rating_responses'], conditions: {}, consent: 'quote' };
const STORY = {
  title: 'Graded overnight',
  body: 'We rated answers until dawn.',
  pullQuotes: ['Until dawn.'],
  attributionLabel: 'hollywood_writer',
  identifierMarks: { unresolved: 0, dismissed: 0 },
};
const PRIVATE_ANSWER = 'Private: the relaunch cut my rate from 21 to 16 an hour, ask me about Nova.';
const IDENTITY = 'Jordan Q. Writer, jordan@example.org';

let t: TestApp;
let admin: TestModerator;
let mod: TestModerator;
let journalist: TestModerator;
let key: IntakeKey;
const sodium = await loadSodium();
let slugCounter = 0;

beforeAll(async () => {
  t = await startTestApp({ PUBLIC_ORIGIN: ORIGIN });
  ({ admin, mod } = await enrolAdminAndModerator(t.app, t.database.db, ORIGIN));
  key = (await currentIntakeKey(t.database.db))!;
  journalist = await journalistViaApi(t.app, t.database.db, admin, { handle: 'reporter', name: 'Ana Reyes', outlet: 'The Daily Ledger' }, ORIGIN);
});
afterAll(async () => t?.close());

/** A source whose story is published, with the receipt keys its status page derives. */
async function publishedSource(): Promise<TestSource & { slug: string }> {
  const source = await submitAsSource(t.app, t.database.db, key);
  const accepted = await call(t.app, admin, 'POST', `/mod/api/submissions/${source.submissionId}/accept`, { facets: FACETS, story: STORY, withdrawalTag: source.withdrawalTag });
  expect(accepted.statusCode, accepted.body).toBe(200);
  const slug = `graded-${++slugCounter}`;
  await publishStoryOf(t.database.db, source.words, slug, '2030-01-15');
  return { ...source, slug };
}

function expectRefusal(response: LightMyRequestResponse, status: number, code: string) {
  expect(response.statusCode, response.body).toBe(status);
  const body = response.json() as { error: { code: string; message: string } };
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(10);
}

const ask = (storySlug: string, text: string, who: TestModerator = journalist) => call(t.app, who, 'POST', '/press/api/questions', { storySlug, text });
const receipt = (s: TestSource) => ({ lookupToken: s.lookupToken, withdrawalTag: s.withdrawalTag });
const sourceQuestions = async (s: TestSource) => {
  const response = await postJson(t.app, '/api/v1/press/questions', receipt(s));
  expect(response.statusCode, response.body).toBe(200);
  return (response.json() as { questions: { id: string; text: string; status: string; journalist: { name: string; outlet: string }; journalistPublicKey: string }[] }).questions;
};
const questionRows = () => t.database.db.selectFrom('press_questions').selectAll().orderBy('id').execute();

describe('press accounts', () => {
  it('a journalist gets 403 on every moderator route, even logged in at /mod; moderators are refused at the press desk', async () => {
    // The same credentials through the console's login: a session, but the console refuses it.
    const who = await visit(t.app);
    const { challenge, signature } = await signedLogin(t.app, who, 'reporter', journalist.passphrase, ORIGIN);
    expect((await call(t.app, who, 'POST', '/mod/api/login', { handle: 'reporter', challenge, signature })).statusCode).toBe(200);
    for (const [method, url] of [
      ['GET', '/mod/api/audit'],
      ['GET', '/mod/api/keys'],
      ['GET', '/mod/api/passkeys'],
      ['GET', '/mod/api/press/questions'],
      ['POST', '/mod/api/press/questions/00000000-0000-4000-8000-000000000000/relay'],
    ] as const) {
      expectRefusal(await call(t.app, who, method, url, method === 'POST' ? { text: 'x' } : undefined), 403, 'console_not_for_journalists');
    }
    // The console's pages answer with an HTML page saying the same.
    for (const url of ['/mod', '/mod/press', '/mod/team']) {
      const response = await call(t.app, who, 'GET', url);
      expect(response.statusCode).toBe(403);
      expect(response.body).toContain('press desk (/press)');
    }
    // A journalist holds no keys: the team lists them not, and no grant reaches them.
    const team = (await call(t.app, admin, 'GET', '/mod/api/team')).json() as { members: { handle: string }[] };
    expect(team.members.map((m) => m.handle)).not.toContain('reporter');
    // A moderator cannot log in at the press desk.
    const modWho = await visit(t.app, {}, '/press/login');
    const modLogin = await signedLogin(t.app, modWho, 'mod', mod.passphrase, ORIGIN, undefined, 'press');
    expectRefusal(await call(t.app, modWho, 'POST', '/press/api/login', { handle: 'mod', challenge: modLogin.challenge, signature: modLogin.signature }), 403, 'press_desk_journalists_only');
    expectRefusal(await call(t.app, modWho, 'GET', '/press/api/questions'), 401, 'not_logged_in');
    // A press invitation opened at the console's enrolment page is sent to the press desk's.
    const { token } = await inviteModerator(t.database.db, { handle: 'freelancer', role: 'journalist' }, 'operator');
    const enrolPage = await t.app.inject({ url: `/mod/enrol/${token}` });
    expect(enrolPage.statusCode).toBe(302);
    expect(enrolPage.headers.location).toBe(`/press/enrol/${token}`);
    // The server stores only the journalist's public keys.
    const row = await t.database.db.selectFrom('moderators').selectAll().where('handle', '=', 'reporter').executeTakeFirstOrThrow();
    expect(row.role).toBe('journalist');
    expect(toBase64(sodium, row.box_public_key!)).toBe(toBase64(sodium, journalist.keys.boxKeyPair.publicKey));
  });
});

describe('a question answered privately', () => {
  it('asked, edited and relayed, answered sealed to the journalist: the server and moderators hold only ciphertext', async () => {
    const source = await publishedSource();
    const asked = await ask(source.slug, 'Did the platform relaunch your project at a lower rate? Which one exactly?');
    expect(asked.statusCode, asked.body).toBe(201);
    const { id } = asked.json() as { id: string };
    // Not relayed yet: the source sees nothing, and cannot answer it.
    expect(await sourceQuestions(source)).toEqual([]);
    const sealedEarly = toBase64(sodium, sealPrivateAnswer(sodium, { questionId: id, body: 'early' }, journalist.keys.boxKeyPair.publicKey));
    expectRefusal(await postJson(t.app, '/api/v1/press/answers', { ...receipt(source), questionId: id, kind: 'private', ciphertext: sealedEarly }), 409, 'question_wrong_state');

    const relayed = await call(t.app, mod, 'POST', `/mod/api/press/questions/${id}/relay`, { text: 'Was your project relaunched at a lower rate?' });
    expect(relayed.statusCode, relayed.body).toBe(200);
    const [question] = await sourceQuestions(source);
    expect(question).toMatchObject({ id, text: 'Was your project relaunched at a lower rate?', status: 'relayed', journalist: { name: 'Ana Reyes', outlet: 'The Daily Ledger' } });

    // The source's browser seals to the key the server announced, which is the journalist's own.
    const sealed = sealPrivateAnswer(sodium, { questionId: id, body: PRIVATE_ANSWER, identity: IDENTITY }, fromBase64(sodium, question!.journalistPublicKey));
    const answered = await postJson(t.app, '/api/v1/press/answers', { ...receipt(source), questionId: id, kind: 'private', ciphertext: toBase64(sodium, sealed) });
    expect(answered.statusCode, answered.body).toBe(200);
    expect(answered.json()).toEqual({ status: 'answered_privately' });
    // Once answered, not again.
    expectRefusal(await postJson(t.app, '/api/v1/press/answers', { ...receipt(source), questionId: id, kind: 'decline' }), 409, 'question_wrong_state');

    const mine = (await call(t.app, journalist, 'GET', '/press/api/questions')).json() as { questions: { id: string; status: string; privateAnswer: string | null }[] };
    const entry = mine.questions.find((q) => q.id === id)!;
    expect(entry.status).toBe('answered_privately');
    const opened = openPrivateAnswer(sodium, fromBase64(sodium, entry.privateAnswer!), journalist.keys.boxKeyPair, id);
    expect(opened).toMatchObject({ body: PRIVATE_ANSWER, identity: IDENTITY });

    // Nowhere in clear: not in any table, not in what moderators are sent.
    const dump = await dumpAllTables(t.database.db);
    for (const secret of [PRIVATE_ANSWER, 'ask me about Nova', IDENTITY, 'jordan@example.org']) expect(dump).not.toContain(secret);
    const moderatorView = (await call(t.app, mod, 'GET', '/mod/api/press/questions')).body;
    expect(moderatorView).not.toContain(entry.privateAnswer!);
    expect(moderatorView).not.toContain('Nova');
    // The audit log has every step, by question id only.
    const audit = await t.database.db.selectFrom('audit_log').select('entry').orderBy('seq').execute();
    const steps = audit
      .map((a) => JSON.parse(a.entry) as { action: string; subject?: { id: string } })
      .filter((e) => e.subject?.id === id)
      .map((e) => e.action);
    expect(steps).toEqual(['press.question_asked', 'press.question_relayed', 'press.answered_privately']);
    expect(audit.map((a) => a.entry).join('\n')).not.toContain('relaunched');
    expect((await verifyAuditChain(t.database.db)).ok).toBe(true);

    // The source withdraws: the story is retracted and the questions and answers go with it.
    expect((await postJson(t.app, '/api/v1/withdraw', receipt(source))).statusCode).toBe(200);
    expect((await questionRows()).some((q) => q.id === id)).toBe(false);
  });
});

describe('an answer for publication', () => {
  it('sealed to the intake key, prepared by one moderator, approved by another, shown under the story', async () => {
    const source = await publishedSource();
    const { id } = (await ask(source.slug, 'Were you paid for onboarding webinars?')).json() as { id: string };
    expect((await call(t.app, admin, 'POST', `/mod/api/press/questions/${id}/relay`, { text: 'Were you paid for onboarding webinars?' })).statusCode).toBe(200);
    const sealed = toBase64(sodium, sealMessage(sodium, 'No, three unpaid webinars; my name is Sam.', key.publicKey));
    const answered = await postJson(t.app, '/api/v1/press/answers', { ...receipt(source), questionId: id, kind: 'for_publication', ciphertext: sealed });
    expect(answered.json()).toEqual({ status: 'answer_received' });

    const listed = ((await call(t.app, admin, 'GET', '/mod/api/press/questions')).json() as { questions: { id: string; sealedPublicAnswer: string | null }[] }).questions.find(
      (q) => q.id === id,
    )!;
    // Moderators receive it sealed; their browser opens it with the intake key and removes what identifies.
    expect(listed.sealedPublicAnswer).toBe(sealed);
    expect((await call(t.app, admin, 'POST', `/mod/api/press/questions/${id}/answer-draft`, { text: 'No, three unpaid webinars.' })).statusCode).toBe(200);
    expectRefusal(await call(t.app, admin, 'POST', `/mod/api/press/questions/${id}/approve-answer`, {}), 409, 'own_answer_draft');
    expect((await call(t.app, mod, 'POST', `/mod/api/press/questions/${id}/approve-answer`, {})).statusCode).toBe(200);

    const page = await t.app.inject({ url: `/stories/${source.slug}` });
    expect(page.body).toContain('No, three unpaid webinars.');
    expect(page.body).toContain('Ana Reyes (The Daily Ledger) asked:');
    expect(page.body).not.toContain('Sam');
    const row = (await questionRows()).find((q) => q.id === id)!;
    expect(row.sealed_public_answer).toBeNull();
    expect(row.status).toBe('answer_published');
  });
});

describe('bad input on the new routes: a clear 4xx and nothing changed', () => {
  it("unknown story, retracted story, over-long or empty text, a question never relayed, another story's question, a stranger's receipt", async () => {
    const source = await publishedSource();
    const other = await publishedSource();
    const { id } = (await ask(other.slug, 'A question for the other source')).json() as { id: string };
    const before = JSON.stringify(await questionRows());

    expectRefusal(await ask('no-such-story', 'Hello?'), 404, 'unknown_story');
    expectRefusal(await ask(source.slug, 'x'.repeat(QUESTION_MAX_CHARS + 1)), 400, 'invalid_request');
    expectRefusal(await ask(source.slug, '   '), 400, 'bad_press_text');
    // Relaying with an over-long or empty edit.
    expectRefusal(await call(t.app, mod, 'POST', `/mod/api/press/questions/${id}/relay`, { text: 'y'.repeat(QUESTION_MAX_CHARS + 1) }), 400, 'invalid_request');
    expectRefusal(await call(t.app, mod, 'POST', `/mod/api/press/questions/${id}/relay`, { text: '' }), 400, 'bad_press_text');
    expectRefusal(await call(t.app, mod, 'POST', '/mod/api/press/questions/00000000-0000-4000-8000-000000000000/relay', { text: 'hi' }), 404, 'unknown_press_question');
    // An answer to a question never relayed; an answer by another story's source; a receipt nobody holds.
    const sealed = toBase64(sodium, sealMessage(sodium, 'answer', key.publicKey));
    expectRefusal(await postJson(t.app, '/api/v1/press/answers', { ...receipt(other), questionId: id, kind: 'for_publication', ciphertext: sealed }), 409, 'question_wrong_state');
    expectRefusal(await postJson(t.app, '/api/v1/press/answers', { ...receipt(source), questionId: id, kind: 'for_publication', ciphertext: sealed }), 404, 'unknown_press_question');
    const stranger = { lookupToken: toBase64(sodium, sodium.randombytes_buf(32)), withdrawalTag: toBase64(sodium, sodium.randombytes_buf(32)) };
    expectRefusal(await postJson(t.app, '/api/v1/press/answers', { ...stranger, questionId: id, kind: 'decline' }), 404, 'unknown_receipt');
    expectRefusal(await postJson(t.app, '/api/v1/press/questions', stranger), 404, 'unknown_receipt');
    // A private answer without its ciphertext.
    expectRefusal(await postJson(t.app, '/api/v1/press/answers', { ...receipt(other), questionId: id, kind: 'private' }), 400, 'bad_press_text');
    expect(JSON.stringify(await questionRows())).toBe(before);

    // A retracted story (the source withdrew): no question about it.
    expect((await postJson(t.app, '/api/v1/withdraw', receipt(source))).statusCode).toBe(200);
    expectRefusal(await ask(source.slug, 'Still there?'), 409, 'story_not_published');
    expect(JSON.stringify(await questionRows())).toBe(before);
  });

  it('a daily cap per journalist', async () => {
    const other = await journalistViaApi(t.app, t.database.db, admin, { handle: 'stringer', name: 'Lee Park', outlet: 'Wire Service' }, ORIGIN);
    const source = await publishedSource();
    for (let n = 0; n < PRESS_DAILY_QUESTIONS; n++) expect((await ask(source.slug, `Question ${n}`, other)).statusCode).toBe(201);
    const count = (await questionRows()).length;
    expectRefusal(await ask(source.slug, 'One too many', other), 429, 'press_daily_cap');
    expect((await questionRows()).length).toBe(count);
  });
});
