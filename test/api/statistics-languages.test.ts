// Published figures store keys, not words (issue 31 item 2): one stored release reads in every
// language with the same numbers; the JSON API and the feed take ?lang=; a snapshot stored
// with English words before issue 31 is served from its keys like a new one.
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../common/languages.js';
import { todayUtc } from '../../server/db/day.js';
import { publishedStateChanged } from '../../server/publishing/cache.js';
import { latestStatistics, releaseDueBatch } from '../../server/publishing/release.js';
import type { PublishedStatistics, StoredStatistics } from '../../server/publishing/schemas.js';
import { hiddenStatesLine, statsPageTables, tidyCsv } from '../../server/publishing/statistics-formats.js';
import { statisticsIn } from '../../server/publishing/statistics-words.js';
import { startTestApp, type TestApp, TEST_ORIGIN as ORIGIN } from '../support/app.js';
import { insertStatisticsAccounts } from '../support/publishing.js';

let t: TestApp;
const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ url, headers });
const statsIn = async (lang: string) => ((await get(`/api/v1/stats?lang=${lang}`)).json() as { statistics: PublishedStatistics }).statistics;

/** A snapshot with every word taken out: what must be the same in every language. */
function withoutWords(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutWords);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([name]) => !['label', 'title', 'description', 'rowTitle', 'columnTitle', 'question'].includes(name))
      .map(([name, v]) => [name, withoutWords(v)]),
  );
}

const readCatalogue = (language: string, namespace: string): unknown => JSON.parse(readFileSync(new URL(`../../locales/${language}/${namespace}.json`, import.meta.url), 'utf8'));
const leafStrings = (node: unknown): string[] => (typeof node === 'string' ? [node] : Object.values(node as Record<string, unknown>).flatMap(leafStrings));

/** The CSV's lines without the `#` comments, as records. */
const csvRecords = (csv: string) => parse(csv, { columns: true, comment: '#' }) as Record<string, string>[];

beforeAll(async () => {
  t = await startTestApp({ PUBLIC_ORIGIN: ORIGIN, K_MIN: '11' });
  await insertStatisticsAccounts(t.database.db, 40, {});
  expect(await releaseDueBatch(t.database.db, { kMin: 11, batchMin: 3, batchDelayDays: 0, refreshWithoutStories: true }, todayUtc())).toMatchObject({
    sequence: 1,
    statisticsRefreshed: true,
  });
});
afterAll(async () => t?.close());

describe('figures in every language', () => {
  it('stores keys and figures only: no label, title or description in the release', async () => {
    const row = await t.database.db.selectFrom('batches').select('statistics').where('sequence', '=', 1).executeTakeFirstOrThrow();
    const stored = JSON.stringify(row.statistics);
    expect(stored).toContain('"platform_by_pay_band"');
    expect(stored).not.toMatch(/"(label|title|description|rowTitle|columnTitle)"/);
  });

  it('the JSON API gives the same keys and numbers in every language, labels in the one asked for', async () => {
    const [en, es, pt] = await Promise.all(LANGUAGES.map(statsIn));
    expect(withoutWords(es)).toEqual(withoutWords(en));
    expect(withoutWords(pt)).toEqual(withoutWords(en));
    const pay = (s: PublishedStatistics) => s.tables.find((table) => table.id === 'platform_by_pay_band')!;
    expect(pay(en!).title).toBe('Pay per hour, by platform');
    expect(pay(es!).title).toBe('Pago por hora, por plataforma');
    expect(pay(pt!).title).toBe('Pagamento por hora, por plataforma');
    expect(pay(pt!).rows.find((r) => r.key === 'other')?.label).toBe('Outra');
    expect(es!.headline.conditions.find((c) => c.key === 'nda_signed')?.label).toBe('Firmé un acuerdo de confidencialidad');
    // Without ?lang=, the request's language (English until a path prefix sets another).
    expect((await get('/api/v1/stats')).json()).toEqual((await get('/api/v1/stats?lang=en')).json());
    expect((await get('/api/v1/stats?lang=fr')).statusCode).toBe(400);
  });

  it('caches each language apart: its own ETag, each revalidated on its own', async () => {
    const es = await get('/api/v1/stats?lang=es');
    const pt = await get('/api/v1/stats?lang=pt-BR');
    expect(es.headers.etag).not.toBe(pt.headers.etag);
    expect((await get('/api/v1/stats?lang=es', { 'if-none-match': String(es.headers.etag) })).statusCode).toBe(304);
    expect((await get('/api/v1/stats?lang=pt-BR', { 'if-none-match': String(es.headers.etag) })).statusCode).toBe(200);
  });

  it('the tidy CSV holds the same keys and numbers in each language’s file, labels in its language', async () => {
    const latest = (await latestStatistics(t.database.db))!;
    const files = Object.fromEntries(LANGUAGES.map((language) => [language, tidyCsv(language, latest, latest.statistics!.tables, 11)]));
    const numbers = (csv: string) => csvRecords(csv).map(({ table, row, column, count, status, margin }) => [table, row, column, count, status, margin].join(','));
    expect(numbers(files.es!)).toEqual(numbers(files.en!));
    expect(numbers(files['pt-BR']!)).toEqual(numbers(files.en!));
    expect(csvRecords(files.es!).find((r) => r.table === 'hours_band' && r.row === 'all' && r.column === 'total')).toMatchObject({
      table_label: 'Horas por semana',
      row_label: 'Todos los testimonios',
      column_label: 'Total',
    });
    expect(files['pt-BR']).toContain('# Rótulos em português');
    // /stats.csv is the English file (request.language is English without a path prefix); ?lang= picks another.
    expect((await get('/stats.csv')).body).toBe(files.en);
    expect((await get('/stats.csv?lang=es')).body).toBe(files.es);
    expect(numbers((await get('/stats.csv?lang=pt-BR')).body)).toEqual(numbers((await get('/stats.csv')).body));
  });

  it('renders the statistics page tables in the reader’s language, numbers in its notation', async () => {
    const latest = (await latestStatistics(t.database.db))!;
    const [table] = statsPageTables('pt-BR', latest.statistics!);
    expect(table?.title).toBe('Pagamento por hora, por plataforma');
    expect(table?.chart).toContain('Faixa de pagamento mediana, por plataforma');
    expect(table?.chart).toContain('US$ 20–39');
    const page = (await get('/stats')).body;
    expect(page).toContain('Pay per hour, by platform');
  });

  it('renders the whole statistics page in Spanish and Portuguese with no English word of its own left', async () => {
    const latest = (await latestStatistics(t.database.db))!;
    const english = [readCatalogue('en', 'statistics'), readCatalogue('en', 'vocabulary')]
      .flatMap((file) => leafStrings(file))
      // The fragments between placeholders and markup, long enough to be English words, not names.
      .flatMap((text) => text.split(/\{\{[^}]*\}\}|<[^>]*>/))
      .map((fragment) => fragment.trim())
      .filter((fragment) => fragment.length >= 12);
    for (const language of ['es', 'pt-BR'] as const) {
      const page = await t.app.view('pages/stats', {
        language,
        title: 'Statistics',
        latest,
        statistics: latest.statistics,
        figuresFrom: latest.sequence,
        refreshRule: { kMin: 11, refreshEveryMonths: 1, confidencePercent: 95 },
        hiddenStates: hiddenStatesLine(11, language),
        tables: statsPageTables(language, latest.statistics!),
      });
      // What a person reads: the text between tags (charts' titles and descriptions included), not ids and links.
      const main = page
        .slice(page.indexOf('<main'), page.indexOf('</main>'))
        .replace(/<[^>]*>/g, ' ')
        .replaceAll('&#x27;', "'")
        .replaceAll('&quot;', '"');
      expect(main).toContain(language === 'es' ? 'Estadísticas' : 'Estatísticas');
      const left = english.filter((fragment) => main.includes(fragment) && !leafStrings(readCatalogue(language, 'vocabulary')).some((own) => own.includes(fragment)));
      expect(left, language).toEqual([]);
    }
  });

  it('serves a snapshot stored with English words (before issue 31) from its keys, in every language', async () => {
    const before = await Promise.all(LANGUAGES.map(statsIn));
    const row = await t.database.db.selectFrom('batches').select('statistics').where('sequence', '=', 1).executeTakeFirstOrThrow();
    // What a release stored before: the English words beside the keys (here with a stale title, to show it is not read).
    const english = statisticsIn('en', row.statistics as StoredStatistics);
    english.tables[0]!.title = 'An old title';
    await t.database.db
      .updateTable('batches')
      .set({ statistics: sql`${JSON.stringify(english)}::jsonb` })
      .where('sequence', '=', 1)
      .execute();
    publishedStateChanged();
    const after = await Promise.all(LANGUAGES.map(statsIn));
    expect(after).toEqual(before);
    const release = (await get('/api/v1/releases/1?lang=es')).json() as { statistics: PublishedStatistics };
    expect(release.statistics).toEqual(before[1]);
  });

  it('the Atom feed takes ?lang= for its own words', async () => {
    const feed = (await get('/feed.atom?lang=es')).body;
    expect(feed).toContain('xml:lang="es"');
    expect(feed).toContain('<title>Offscript: testimonios del trabajo por encargo para entrenar IA</title>');
    expect((await get('/feed.atom')).body).toContain('xml:lang="en"');
  });
});
