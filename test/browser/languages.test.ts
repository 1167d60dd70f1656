// Issue 31's acceptance journeys, in Chromium: a source and a reader in Spanish and in Brazilian
// Portuguese, finding everything by its visible words in that language. Give an account with
// JavaScript and without, check on it with the receipt's words, read a story, /stats, /platforms
// and a release; axe-core at 375 and 1280 px; and no string of the English catalogue visible.
import { createRequire } from 'node:module';
import type { AxeResults, ImpactValue, RunOptions } from 'axe-core';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SOURCE_LANGUAGE, type Language } from '../../common/languages.js';
import { translate } from '../../server/i18n/catalogue.js';
import { readCatalogues } from '../../server/i18n/translation-check.js';
import { localesDir } from '../../server/paths.js';
import { releaseDueBatch } from '../../server/publishing/release.js';
import { appAndChromium, chromiumAvailable } from '../support/browser.js';
import { enrolViaApi, logInViaApi } from '../support/moderation.js';
import { approvedStory, BASE_FACETS, insertStatisticsAccounts } from '../support/publishing.js';

const require = createRequire(import.meta.url);
const AXE_PATH = require.resolve('axe-core/axe.min.js');
const AXE_OPTIONS: RunOptions = { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }, resultTypes: ['violations'] };
const BLOCKING: ImpactValue[] = ['serious', 'critical'];
const JOURNEYS: { language: Exclude<Language, 'en'>; narrative: string; story: { title: string; body: string } }[] = [
  {
    language: 'es',
    narrative: 'Calificábamos respuestas de chatbots toda la noche y nunca nos pagaron las horas de espera.',
    story: { title: 'Trescientas respuestas por noche', body: 'Calificábamos respuestas hasta el amanecer; el proyecto se detuvo sin aviso un viernes.' },
  },
  {
    language: 'pt-BR',
    narrative: 'Avaliávamos respostas de chatbots a noite toda e nunca recebemos pelas horas de espera.',
    story: { title: 'Trezentas respostas por noite', body: 'Avaliávamos respostas até o amanhecer; o projeto parou sem aviso numa sexta-feira.' },
  },
];

/**
 * Pieces of English a page must not show in `language`: every English catalogue string whose
 * translation differs, cut at its placeholders and markup, where a piece is long enough to mean
 * something (a word of six letters, or two words).
 */
function englishPieces(language: Language): string[] {
  const catalogues = readCatalogues(localesDir, [SOURCE_LANGUAGE, language]);
  const english = catalogues.get(SOURCE_LANGUAGE)!;
  const theirs = catalogues.get(language)!;
  const pieces = new Set<string>();
  for (const [key, words] of english) {
    if (theirs.get(key) === words) continue;
    for (const piece of words.replace(/<[^>]+>/g, '\u0000').split(/\{\{[^}]*\}\}|\u0000/)) {
      const trimmed = piece.replace(/^[\s,.:;·()—–“”]+|[\s,.:;·()—–“”]+$/g, '');
      if (/[A-Za-z]{6,}/.test(trimmed) || /[A-Za-z]{2,} [A-Za-z]{2,}/.test(trimmed)) pieces.add(trimmed);
    }
  }
  return [...pieces];
}

/** Words that read the same in Spanish and Portuguese as in English ("software"), or that are names in code (the CSV column "status"). */
const SAME_IN_EVERY_LANGUAGE: readonly string[] = ['software', 'status'];

describe.skipIf(!chromiumAvailable)('Spanish and Brazilian Portuguese journeys in Chromium', () => {
  const run = appAndChromium({ K_MIN: '11', BATCH_MIN: '1', BATCH_DELAY_DAYS: '0' });
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    const { app, database, origin } = run.t;
    await enrolViaApi(app, database.db, 'author', 'administrator', { createIntakeKey: true });
    const author = await logInViaApi(app, 'author', 'author lantern orbit meadow', origin);
    await enrolViaApi(app, database.db, 'reviewer', 'moderator');
    const reviewer = await logInViaApi(app, 'reviewer', 'reviewer lantern orbit meadow', origin);
    await insertStatisticsAccounts(database.db, 24, {});
    await insertStatisticsAccounts(database.db, 14, { platforms: ['outlier'], payBand: '60_89', taskTypes: ['red_teaming'] });
    for (const { story } of JOURNEYS) await approvedStory(app, database.db, { author, reviewer }, { ...story, pullQuotes: [] }, BASE_FACETS);
    expect(await releaseDueBatch(database.db, { kMin: 11, batchMin: 1, batchDelayDays: 0 })).toBeDefined();
  });
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
  });

  async function newPage(javaScriptEnabled: boolean, width = 1280, bypassCSP = false): Promise<Page> {
    const context = await run.browser.newContext({ javaScriptEnabled, bypassCSP, viewport: { width, height: 900 }, reducedMotion: 'reduce' });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (error) => console.error('page error:', error.message));
    return page;
  }

  /** Gives an account through /<language>/submit by its visible words; resolves with the receipt. */
  async function giveAccount(page: Page, language: Language, narrative: string, javaScript: boolean): Promise<string[]> {
    const t = (key: string) => translate(language, key);
    await page.goto(`${run.t.origin}/${language}/submit`);
    await page.getByLabel(t('submit:narrative')).fill(narrative);
    await page
      .getByRole('group', { name: t('submit:consent') })
      .locator('input[value="stats"]')
      .check();
    await page.getByRole('button', { name: t('submit:send') }).click();
    await page.getByRole('heading', { name: javaScript ? t('submit:storedHeading') : t('submit:received.title') }).waitFor();
    return page.getByTestId('receipt-words').locator('li').allTextContents();
  }

  /** Opens /<language>/status with `words`; resolves with the status line it shows. */
  async function checkStatus(page: Page, language: Language, words: string[]): Promise<string> {
    const t = (key: string) => translate(language, key);
    await page.goto(`${run.t.origin}/${language}/status`);
    await page.getByLabel(t('status:words')).fill(words.join(' '));
    await page.getByRole('button', { name: t('status:show') }).click();
    await page.getByRole('heading', { name: t('status:resultHeading') }).waitFor();
    return (await page.getByTestId('status-text').textContent()) ?? '';
  }

  async function englishShown(page: Page, pieces: string[], stillEnglish: readonly string[] = []): Promise<string[]> {
    // Addresses are not words: a story's permanent link reads /stories/… in every language.
    const text = (await page.evaluate(() => document.body.innerText)).replace(/https?:\/\/\S+/g, ' ');
    return pieces.filter((piece) => !stillEnglish.includes(piece)).filter((piece) => new RegExp(`(^|[^\\p{L}])${piece.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\p{L}])`, 'u').test(text));
  }

  async function axeViolations(page: Page): Promise<string[]> {
    await page.addScriptTag({ path: AXE_PATH });
    const results = await page.evaluate((options) => (window as unknown as { axe: { run(d: Document, o: RunOptions): Promise<AxeResults> } }).axe.run(document, options), AXE_OPTIONS);
    return results.violations.filter((v) => v.impact && BLOCKING.includes(v.impact)).flatMap((v) => v.nodes.map((node) => `${v.id} ${node.target.join(' ')}`));
  }

  for (const { language, narrative, story } of JOURNEYS) {
    const t = (key: string, values: Record<string, unknown> = {}) => translate(language, key, values);

    it(`${language}: an account given with JavaScript and one without are stored, and their receipts open their status in ${language}`, async () => {
      const pieces = englishPieces(language);
      for (const javaScript of [true, false]) {
        const page = await newPage(javaScript);
        const words = await giveAccount(page, language, narrative, javaScript);
        expect(words).toHaveLength(12);
        // The receipt's own words come from the official BIP-39 list of the language, which shares a few with English ("status", "final").
        expect(await englishShown(page, pieces, words), `${language} receipt page (JavaScript ${javaScript})`).toEqual([]);
        // Receipt words in the page's language arrive with the figures/receipts branch (issue 31 item 5);
        // here they must round-trip, whatever list they come from.
        expect(await checkStatus(page, language, words)).toBe(t('status:states.received'));
        expect(await page.locator('html').getAttribute('lang')).toBe(language);
        expect(await englishShown(page, pieces), `${language} status page (JavaScript ${javaScript})`).toEqual([]);
      }
    });

    it(`${language}: a reader finds a story, the statistics, the platforms and a release by their ${language} words`, async () => {
      const pieces = englishPieces(language);
      const shown: string[] = [];
      const page = await newPage(true);
      await page.goto(`${run.t.origin}/${language}/`);
      shown.push(...(await englishShown(page, pieces, SAME_IN_EVERY_LANGUAGE)).map((piece) => `home: ${piece}`));
      await page
        .getByRole('navigation', { name: t('common:nav.label') })
        .getByRole('link', { name: t('common:nav.stories') })
        .click();
      await page.getByRole('link', { name: story.title }).click();
      await page.getByRole('heading', { name: story.title, level: 1 }).waitFor();
      expect(new URL(page.url()).pathname).toMatch(new RegExp(`^/${language}/stories/`));
      shown.push(...(await englishShown(page, pieces, SAME_IN_EVERY_LANGUAGE)).map((piece) => `story: ${piece}`));
      await page
        .getByRole('link', { name: t('pages:stories.release', { sequence: 1 }) })
        .first()
        .click();
      await page.getByRole('heading', { name: t('pages:release.title', { sequence: 1 }), level: 1 }).waitFor();
      shown.push(...(await englishShown(page, pieces, SAME_IN_EVERY_LANGUAGE)).map((piece) => `release: ${piece}`));
      for (const [navKey, heading] of [
        ['common:nav.statistics', 'pages:stats.title'],
        ['common:nav.platforms', 'scorecard:page.title'],
      ]) {
        await page
          .getByRole('navigation', { name: t('common:nav.label') })
          .getByRole('link', { name: t(navKey!) })
          .click();
        await page.getByRole('heading', { name: t(heading!), level: 1 }).waitFor();
        expect(new URL(page.url()).pathname.startsWith(`/${language}/`)).toBe(true);
        shown.push(...(await englishShown(page, pieces, SAME_IN_EVERY_LANGUAGE)).map((piece) => `${heading}: ${piece}`));
      }
      expect(shown).toEqual([]);
      // The switcher is plain links: English is one click away.
      await page
        .getByRole('navigation', { name: t('common:languages.label') })
        .getByRole('link', { name: 'English' })
        .click();
      await page.getByRole('heading', { name: translate('en', 'scorecard:page.title'), level: 1 }).waitFor();
      expect(new URL(page.url()).pathname).toBe('/platforms');
    });

    it(`${language}: axe-core finds no serious violation on the journey's pages at 375 and 1280 px`, async () => {
      const slug = (await run.t.database.db.selectFrom('stories').select('slug').where('title', '=', story.title).executeTakeFirstOrThrow()).slug!;
      const paths = ['/', '/submit', '/status', '/stories', `/stories/${slug}`, '/stats', '/platforms', '/releases/1', '/about'];
      const found: string[] = [];
      for (const width of [375, 1280]) {
        // bypassCSP only so that axe-core can be injected; other tests check the CSP itself.
        const page = await newPage(true, width, true);
        for (const path of paths) {
          await page.goto(`${run.t.origin}/${language}${path}`, { waitUntil: 'networkidle' });
          found.push(...(await axeViolations(page)).map((v) => `${width}px ${path}: ${v}`));
        }
      }
      expect(found).toEqual([]);
    });
  }
});
