// Questions from journalists in a real Chromium (issue 32 acceptance): an administrator invites a
// journalist on the console's press page; the journalist enrols (keys made in the browser, passkey
// with PRF) and asks about a published story; moderator A relays it; the source reads it on /status
// and answers privately; the journalist's browser opens the answer, which the database and the
// moderators' views hold only as ciphertext. A second source answers for publication; moderator A
// prepares it, moderator B approves it, and it shows under the story.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startListeningTestApp, type ListeningTestApp } from '../support/app.js';
import { addVirtualAuthenticator, chromiumAvailable, launchChromium, moderatorTab } from '../support/browser.js';
import { dumpAllTables } from '../support/database.js';
import { publishStoryOf, submitAsSource, type TestSource } from '../support/followup.js';
import { call, enrolViaApi, logInViaApi, type TestModerator } from '../support/moderation.js';
import { currentIntakeKey } from '../../server/intake/service.js';

const FACETS = { platforms: ['outlier'], taskTypes: ['rating_responses'], conditions: {}, consent: 'quote' };
const STORY = {
  title: 'Graded overnight',
  body: 'We rated answers until dawn.',
  pullQuotes: ['Until dawn.'],
  attributionLabel: 'hollywood_writer',
  identifierMarks: { unresolved: 0, dismissed: 0 },
};
const PRIVATE_ANSWER = 'Canary-P9: the Nova relaunch paid 16 an hour after Musen paid 21.';
const IDENTITY = 'Canary-ID4 Robin Example';
const PUBLIC_ANSWER = 'Canary-Q3: three onboarding webinars, none of them paid.';
const JOURNALIST_PASSPHRASE = 'correct horse battery staple offscript';

describe.skipIf(!chromiumAvailable)('questions from journalists in Chromium', () => {
  let t: ListeningTestApp;
  let browser: Browser;
  let moderatorA: TestModerator;
  let moderatorB: TestModerator;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    t = await startListeningTestApp();
    await enrolViaApi(t.app, t.database.db, 'ana', 'administrator', { createIntakeKey: true });
    moderatorA = await logInViaApi(t.app, 'ana', 'ana lantern orbit meadow', t.origin);
    await enrolViaApi(t.app, t.database.db, 'ben', 'moderator');
    moderatorB = await logInViaApi(t.app, 'ben', 'ben lantern orbit meadow', t.origin);
    browser = await launchChromium();
  });
  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await t?.close();
  });

  const watch = (page: Page): Page => {
    contexts.push(page.context());
    page.on('pageerror', (error) => console.error('page error:', error.message));
    return page;
  };

  async function publishedSource(slug: string): Promise<TestSource> {
    const source = await submitAsSource(t.app, t.database.db, (await currentIntakeKey(t.database.db))!);
    const accepted = await call(t.app, moderatorA, 'POST', `/mod/api/submissions/${source.submissionId}/accept`, { facets: FACETS, story: STORY, withdrawalTag: source.withdrawalTag });
    expect(accepted.statusCode, accepted.body).toBe(200);
    await publishStoryOf(t.database.db, source.words, slug, '2030-01-15');
    return source;
  }

  /** The source's status page, unlocked with their words, showing the relayed question. */
  async function sourceSees(source: TestSource): Promise<Page> {
    const context = await browser.newContext();
    const page = watch(await context.newPage());
    await page.goto(`${t.origin}/status`);
    await page.getByLabel('Your twelve words').fill(source.words.join(' '));
    await page.getByRole('button', { name: 'Show my account' }).click();
    const section = page.getByTestId('press-questions');
    await section.getByText('Lena Ortiz, The Daily Ledger, asks:').waitFor({ timeout: 30_000 });
    return page;
  }

  it('a private answer only the journalist reads; an answer for publication through two moderators', async () => {
    const first = await publishedSource('graded-overnight');

    // The administrator invites a journalist from the console's press page.
    const admin = watch(await moderatorTab(browser, moderatorA, t.origin));
    await admin.goto(`${t.origin}/mod/press`);
    await admin.getByLabel('Handle').fill('lena');
    await admin.getByLabel('Name (as sources will read it)').fill('Lena Ortiz');
    await admin.getByLabel('Outlet').fill('The Daily Ledger');
    await admin.getByRole('button', { name: 'Invite' }).click();
    await admin.getByText('Send this link to the journalist by another channel:').waitFor({ timeout: 30_000 });
    const invitation = (await admin.getByTestId('press-invite-url').textContent())!;
    expect(invitation).toMatch(/\/press\/enrol\//);

    // The journalist enrols: keys made in this browser, bound to a passkey with PRF.
    const desk = watch(await (await browser.newContext()).newPage());
    await addVirtualAuthenticator(desk, { prf: true });
    await desk.goto(invitation);
    await desk.getByLabel('Passphrase', { exact: true }).fill(JOURNALIST_PASSPHRASE);
    await desk.getByLabel('Passphrase again').fill(JOURNALIST_PASSPHRASE);
    await desk.getByRole('button', { name: 'Create my keys' }).click();
    await desk.getByRole('link', { name: 'Go to the press desk' }).click({ timeout: 60_000 });
    await desk.waitForURL(`${t.origin}/press`);
    const journalistRow = await t.database.db.selectFrom('moderators').selectAll().where('handle', '=', 'lena').executeTakeFirstOrThrow();
    expect(journalistRow.role).toBe('journalist');
    expect(journalistRow.box_public_key).not.toBeNull();

    // A journalist is kept out of the console.
    const consoleAttempt = await desk.request.get(`${t.origin}/mod/api/press/questions`);
    expect(consoleAttempt.status()).toBe(401);

    // The journalist asks about the story, by its address.
    await desk.getByLabel('The story (its address or its short name)').fill(`${t.origin}/stories/graded-overnight`);
    await desk.getByLabel('Your question', { exact: true }).fill('Was your project relaunched at a lower rate, and under which name exactly?');
    await desk.getByRole('button', { name: 'Send to the moderators' }).click();
    await desk.getByText('Your question was sent to the moderators.').waitFor();

    // Moderator A edits and relays it.
    await admin.reload();
    const relayText = admin.getByLabel('Text to relay (edit out anything that could identify the source)');
    await relayText.fill('Was your project relaunched at a lower rate?');
    await admin.getByRole('button', { name: 'Relay to the source' }).click();
    await admin.getByText('relayed to the source').first().waitFor();

    // The source sees it on /status with who is asking, and answers privately, revealing who they are.
    const status = await sourceSees(first);
    // The list, not the section: the section also holds the page's words for the bundle, hidden.
    const question = status.locator('#press-question-list');
    await question.getByText('Was your project relaunched at a lower rate?').waitFor();
    await question.getByRole('radio', { name: /Privately, to this journalist only/ }).check();
    await question.getByLabel('Your answer').fill(PRIVATE_ANSWER);
    await question.getByText(/we cannot take it back/).waitFor();
    await question.getByLabel('Tell this journalist who you are (optional)').fill(IDENTITY);
    await question.getByRole('button', { name: 'Send my answer' }).click();
    await status.locator('#press-status').getByText('Your answer was sent.').waitFor();
    await question.getByText('You answered privately.').waitFor();
    // Each step is on the account's own timeline too.
    const timeline = status.getByTestId('timeline');
    await timeline.getByText("A journalist's question was relayed to you.").waitFor();
    await timeline.getByText('You answered privately.').waitFor();

    // The journalist's browser opens it.
    await desk.reload();
    await desk.getByTestId('private-answer').getByText(PRIVATE_ANSWER).waitFor({ timeout: 30_000 });
    await desk.getByText(IDENTITY).waitFor();

    // The database and the moderators' views hold it only as ciphertext.
    const dump = await dumpAllTables(t.database.db);
    for (const secret of [PRIVATE_ANSWER, 'Canary-P9', IDENTITY, 'Canary-ID4']) expect(dump).not.toContain(secret);
    await admin.reload();
    await admin.getByText('answered privately').first().waitFor();
    expect(await admin.content()).not.toContain('Canary-P9');
    const moderatorApi = await call(t.app, moderatorA, 'GET', '/mod/api/press/questions');
    expect(moderatorApi.body).not.toContain('Canary-P9');

    // A second source answers for publication.
    const second = await publishedSource('unpaid-webinars');
    await desk.getByLabel('The story (its address or its short name)').fill('unpaid-webinars');
    await desk.getByLabel('Your question', { exact: true }).fill('Were the onboarding webinars paid?');
    await desk.getByRole('button', { name: 'Send to the moderators' }).click();
    await desk.getByText('Your question was sent to the moderators.').waitFor();
    await admin.reload();
    await admin.getByRole('button', { name: 'Relay to the source' }).click();
    await admin.getByText('Done.').waitFor();
    const secondStatus = await sourceSees(second);
    const secondQuestion = secondStatus.locator('#press-question-list');
    await secondQuestion.getByRole('radio', { name: /For publication/ }).check();
    await secondQuestion.getByLabel('Your answer').fill(`${PUBLIC_ANSWER} I am Robin.`);
    await secondQuestion.getByRole('button', { name: 'Send my answer' }).click();
    await secondQuestion.getByText('You answered for publication; moderators are reviewing it.').waitFor();

    // Moderator A opens it with the intake key in the browser, removes what identifies, sends it on.
    await admin.reload();
    await admin.getByRole('button', { name: 'Open the answer for publication' }).click();
    const answerText = admin.getByLabel('The answer, de-identified, as it will be published');
    await answerText.waitFor({ timeout: 30_000 });
    expect(await answerText.inputValue()).toBe(`${PUBLIC_ANSWER} I am Robin.`);
    await answerText.fill(PUBLIC_ANSWER);
    await admin.getByRole('button', { name: 'Send for second review' }).click();
    await admin.getByText('You prepared this answer: a second moderator must approve it.').waitFor();

    // Moderator B approves; the answer shows under the story.
    const reviewer = watch(await moderatorTab(browser, moderatorB, t.origin));
    await reviewer.goto(`${t.origin}/mod/press`);
    await reviewer.getByRole('button', { name: 'Approve and publish under the story' }).click();
    await reviewer.getByText('answer published').first().waitFor();
    const story = watch(await (await browser.newContext()).newPage());
    await story.goto(`${t.origin}/stories/unpaid-webinars`);
    await story.getByTestId('press-answers').getByText(PUBLIC_ANSWER).waitFor();
    await story.getByText('Lena Ortiz (The Daily Ledger) asked:').waitFor();
    expect(await story.content()).not.toContain('Robin');
  });
});
