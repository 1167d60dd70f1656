// Accessibility in a real Chromium: axe-core on every public, source and moderator page, with
// real published data behind them; no horizontal scrolling at 320 px; screenshots at 1280 and
// 375 px under test/artifacts/ (git-ignored) for a reviewer to look at.
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { AxeResults, ImpactValue, RunOptions } from 'axe-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentIntakeKey } from '../../server/intake/service.js';
import { fromBase64, toBase64 } from '../../common/protocol/encoding.js';
import { assetsDir } from '../../server/paths.js';
import { releaseDueBatch } from '../../server/publishing/release.js';
import { startListeningTestApp, type ListeningTestApp } from '../support/app.js';
import { chromiumAvailable, launchChromium } from '../support/browser.js';
import { sampleAccount, sealForTest } from '../support/intake.js';
import { call, enrolViaApi, logInViaApi, s, type TestModerator } from '../support/moderation.js';
import { approvedStory as sharedApprovedStory, BASE_FACETS, draftStory as sharedDraftStory, insertStatisticsAccounts, type TestFacets, type TestStory } from '../support/publishing.js';

const require = createRequire(import.meta.url);
const AXE_PATH = require.resolve('axe-core/axe.min.js');
const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));
const AXE_OPTIONS: RunOptions = {
  runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
  resultTypes: ['violations'],
};
const BLOCKING: ImpactValue[] = ['serious', 'critical'];
const RULES = { kMin: 11, batchMin: 3, batchDelayDays: 0 };

interface AuditedPage {
  name: string;
  path: () => string;
  /** Public and source pages must not scroll sideways at 320 px. */
  narrow: boolean;
  moderator?: boolean;
  /** A moderator's tab that holds no keys (and no other tab to hand them over): the unlock dialog. */
  keyless?: boolean;
  /** Waits until the page's own script has finished drawing it. */
  ready?: (page: Page) => Promise<void>;
}

describe.skipIf(!chromiumAvailable)('accessibility of every page in Chromium', () => {
  let t: ListeningTestApp;
  let browser: Browser;
  let author: TestModerator;
  let reviewer: TestModerator;
  let storySlug = '';
  let draftId = '';
  let submissionId = '';
  let claimedId = '';
  let returnedId = '';
  let receiptWords: string[] = [];
  let invitations = 0;
  const contexts: BrowserContext[] = [];
  /** The browser bundles the app was started with, by public path. */
  const assets = new Map<string, Buffer>();

  async function submit(account = sampleAccount()): Promise<{ id: string; words: string[] }> {
    const key = (await currentIntakeKey(t.database.db))!;
    const sealed = await sealForTest(key, account);
    const response = await t.app.inject({ method: 'POST', url: '/api/v1/submissions', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(sealed.body) });
    expect(response.statusCode, response.body).toBeLessThan(300);
    const row = await t.database.db.selectFrom('submissions').select('id').where('reply_public_key', '=', fromBase64(s, sealed.body.replyPublicKey)).executeTakeFirstOrThrow();
    return { id: row.id, words: sealed.words };
  }

  const draftStory = (story: TestStory, facets: TestFacets = BASE_FACETS) => sharedDraftStory(t.app, t.database.db, author, story, facets);
  const approvedStory = (story: TestStory, facets: TestFacets = BASE_FACETS) => sharedApprovedStory(t.app, t.database.db, { author, reviewer }, story, facets);
  const insertAccounts = (count: number, facets: Partial<TestFacets>) => insertStatisticsAccounts(t.database.db, count, facets);

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    t = await startListeningTestApp({ K_MIN: '11', BATCH_MIN: '3', BATCH_DELAY_DAYS: '0' });
    // Keep the bundles and chunks this app serves: a rebuild of dist/assets during this long run
    // (another test run's global setup) would otherwise leave pages without their stylesheet.
    for (const file of readdirSync(assetsDir, { recursive: true, encoding: 'utf8' }).filter((f) => /\.(js|css)$/.test(f))) {
      assets.set(`/assets/${file.split(path.sep).join('/')}`, readFileSync(path.join(assetsDir, file)));
    }
    await enrolViaApi(t.app, t.database.db, 'author', 'administrator', { createIntakeKey: true });
    author = await logInViaApi(t.app, 'author', 'author lantern orbit meadow', t.origin);
    await enrolViaApi(t.app, t.database.db, 'reviewer', 'moderator');
    reviewer = await logInViaApi(t.app, 'reviewer', 'reviewer lantern orbit meadow', t.origin);

    // Enough accounts for the statistics to show real numbers, and a few suppressed cells.
    await insertAccounts(24, {});
    await insertAccounts(18, {
      platforms: ['outlier'],
      payBand: '60_89',
      role: 'showrunner',
      taskTypes: ['red_teaming'],
      conditions: { nda_signed: 'yes', stopped_without_notice: 'no', disturbing_content: 'yes' },
    });
    await insertAccounts(14, { platforms: ['turing'], payBand: '20_39', hoursBand: '40_49', taskTypes: ['writing_prompts'] });
    await insertAccounts(4, { platforms: ['appen'], payBand: 'under_20', role: 'vfx_animation', taskTypes: ['annotation'] });

    await approvedStory({
      title: 'Three hundred answers a night',
      body: 'We rated chatbot answers about screenplays until dawn. The project stopped without notice one Friday, and nobody answered our messages.',
      pullQuotes: ['We rated answers until dawn.', 'Nobody answered our messages.'],
    });
    await approvedStory({ title: 'The project that vanished', body: 'The work stopped without notice.', pullQuotes: ['It was gone on a Friday.'] });
    await approvedStory(
      { title: 'Red-teaming for rent', body: 'Writing unsafe prompts paid the rent, barely.', pullQuotes: ['It paid the rent, barely.'] },
      { ...BASE_FACETS, platforms: ['outlier'], taskTypes: ['red_teaming'] },
    );
    const batch = await releaseDueBatch(t.database.db, RULES);
    expect(batch).toBeDefined();
    storySlug = (await t.database.db.selectFrom('stories').select('slug').where('title', '=', 'Three hundred answers a night').executeTakeFirstOrThrow()).slug!;

    // The console has something to show: a draft awaiting review and a submission to open.
    draftId = await draftStory({ title: 'Awaiting a second look', body: 'A draft the reviewer has not read yet.', pullQuotes: ['Not read yet.'] });
    ({ id: submissionId, words: receiptWords } = await submit(
      sampleAccount({ narrative: 'My lead Dana Whitfield asked for 300 ratings a night; write to dana.w@example.com.', quotable: 'Three hundred a night.' }),
    ));
    ({ id: claimedId } = await submit(sampleAccount({ narrative: 'My lead Dana Whitfield asked for 300 ratings a night.', quotable: 'Dana Whitfield wanted three hundred a night.' })));
    returnedId = await draftStory({ title: 'Sent back once', body: 'Dana Whitfield ran the project.', pullQuotes: [] });
    expect((await call(t.app, reviewer, 'POST', `/mod/api/stories/${returnedId}/return`, { note: 'Name the lead less exactly.' })).statusCode).toBe(200);
    const claimed = await call(t.app, author, 'POST', `/mod/api/submissions/${claimedId}/claim`, {});
    expect(claimed.statusCode, claimed.body).toBe(200);

    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await t?.close();
  });

  /**
   * A context for auditing. bypassCSP is used ONLY here, so that axe-core can be injected into
   * pages whose CSP (script-src 'self', Trusted Types required) would refuse it: this test audits
   * the markup, not the CSP, which other tests check on every response.
   */
  async function auditContext(width: number, moderator: boolean, keyless = false): Promise<BrowserContext> {
    const context = await browser.newContext({ bypassCSP: true, viewport: { width, height: 900 }, reducedMotion: 'reduce' });
    contexts.push(context);
    await context.route(`${t.origin}/assets/**`, (route) => {
      const pathname = new URL(route.request().url()).pathname;
      const body = assets.get(pathname);
      if (!body) return route.continue();
      return route.fulfill({ body, contentType: pathname.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8' });
    });
    if (moderator) {
      // The moderator's session, as logging in in this browser would have left it: the
      // cookies (path /mod) and both key pairs kept in sessionStorage for the tab (storeModeratorKeys).
      await context.addCookies(
        Object.entries(author.cookies).map(([name, value]) => ({ name, value, domain: new URL(t.origin).hostname, path: '/mod', httpOnly: true, sameSite: 'Strict' as const })),
      );
      const pair = (p: { publicKey: Uint8Array; privateKey: Uint8Array }) => ({ publicKey: toBase64(s, p.publicKey), privateKey: toBase64(s, p.privateKey) });
      const stored = JSON.stringify({ box: pair(author.keys.boxKeyPair), sign: pair(author.keys.signKeyPair) });
      if (!keyless) await context.addInitScript((value: string) => sessionStorage.setItem('offscript.moderator.keys', value), stored);
    }
    return context;
  }

  async function open(context: BrowserContext, audited: AuditedPage): Promise<Page> {
    const page = await context.newPage();
    page.on('pageerror', (error) => console.error(`${audited.name}: page error: ${error.message}`));
    const response = await page.goto(`${t.origin}${audited.path()}`, { waitUntil: 'networkidle' });
    expect(response?.status(), audited.name).toBeLessThan(audited.name === 'not found' ? 500 : 400);
    if (audited.moderator) expect(new URL(page.url()).pathname, `${audited.name} stayed logged in`).toBe(audited.path().split('?')[0]);
    await audited.ready?.(page);
    // Colour contrast and layout mean nothing unstyled (a rebuild of dist/assets while the
    // app runs would leave it pointing at stylesheets that are gone).
    const styled = await page.evaluate(() => getComputedStyle(document.body).margin === '0px');
    expect(styled, `${audited.name}: the site's stylesheet did not load`).toBe(true);
    return page;
  }

  async function runAxe(page: Page): Promise<AxeResults> {
    await page.addScriptTag({ path: AXE_PATH });
    return page.evaluate((options) => (window as unknown as { axe: { run(context: Document, options: RunOptions): Promise<AxeResults> } }).axe.run(document, options), AXE_OPTIONS);
  }

  function describeViolations(results: AxeResults): string[] {
    return results.violations
      .filter((v) => v.impact && BLOCKING.includes(v.impact))
      .flatMap((v) =>
        v.nodes.map(
          (node) => `${v.id} [${v.impact}] ${node.target.join(' ')} — ${v.help} (${v.helpUrl})${node.failureSummary ? `\n      ${node.failureSummary.replace(/\n/g, '\n      ')}` : ''}`,
        ),
      );
  }

  const PAGES: AuditedPage[] = [
    { name: 'home', path: () => '/', narrow: true },
    { name: 'stories', path: () => '/stories', narrow: true },
    { name: 'stories filtered', path: () => '/stories?platform=mercor&q=answers', narrow: true },
    { name: 'story', path: () => `/stories/${storySlug}`, narrow: true },
    { name: 'stats', path: () => '/stats', narrow: true },
    { name: 'platforms', path: () => '/platforms', narrow: true },
    { name: 'platform scorecard', path: () => '/platforms/outlier', narrow: true },
    { name: 'about', path: () => '/about', narrow: true },
    { name: 'releases', path: () => '/releases', narrow: true },
    { name: 'release', path: () => '/releases/1', narrow: true },
    {
      name: 'api docs',
      path: () => '/api/docs',
      narrow: true,
      // Swagger UI has drawn the operations and one of them is open (its parameters and responses).
      ready: async (page) => {
        await page.locator('#swagger-ui .opblock-summary').first().waitFor({ timeout: 30_000 });
        await page.locator('#swagger-ui .opblock-summary').filter({ hasText: '/api/v1/stats' }).first().click();
        await page.locator('#swagger-ui .opblock-body').first().waitFor();
      },
    },
    { name: 'not found', path: () => '/stories/no-such-story', narrow: true },
    { name: 'submit', path: () => '/submit', narrow: true },
    {
      // A picture attached and its crop tool open: the preview, the crop rectangle and its edges.
      name: 'submit with a picture to crop',
      path: () => '/submit',
      narrow: true,
      ready: async (page) => {
        const base64 = await page.evaluate(async () => {
          const canvas = document.createElement('canvas');
          [canvas.width, canvas.height] = [600, 400];
          canvas.getContext('2d')!.fillRect(100, 100, 200, 100);
          const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/png'));
          return btoa(String.fromCharCode(...new Uint8Array(await blob.arrayBuffer())));
        });
        // The field appears once its tools have loaded (after the first paint): a file set before would go unseen.
        await page.locator('#attachments-field').waitFor();
        await page.getByLabel('Add pictures or PDFs').setInputFiles({ name: 'screenshot.png', mimeType: 'image/png', buffer: Buffer.from(base64, 'base64') });
        await page.getByText('Crop or black out this picture').click({ timeout: 30_000 });
        await page.getByRole('application', { name: 'Rectangle on this picture' }).waitFor({ timeout: 30_000 });
      },
    },
    { name: 'status', path: () => '/status', narrow: true },
    {
      // The source's view of a submission under review: timeline, messages, reply and withdraw.
      name: 'status with receipt',
      path: () => '/status',
      narrow: true,
      ready: async (page) => {
        await page.getByLabel('Your twelve words').fill(receiptWords.join(' '));
        await page.getByRole('button', { name: 'Show my account' }).click();
        await page.getByTestId('status-text').filter({ hasText: /\S/ }).waitFor({ timeout: 30_000 });
      },
    },
    { name: 'mod login', path: () => '/mod/login', narrow: true },
    { name: 'mod queue', path: () => '/mod', narrow: true, moderator: true },
    {
      name: 'mod submission',
      path: () => `/mod/submissions/${submissionId}`,
      narrow: true,
      moderator: true,
      ready: (page) => page.getByTestId('narrative').filter({ hasText: 'Dana' }).waitFor({ timeout: 30_000 }),
    },
    {
      // The same submission once its review has started: the draft, its marks and the publication preview.
      name: 'mod submission in review',
      path: () => `/mod/submissions/${claimedId}`,
      narrow: true,
      moderator: true,
      ready: (page) => page.getByTestId('publication-attribution').filter({ hasText: /\S/ }).waitFor({ timeout: 30_000 }),
    },
    { name: 'mod queue, claimed by me', path: () => '/mod?status=in_review&claim=mine', narrow: true, moderator: true },
    { name: 'mod stories', path: () => '/mod/stories', narrow: true, moderator: true },
    { name: 'mod story', path: () => `/mod/stories/${draftId}`, narrow: true, moderator: true },
    {
      // A draft returned to its author: the revision form with its identifier marks.
      name: 'mod story returned',
      path: () => `/mod/stories/${returnedId}`,
      narrow: true,
      moderator: true,
      ready: (page) => page.locator('#revise-marks-summary').filter({ hasText: /\S/ }).waitFor({ timeout: 30_000 }),
    },
    {
      name: 'mod audit',
      path: () => '/mod/audit',
      narrow: true,
      moderator: true,
      ready: async (page) => {
        await page.waitForFunction(() => !document.getElementById('browser-verification')?.textContent?.startsWith('Verifying'), undefined, { timeout: 30_000 });
      },
    },
    {
      // Issue 28: a tab without keys asks for them in place, over the page.
      name: 'mod submission, unlock dialog',
      path: () => `/mod/submissions/${submissionId}`,
      narrow: true,
      moderator: true,
      keyless: true,
      ready: (page) => page.getByRole('dialog', { name: 'Unlock your keys in this tab' }).waitFor({ timeout: 30_000 }),
    },
    { name: 'mod team', path: () => '/mod/team', narrow: true, moderator: true },
    {
      // The invitation link is long and unbroken: it wraps instead of widening the page.
      name: 'mod team with an invitation',
      path: () => '/mod/team',
      narrow: true,
      moderator: true,
      ready: async (page) => {
        invitations += 1;
        await page.getByLabel('Handle').fill(`invitee${invitations}`);
        await page.getByRole('button', { name: 'Create invitation' }).click();
        await page.locator('#invite-result').getByText('/mod/enrol/').waitFor();
      },
    },
    { name: 'mod passkeys', path: () => '/mod/passkeys', narrow: true, moderator: true },
  ];

  const fileName = (name: string) => name.replace(/\W+/g, '-');

  // Whatever the data: a table far wider than a phone, with a visually hidden span in every cell
  // (as the scorecard's cells have), scrolls in its box; the spans once made the page scroll.
  it('a wide table with visually hidden words scrolls in its own box at 320 px, not the page', async () => {
    const page = await open(await auditContext(320, false), { name: 'about', path: () => '/about', narrow: true });
    const scrollWidth = await page.evaluate(() => {
      const box = document.createElement('div');
      box.className = 'table-scroll';
      const row = document.createElement('tr');
      const question = document.createElement('th');
      question.scope = 'row';
      question.textContent = 'question';
      row.append(question);
      for (let i = 0; i < 12; i++) {
        const cell = document.createElement('td');
        const hidden = document.createElement('span');
        hidden.className = 'visually-hidden';
        hidden.textContent = `context ${i}`;
        cell.append(hidden, `${i} of 40`);
        row.append(cell);
      }
      const table = document.createElement('table');
      table.createTBody().append(row);
      box.append(table);
      document.querySelector('main')!.append(box);
      return { page: document.documentElement.scrollWidth, box: box.scrollWidth };
    });
    expect(scrollWidth.box, 'the table is wider than the screen').toBeGreaterThan(600);
    expect(scrollWidth.page).toBeLessThanOrEqual(321);
  });

  for (const audited of PAGES) {
    it(`${audited.name}: axe finds no serious or critical violation (desktop and phone)`, async () => {
      const problems: string[] = [];
      for (const width of [1280, 375]) {
        const page = await open(await auditContext(width, Boolean(audited.moderator), audited.keyless), audited);
        await page.screenshot({ path: `${ARTIFACTS}a11y-${fileName(audited.name)}-${width}.png`, fullPage: true });
        const results = await runAxe(page);
        problems.push(...describeViolations(results).map((line) => `  at ${width} px: ${line}`));
        // Lesser findings do not fail the test, but are worth a look.
        for (const v of results.violations.filter((x) => !x.impact || !BLOCKING.includes(x.impact))) {
          console.log(`axe (${v.impact}) on ${audited.name} at ${width} px: ${v.id} — ${v.help}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
        }
      }
      expect(problems, `axe on ${audited.path()}:\n${problems.join('\n')}`).toEqual([]);
    });

    // Issue 32: at 1280 px a public table fits without scrolling; on a phone it scrolls in its own box.
    if (['stats', 'platforms', 'releases', 'release'].includes(audited.name)) {
      it(`${audited.name}: its tables fit at 1280 px without scrolling sideways`, async () => {
        const page = await open(await auditContext(1280, false, false), audited);
        const tooWide = await page.evaluate(() =>
          Array.from(document.querySelectorAll<HTMLElement>('.table-scroll'))
            .filter((box) => box.scrollWidth > box.clientWidth + 1)
            .map((box) => `${box.getAttribute('aria-label') ?? box.getAttribute('aria-labelledby') ?? box.className}: ${box.scrollWidth} > ${box.clientWidth}`),
        );
        expect(tooWide, audited.path()).toEqual([]);
      });
    }

    if (audited.narrow) {
      it(`${audited.name}: does not scroll sideways at 320 px`, async () => {
        const page = await open(await auditContext(320, Boolean(audited.moderator), audited.keyless), audited);
        const overflow = await page.evaluate(() => {
          const width = document.documentElement.clientWidth;
          // What sticks out, for the failure message: contents of scrolling wrappers excluded, unless
          // positioned against something outside the wrapper, which its scrolling then does not clip.
          const clipped = (el: HTMLElement) => Boolean(el.closest('.table-scroll')) && (getComputedStyle(el).position !== 'absolute' || Boolean(el.offsetParent?.closest('.table-scroll')));
          const wide = Array.from(document.body.querySelectorAll<HTMLElement>('*'))
            .filter((el) => el.getBoundingClientRect().right > width + 1 && !clipped(el))
            .slice(0, 8)
            .map(
              (el) =>
                `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.split(' ').join('.')}` : ''} (right ${Math.round(el.getBoundingClientRect().right)})`,
            );
          return { scrollWidth: document.documentElement.scrollWidth, wide };
        });
        expect(overflow.scrollWidth, `${audited.path()} at 320 px; too wide: ${overflow.wide.join(', ')}`).toBeLessThanOrEqual(321);
      });
    }
  }
});
