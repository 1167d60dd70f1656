// The whole journey as people meet it, against the real server started with `npm start`:
// an operator sets up, twelve sources give accounts, moderators de-identify and decide, a
// batch is released, a journalist reads, a source withdraws, and nothing readable is left.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseAtomFeed } from 'feedsmith';
import { sql, type Kysely } from 'kysely';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { openDatabase } from '../../server/db/database.js';
import type { Database } from '../../server/db/schema.js';
import type { PublishedStatistics } from '../../server/publishing/schemas.js';
import { addVirtualAuthenticator, chromiumAvailable, launchChromium } from '../support/browser.js';
import { dumpAllTables, openTestDatabase, type TestDatabase } from '../support/database.js';
import { describeViolations, operatorFor, screenshots, seriousViolations, Timings, type Operator } from './support.js';
import { waitUntil } from '../support/wait.js';

interface Source {
  code: string;
  js: boolean;
  keyboard?: boolean;
  role: string;
  platform: string;
  task: string;
  consent: 'quote' | 'stats' | 'background';
  narrative: string;
  decision: 'story' | 'stats' | 'reject' | 'question';
  /** Stories approved only after the withdrawal, to make the second batch. */
  later?: boolean;
}

const CONSENT_LABEL = {
  quote: 'De-identified quotes from my account may be published',
  stats: 'Count my account in statistics only; never quote it',
  background: 'Moderators may read it as background only; do not publish or count it',
};

const IDENTIFIERS = ['Dana Whitfield', 'dana.w@example.com', 'The Long Quiet'];

const SOURCES: Source[] = [
  {
    code: 'J01',
    js: true,
    keyboard: true,
    role: 'Writer',
    platform: 'Outlier',
    task: 'Rating chatbot responses',
    consent: 'quote',
    decision: 'story',
    narrative: 'J01 We rated chatbot answers about lighthouse keepers for weeks; the rubric changed every night.',
  },
  {
    code: 'J02',
    js: true,
    role: 'Showrunner',
    platform: 'Mercor',
    task: 'Writing prompts / answers',
    consent: 'quote',
    decision: 'story',
    narrative: 'J02 I wrote prompts for a model at night and ran a writers room by day; the pay dropped twice.',
  },
  {
    code: 'J03',
    js: true,
    role: "Writers' assistant",
    platform: 'Outlier',
    task: 'Annotation / labelling',
    consent: 'quote',
    decision: 'story',
    narrative: 'J03 Annotation shifts were cancelled without notice, with no explanation and no pay for the hours booked.',
  },
  {
    code: 'J04',
    js: true,
    role: 'Story editor',
    platform: 'Turing',
    task: 'Red-teaming / unsafe content',
    consent: 'quote',
    decision: 'story',
    narrative: 'J04 Red-teaming meant reading violent material for hours; the support line never answered.',
  },
  {
    code: 'J05',
    js: true,
    role: 'Writer',
    platform: 'Outlier',
    task: 'Rating chatbot responses',
    consent: 'quote',
    decision: 'story',
    narrative: 'J05 My lead Dana Whitfield, who wrote on The Long Quiet, said to email dana.w@example.com with complaints. Nobody answered.',
  },
  {
    code: 'J06',
    js: true,
    role: 'VFX / animation',
    platform: 'Scale AI / Remotasks',
    task: 'Image / video evaluation',
    consent: 'quote',
    decision: 'story',
    later: true,
    narrative: 'J06 Rating generated video frames paid less than a runner job, and the queue vanished in a day.',
  },
  {
    code: 'J07',
    js: true,
    role: 'Post-production',
    platform: 'DataAnnotation',
    task: 'Image / video evaluation',
    consent: 'quote',
    decision: 'story',
    later: true,
    narrative: 'J07 The platform asked for sample edits as a test and never paid for them.',
  },
  {
    code: 'J08',
    js: true,
    role: 'Script coordinator',
    platform: 'Invisible',
    task: 'Writing prompts / answers',
    consent: 'quote',
    decision: 'story',
    later: true,
    narrative: 'J08 I wrote dialogue for training data and signed an agreement I was not allowed to keep a copy of.',
  },
  {
    code: 'J09',
    js: true,
    role: 'Actor',
    platform: 'Appen',
    task: 'Rating chatbot responses',
    consent: 'stats',
    decision: 'stats',
    narrative: 'J09 Voice rating tasks, flat fee, no overtime; count me in but never quote me.',
  },
  {
    code: 'J10',
    js: false,
    role: 'Development executive',
    platform: 'Mercor',
    task: 'Annotation / labelling',
    consent: 'background',
    decision: 'stats',
    narrative: 'J10 Background only: the contracts looked like studio deals with the protections removed.',
  },
  {
    code: 'J11',
    js: false,
    role: 'Other',
    platform: 'Other',
    task: 'Other',
    consent: 'quote',
    decision: 'reject',
    narrative: 'J11 This is a test message with nothing about gig work in it at all.',
  },
  {
    code: 'J12',
    js: true,
    role: 'Writer',
    platform: 'Outlier',
    task: 'Rating chatbot responses',
    consent: 'stats',
    decision: 'question',
    narrative: 'J12 They stopped paying after the second month.',
  },
];

const ALICE = { handle: 'admin', passphrase: 'journey copper kettle orbit meadow' };
const BOB = { handle: 'bob', passphrase: 'journey velvet lantern harbour' };
const CLEAR_TEXT_ANSWER = 'J12 answer: it was the Outlier writing project, about six weeks in.';

describe.skipIf(!chromiumAvailable)(`the whole journey on ${process.env.DATABASE_URL ? 'Postgres' : 'PGlite'}`, () => {
  let operator: Operator;
  let browser: Browser;
  let dataDir: string;
  let postgres: TestDatabase | undefined;
  const timings = new Timings();
  const words = new Map<string, string[]>();
  const audited: string[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'offscript-journey-'));
    // One administrator invites the reviewer: without a second administrator, the operator's waiting
    // period (INVITED_REVIEWER_WAIT_DAYS, issue 26) is what lets bob review alice's drafts; 0 for the journey.
    const env: Record<string, string> = {
      DATA_DIR: dataDir,
      K_MIN: '3',
      BATCH_MIN: '3',
      BATCH_DELAY_DAYS: '0',
      RATE_LIMIT_MAX: '1000',
      INVITED_REVIEWER_WAIT_DAYS: '0',
      STATISTICS_REFRESH_MONTHS: '0',
    };
    if (process.env.DATABASE_URL) {
      postgres = await openTestDatabase();
      env.DATABASE_URL = postgres.url!;
    }
    operator = await operatorFor(env);
    browser = await launchChromium();
  });

  afterAll(async () => {
    console.log(timings.report('journey timings'));
    await browser?.close();
    await operator?.stop();
    await postgres?.close();
    await rm(dataDir, { recursive: true, force: true, maxRetries: 5 });
  });

  async function newPage(context: BrowserContext): Promise<Page> {
    const page = await context.newPage();
    // Each person's own authenticator (with PRF), as their phone or security key would be.
    await addVirtualAuthenticator(page);
    page.on('pageerror', (error) => problems.push(`page error on ${page.url()}: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error on ${page.url()}: ${message.text()}`);
    });
    return page;
  }

  /** Every page a person reaches is audited once, as it looks then. */
  async function audit(page: Page, name: string): Promise<void> {
    const key = new URL(page.url()).pathname.replace(/[0-9a-f-]{36}|[a-z0-9-]+-[0-9a-f]{6}$/g, ':id');
    await screenshots(page, `${process.env.DATABASE_URL ? 'pg' : 'pglite'}-${name}`);
    if (audited.includes(key)) return;
    audited.push(key);
    const violations = await seriousViolations(page);
    expect(violations, describeViolations(page.url(), violations)).toEqual([]);
  }

  async function fillEnrolment(page: Page, url: string, passphrase: string): Promise<void> {
    await page.goto(url);
    await page.getByLabel('Passphrase', { exact: true }).fill(passphrase);
    await page.getByLabel('Passphrase again').fill(passphrase);
    await page.getByRole('button', { name: 'Create my keys' }).click();
  }

  async function enrol(page: Page, url: string, passphrase: string): Promise<string> {
    await fillEnrolment(page, url, passphrase);
    await page.getByRole('heading', { name: 'Your keys are ready' }).waitFor({ timeout: 30_000 });
    await audit(page, 'enrolled');
    return (await page.getByTestId('own-fingerprint').textContent())!;
  }

  async function logIn(page: Page, who: { handle: string; passphrase: string }): Promise<void> {
    await page.goto(`${operator.origin}/mod/login`);
    await audit(page, 'login');
    await page.getByLabel('Handle').fill(who.handle);
    await page.getByLabel('Passphrase').fill(who.passphrase);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(`${operator.origin}/mod`, { timeout: 30_000 });
    timings.add(`console unlock (Argon2id MODERATE in Chromium), ${who.handle}`, Number(await page.evaluate(() => sessionStorage.getItem('offscript.unlockMs'))));
  }

  /** Keyboard only: Tab to each control, type, Space and Enter, with visible focus throughout. */
  async function tabTo(page: Page, id: string): Promise<void> {
    for (let i = 0; i < 80; i++) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => {
        const active = document.activeElement as HTMLElement | null;
        return { id: active?.id ?? '', outline: active ? getComputedStyle(active).outlineStyle : 'none' };
      });
      expect(focused.outline, `visible focus on #${focused.id}`).not.toBe('none');
      if (focused.id === id) return;
    }
    throw new Error(`#${id} is not reachable with Tab`);
  }

  async function submitByKeyboard(page: Page, source: Source): Promise<void> {
    // In the form's order: the narrative and consent first, then the optional sections.
    await tabTo(page, 'narrative');
    await page.keyboard.type(source.narrative);
    await tabTo(page, 'consent-quote');
    await page.keyboard.press('Space');
    await tabTo(page, 'role');
    await page.keyboard.press('ArrowDown'); // the first role: Writer
    await tabTo(page, 'platform-outlier');
    await page.keyboard.press('Space');
    await tabTo(page, 'task-rating_responses');
    await page.keyboard.press('Space');
    await tabTo(page, 'submit-button');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Your account is stored' }).waitFor();
  }

  async function giveAccount(context: BrowserContext, source: Source): Promise<void> {
    const page = await newPage(context);
    await page.goto(`${operator.origin}/submit`);
    if (source.code === 'J01') await audit(page, 'submit');
    const started = performance.now();
    if (source.keyboard) {
      await submitByKeyboard(page, source);
    } else {
      await page.getByLabel('Your former industry role').selectOption({ label: source.role });
      await page.getByRole('group', { name: 'Platforms you worked for' }).getByLabel(source.platform, { exact: true }).check();
      await page.getByRole('group', { name: 'Kinds of tasks' }).getByLabel(source.task, { exact: true }).check();
      await page.getByLabel('What happened, in your own words (required)').fill(source.narrative);
      await page.getByLabel(CONSENT_LABEL[source.consent]).check();
      await page.getByRole('button', { name: 'Seal and send my account' }).click();
    }
    await page.getByRole('heading', { name: source.js ? 'Your account is stored' : 'Your account was received' }).waitFor();
    if (source.js) timings.add(`account sealed and sent in the browser, ${source.code}`, performance.now() - started);
    if (!source.js) await expect(page.getByText('encrypted on our server').isVisible()).resolves.toBe(true);
    if (source.code === 'J01' || source.code === 'J10') await audit(page, source.js ? 'submitted' : 'submitted-without-js');
    words.set(source.code, await page.getByTestId('receipt-words').locator('li').allTextContents());
    expect(words.get(source.code)).toHaveLength(12);
    if (source.code === 'J01') {
      // Right after sending, the source checks the copy they noted.
      await page.getByLabel('Type or paste the twelve words as you noted them').fill(words.get(source.code)!.join(' '));
      await page.getByRole('button', { name: 'Check my words' }).click();
      await page.getByTestId('check-result').getByText('These are your twelve words').waitFor();
    }
    await page.close();
  }

  async function openStatus(page: Page, source: Source): Promise<void> {
    await page.goto(`${operator.origin}/status`);
    await page.getByLabel('Your twelve words').fill(words.get(source.code)!.join(' '));
    await page.getByRole('button', { name: 'Show my account' }).click();
    await page.getByTestId('status-text').waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid="status-text"]')?.textContent !== '');
  }

  async function release(): Promise<string> {
    // While the server serves: on PGlite the command runs inside it, through its control channel.
    const output = await timings.measure('npm run release, server running', () => operator.npm('release'));
    const ms = /statistics refreshed in (\d+) ms/.exec(output);
    if (ms) timings.add('statistics recomputed at release', Number(ms[1]));
    return output;
  }

  async function statistics(page: Page): Promise<PublishedStatistics> {
    return ((await (await page.request.get(`${operator.origin}/api/v1/stats`)).json()) as { statistics: PublishedStatistics }).statistics;
  }

  it('runs from setup to withdrawal, and nothing readable is left behind', async () => {
    // 1. The operator follows the README: npm start prints the first administrator's invitation.
    await operator.start();
    await waitUntil(() => operator.log().includes('/mod/enrol/'), 'the invitation link in the log');
    const aliceUrl = /(http:\/\/\S+\/mod\/enrol\/\S+)/.exec(operator.log())![1]!;
    const aliceContext = await browser.newContext();
    const alice = await newPage(aliceContext);
    const loginPage = await newPage(aliceContext);
    await loginPage.goto(`${operator.origin}/mod/login`);
    await loginPage.getByTestId('first-administrator').waitFor();
    await audit(loginPage, 'login-before-first-administrator');
    await loginPage.close();
    // Enrolment logs in and asks the first administrator for a spare passkey: no second passphrase.
    await fillEnrolment(alice, aliceUrl, ALICE.passphrase);
    await alice.waitForURL(`${operator.origin}/mod/passkeys`, { timeout: 30_000 });
    await audit(alice, 'passkeys');
    await alice.goto(`${operator.origin}/mod/team`);
    await audit(alice, 'team');
    await alice.getByLabel('Handle').fill(BOB.handle);
    await alice.getByRole('button', { name: 'Create invitation' }).click();
    await alice.locator('#invite-result').getByText('/mod/enrol/').waitFor();
    const bobUrl = /(http:\/\/\S+\/mod\/enrol\/\S+)/.exec((await alice.locator('#invite-result').textContent())!)![1]!;
    const bobContext = await browser.newContext();
    const bob = await newPage(bobContext);
    const bobFingerprint = await enrol(bob, bobUrl, BOB.passphrase);
    await alice.reload();
    await alice.getByRole('button', { name: 'Grant key to bob' }).click();
    await expect(alice.getByTestId('grant-fingerprint').textContent()).resolves.toBe(bobFingerprint);
    await alice.getByLabel('They read me the same fingerprint').check();
    await alice.getByRole('button', { name: 'Seal the intake keys to them' }).click();
    await alice.getByRole('row', { name: /bob/ }).getByRole('cell', { name: 'yes', exact: true }).waitFor();
    // The show title goes on the sealed watch list, so the redaction helper marks it.
    await alice.getByLabel('Terms, one per line').fill('The Long Quiet');
    await alice.getByRole('button', { name: 'Save the watch list' }).click();
    await alice.getByText('Watch list saved (1 terms)').waitFor();

    // 2. Twelve sources give their accounts, two of them without JavaScript.
    const withJs = await browser.newContext();
    const withoutJs = await browser.newContext({ javaScriptEnabled: false });
    for (const source of SOURCES) await giveAccount(source.js ? withJs : withoutJs, source);

    // 3. The administrator decrypts each account, de-identifies, decides.
    await alice.goto(`${operator.origin}/mod`);
    await audit(alice, 'queue');
    const decide = async (source: Source, page: Page) => {
      if (source.decision === 'reject') {
        await page.getByLabel('Reason for rejecting (kept in the audit log only)').fill('Not an account of gig work.');
        await page.getByRole('button', { name: 'Reject' }).click();
        return page.getByText('Rejected.').waitFor();
      }
      if (source.decision === 'question') {
        await page.getByLabel('Ask the source a question').fill('J12 question: which platform and project was this?');
        await page.getByRole('button', { name: 'Send question' }).click();
        return page.getByText('Question sealed and sent').waitFor();
      }
      if (source.decision === 'story') {
        // The draft starts from the quotable passage (none here): draft from the narrative, then
        // resolve every mark, or Accept is refused.
        await page.getByRole('button', { name: 'Start from the whole narrative instead' }).click();
        if (source.code === 'J05') {
          const marked = await page.locator('#identifier-list mark').allTextContents();
          expect(marked).toEqual(expect.arrayContaining(IDENTIFIERS));
          await page.getByRole('button', { name: 'Redact all unresolved' }).click();
          const text = await page.getByLabel('De-identified text').inputValue();
          for (const identifier of IDENTIFIERS) expect(text).not.toContain(identifier);
        }
        // Whatever else the helper marks in these invented accounts is not identifying.
        const unresolved = page.locator('#identifier-list li.unresolved input[type="checkbox"]');
        while ((await unresolved.count()) > 0) await unresolved.first().check();
        await page.getByLabel('Title').fill(`Story ${source.code}`);
      }
      await page.getByRole('button', { name: 'Accept' }).click();
      return page.getByText(/^Accepted/).waitFor();
    };
    const openNext = async (status: string): Promise<Source | undefined> => {
      await alice.goto(`${operator.origin}/mod?status=${status}`);
      const link = alice.getByTestId('open-submission').first();
      if ((await link.count()) === 0) return undefined;
      await link.click();
      const started = performance.now();
      // Either the account opens, or the console says why not (e.g. a bundle that did not seal).
      // The status line empties once everything is open, or ends in a sentence saying what failed.
      await alice.waitForFunction(
        () => {
          const status = document.getElementById('submission-status')?.textContent ?? '';
          return status === '' || status.endsWith('.');
        },
        undefined,
        { timeout: 30_000 },
      );
      expect(await alice.locator('#submission-status').textContent(), 'the console could not open a submission').toBe('');
      timings.add('open and decrypt a submission in the console', performance.now() - started);
      const narrative = (await alice.getByTestId('narrative').textContent())!;
      const source = SOURCES.find((s) => narrative.startsWith(s.code))!;
      expect(narrative).toBe(source.narrative);
      // Opening only reads; "Start review" claims it (already hers when she asked the source a question).
      const start = alice.getByRole('button', { name: 'Start review' });
      if (await start.isVisible()) await start.click();
      await alice.locator('#decisions').waitFor({ state: 'visible' });
      return source;
    };
    let opened = 0;
    for (let source = await openNext('received'); source; source = await openNext('received')) {
      if (opened++ === 0) await audit(alice, 'submission');
      await decide(source, alice);
    }
    expect(opened).toBe(SOURCES.length);

    // The questioned source comes back with the words and answers; the moderator reads it.
    const j12 = SOURCES.find((s) => s.code === 'J12')!;
    const sourcePage = await newPage(withJs);
    await openStatus(sourcePage, j12);
    await audit(sourcePage, 'status');
    await expect(sourcePage.getByTestId('messages').textContent()).resolves.toContain('J12 question: which platform and project was this?');
    await sourcePage.getByLabel('Your message').fill(CLEAR_TEXT_ANSWER);
    await sourcePage.getByRole('button', { name: 'Seal and send my message' }).click();
    await sourcePage
      .getByText(/sent|sealed/i)
      .first()
      .waitFor();
    const answered = await openNext('in_review');
    expect(answered?.code).toBe('J12');
    await expect(alice.locator('#messages').textContent()).resolves.toContain(CLEAR_TEXT_ANSWER);
    await alice.getByRole('button', { name: 'Accept' }).click();
    await alice.getByText(/^Accepted/).waitFor();

    // The operator refreshes the figures (a trial's every-batch schedule): the accepted accounts are
    // counted, and the reviewer's tags and labels are decided on these noisy counts.
    expect(await release()).toMatch(/released batch \d+: 0 stories; statistics refreshed/);

    // 4. The second moderator approves the drafts (three are kept for a later batch).
    await logIn(bob, BOB);
    const approve = async (code: string) => {
      await bob.goto(`${operator.origin}/mod/stories`);
      await bob.getByRole('link', { name: `Story ${code}` }).click();
      const body = (await bob.getByTestId('story-body').textContent())!;
      for (const identifier of IDENTIFIERS) expect(body).not.toContain(identifier);
      await bob.getByRole('button', { name: 'Approve' }).click();
      await bob.getByText('Approved: the story waits for the next batch.').waitFor();
    };
    await bob.goto(`${operator.origin}/mod/stories`);
    await audit(bob, 'stories');
    for (const source of SOURCES.filter((s) => s.decision === 'story' && !s.later)) await approve(source.code);
    await bob.goto(`${operator.origin}/mod/audit`);
    await bob
      .getByTestId('browser-verification')
      .getByText(/verified the chain: intact/)
      .waitFor();
    await audit(bob, 'audit');
    // The first start released the month's scheduled refresh on its own (no stories), so the batch number varies.
    expect(await release()).toMatch(/released batch \d+: 5 stories/);

    // 5. A journalist reads.
    const journalist = await newPage(await browser.newContext());
    await journalist.goto(`${operator.origin}/`);
    await audit(journalist, 'home');
    await journalist.goto(`${operator.origin}/stories`);
    await audit(journalist, 'stories');
    await journalist.getByLabel('Platform').selectOption({ label: 'Outlier' });
    await journalist.getByRole('button', { name: 'Show stories' }).click();
    const outlierTitles = await journalist.locator('article h2').allTextContents();
    // A platform tag needs the latest refresh's noisy count to clear K_MIN after noise (with its
    // margin): at ten accounts it may not, so the filter may find nothing; never a withdrawn story.
    expect(outlierTitles).not.toContain('Story J02');
    await journalist.goto(`${operator.origin}/stories`);
    await journalist.getByLabel('Search').fill('lighthouse');
    await journalist.getByRole('button', { name: 'Show stories' }).click();
    await expect(journalist.locator('article h2').allTextContents()).resolves.toEqual(['Story J01']);
    await journalist.getByRole('link', { name: 'Story J01' }).click();
    await journalist.getByRole('heading', { name: 'Cite this' }).waitFor();
    await audit(journalist, 'story');
    const j05 = await journalist.request.get(`${operator.origin}/api/v1/stories?q=lead`);
    for (const identifier of IDENTIFIERS) expect(await j05.text()).not.toContain(identifier);
    await journalist.goto(`${operator.origin}/stats`);
    await audit(journalist, 'stats');
    const csv = await journalist.request.get(`${operator.origin}/stats.csv`);
    expect(csv.headers()['content-type']).toContain('text/csv');
    expect(await csv.text()).toContain('platform_by_pay_band');
    const feed = parseAtomFeed(await (await journalist.request.get(`${operator.origin}/feed.atom`)).text());
    const titleOf = (entry: { title?: unknown }) => (typeof entry.title === 'string' ? entry.title : (entry.title as { value?: string } | undefined)?.value);
    // Stories, and (once platforms have enough accounts) the release's scorecards entry.
    expect(
      feed.entries
        ?.map(titleOf)
        .filter((title) => !/^Release \d+: platform scorecards$/.test(title ?? ''))
        .sort(),
    ).toEqual(['Story J01', 'Story J02', 'Story J03', 'Story J04', 'Story J05']);
    const before = await statistics(journalist);
    // Counted: eight quoting and two statistics-only accounts (background and rejected are not),
    // published with noise, so near 10 rather than exactly; K_MIN is 3 here.
    expect(before.headline.accounts.status).not.toBe('withheld');
    expect(await (await journalist.request.get(`${operator.origin}/stats`)).text()).toContain('Figures last updated');
    await journalist.goto(`${operator.origin}/about`);
    await audit(journalist, 'about');

    // 6. One source withdraws; their story is retracted at once, their numbers go at the next
    // refresh of the figures (here, a trial's STATISTICS_REFRESH_MONTHS=0: the next batch).
    const j02 = SOURCES.find((s) => s.code === 'J02')!;
    const withdrawing = await newPage(withJs);
    await openStatus(withdrawing, j02);
    await expect(withdrawing.locator('#story-link-anchor').getAttribute('href')).resolves.toMatch(/\/stories\/story-j02-/);
    await withdrawing.getByLabel('I understand this cannot be undone').check();
    await withdrawing.getByRole('button', { name: 'Withdraw my account' }).click();
    await withdrawing.getByText('Your account was withdrawn.').waitFor();
    const retractedPage = await journalist.request.get(`${operator.origin}/stories`);
    expect(await retractedPage.text()).not.toContain('Story J02');
    for (const source of SOURCES.filter((s) => s.later)) await approve(source.code);
    expect(await release()).toMatch(/released batch \d+: 3 stories/);
    const after = await statistics(journalist);
    expect(after.release?.refresh).toBe((before.release?.refresh ?? 0) + 1);
    const feedAfter = parseAtomFeed(await (await journalist.request.get(`${operator.origin}/feed.atom`)).text());
    expect(feedAfter.entries?.map(titleOf)).not.toContain('Story J02');
    expect(feedAfter.entries?.map(titleOf)).toContain('Story J06');

    // 7. Nothing readable remains: dump every table and the server's log.
    await operator.stop();
    const db: Kysely<Database> = postgres ? postgres.db : (await openDatabase(loadConfig({ DATA_DIR: dataDir }))).db;
    const dump = await dumpAllTables(db);
    const log = operator.log();
    for (const source of SOURCES) {
      const receipt = words.get(source.code)!.join(' ');
      expect(dump, `${source.code} receipt in the database`).not.toContain(receipt);
      expect(log, `${source.code} receipt in the log`).not.toContain(receipt);
      expect(log, `${source.code} account in the log`).not.toContain(source.narrative);
      // Only de-identified story text is ever stored in clear, and only for accounts that allowed quotes.
      if (source.decision !== 'story' || source.code === 'J02' || source.code === 'J05') {
        expect(dump, `${source.code} account in the database`).not.toContain(source.narrative.slice(4));
      }
    }
    for (const identifier of IDENTIFIERS) expect(dump).not.toContain(identifier);
    expect(dump).not.toContain(CLEAR_TEXT_ANSWER);
    for (const secret of [ALICE.passphrase, BOB.passphrase]) expect(dump + log).not.toContain(secret);
    expect(log).not.toContain('HeadlessChrome');
    // The lines naming the server's own origin (PUBLIC_ORIGIN) are not about any client.
    const ownOrigin = (line: string) => line.includes('listening') || line.includes('Offscript on') || line.includes(`${operator.origin}/mod/enrol/`);
    expect(log.split('\n').filter((line) => !ownOrigin(line))).not.toEqual(expect.arrayContaining([expect.stringContaining('127.0.0.1')]));
    const timeColumns = await sql<{ table_name: string; column_name: string }>`
      select table_name, column_name from information_schema.columns
      where table_schema = 'public' and table_name in ('submissions', 'messages', 'accounts', 'stories', 'batches')
        and data_type like 'timestamp%'`.execute(db);
    expect(timeColumns.rows).toEqual([]);
    if (!postgres) await db.destroy();

    expect(problems).toEqual([]);
  }, 900_000);
});
