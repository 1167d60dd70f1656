// The scorecard on the demo data (issue 32): `/platforms`, `/platforms.csv` and `/api/v1/platforms`
// agree cell by cell, each parsed on its own terms (the page's words, the CSV's columns, the JSON);
// and no public page or file carries a placeholder or a literal variable name.
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS, DEMO_STORIES, seedDemoData } from '../../scripts/seed.js';
import { platforms } from '../../common/vocabulary.js';
import type { ScorecardResponse } from '../../server/publishing/schemas.js';
import { seededRandomIntegers, seededUnit } from '../support/seeded-random.js';
import { startTestApp, type TestApp, TEST_ORIGIN as ORIGIN } from '../support/app.js';

const K_MIN = 11;
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ PUBLIC_ORIGIN: ORIGIN, K_MIN: String(K_MIN), BATCH_MIN: '3' });
  // `npm run demo`'s data set (scripts/demo.ts), drawn from a fixed seed so that a failure repeats.
  await seedDemoData(t.database.db, { accounts: DEMO_ACCOUNTS, stories: DEMO_STORIES, kMin: K_MIN, batchMin: 3, random: seededUnit(seededRandomIntegers('scorecard-demo')) });
}, 300_000); // the demo moderators' Argon2id derivations are slow by design
afterAll(async () => t?.close());

const get = async (url: string) => {
  const response = await t.app.inject({ url });
  expect(response.statusCode, url).toBe(200);
  return response.body;
};

const decodeHtml = (text: string) =>
  text.replace(/&(#x[0-9a-f]+|#\d+|quot|amp|lt|gt);/gi, (_, code: string) =>
    code[0] === '#'
      ? String.fromCodePoint(code[1] === 'x' ? parseInt(code.slice(2), 16) : Number(code.slice(1)))
      : ({ quot: '"', amp: '&', lt: '<', gt: '>' } as Record<string, string>)[code.toLowerCase()]!,
  );

interface ParsedCell {
  state: string;
  says: number | null;
  saysMargin: number | null;
  answered: number | null;
  answeredMargin: number | null;
  percent: number | null;
}

/** A cell as a reader sees it: its state and numbers read back from its words alone. */
function readWords(words: string): ParsedCell {
  const none = { says: null, saysMargin: null, answered: null, answeredMargin: null, percent: null };
  const shown = /^(\d+)(?: ± (\d+))? of (\d+)(?: ± (\d+))? \((\d+) %\)$/.exec(words);
  if (shown) {
    const [, says, saysMargin, answered, answeredMargin, percent] = shown.map((v) => (v === undefined ? null : Number(v)));
    return { state: 'shown', says: says!, saysMargin: saysMargin ?? null, answered: answered!, answeredMargin: answeredMargin ?? null, percent: percent! };
  }
  const saysOnly = /^(\d+)(?: ± (\d+))?; how many answered is withheld to protect another figure$/.exec(words);
  if (saysOnly) return { ...none, state: 'shown', says: Number(saysOnly[1]), saysMargin: saysOnly[2] ? Number(saysOnly[2]) : null };
  if (words === `not shown: fewer than ${K_MIN} after noise`) return { ...none, state: 'fewer_than_k' };
  if (words === 'withheld to protect another figure') return { ...none, state: 'withheld' };
  if (/^not asked before \d{4}, (first|second) half( \(\d+( ± \d+)? accounts came before the question\))?$/.test(words)) return { ...none, state: 'not_asked' };
  if (words === 'no account answered') return { ...none, state: 'no_answers' };
  throw new Error(`a cell whose words name no state: ${words}`);
}

describe('the scorecard on the demo data', () => {
  it('/platforms, /platforms.csv and /api/v1/platforms agree cell by cell, and every cell names its question', async () => {
    const api = JSON.parse(await get('/api/v1/platforms')) as ScorecardResponse;
    expect(api.platforms.length).toBeGreaterThan(1);
    const fromApi = new Map<string, ParsedCell>();
    for (const q of api.questions) {
      for (const c of q.cells) {
        const shown = (f: typeof c.says) => (f.status === 'shown' ? f.count : null);
        const margin = (f: typeof c.says) => (f.status === 'shown' ? (f.margin ?? null) : null);
        // The page shows "answered" only beside a shown share; a hidden share leaves it out.
        const withShare = c.percent !== null;
        fromApi.set(`${q.key}/${c.platform}`, {
          state: c.state,
          says: shown(c.says),
          saysMargin: margin(c.says),
          answered: withShare ? shown(c.answered) : null,
          answeredMargin: withShare ? margin(c.answered) : null,
          percent: c.percent,
        });
        expect(c.text, `${q.key}/${c.platform}`).toContain(`“${q.asked}”`);
      }
    }
    // Every state a reader must be able to tell apart turns up in the demo data.
    const states = new Set([...fromApi.values()].map((c) => c.state));
    if (process.env.SHOW_SCORECARD) for (const q of api.questions) console.log(q.key, q.cells.map((c) => `${c.platform}: ${c.words}`).join(' | '));
    expect(states).toContain('shown');
    expect([...states].some((s) => s !== 'shown')).toBe(true);

    // The page: columns from the header, each cell's state from its words (the hidden context aside).
    const page = await get('/platforms');
    const table = /<table id="scorecard">([\s\S]*?)<\/table>/.exec(page)?.[1] ?? '';
    const columns = [...table.matchAll(/<th scope="col" data-platform="([a-z_]+)">/g)].map((m) => m[1]);
    expect(columns).toEqual(api.platforms.map((p) => p.key));
    const fromPage = new Map<string, ParsedCell>();
    for (const row of table.matchAll(/<tr data-question="([a-z_]+)">([\s\S]*?)<\/tr>/g)) {
      const header = decodeHtml(/<th scope="row">([\s\S]*?)<\/th>/.exec(row[2]!)![1]!.replace(/<[^>]+>/g, ''));
      expect(header).toContain(`“${api.questions.find((q) => q.key === row[1])!.asked}”`);
      const cells = [...row[2]!.matchAll(/<td data-platform="([a-z_]+)" data-state="([a-z_]+)"><span class="visually-hidden">([^<]*)<\/span>([^<]*)<\/td>/g)];
      expect(cells.map((c) => c[1])).toEqual(columns);
      for (const [, platform, state, context, words] of cells) {
        const parsed = readWords(decodeHtml(words!));
        expect(parsed.state, `${row[1]}/${platform}`).toBe(state);
        // Read aloud, the cell names its platform and the question.
        expect(decodeHtml(context!)).toContain(platforms.labelOf(platform!));
        fromPage.set(`${row[1]}/${platform}`, parsed);
      }
    }

    // The CSV: one line per cell, its own columns.
    const records = parse(await get('/platforms.csv'), { columns: true, comment: '#', skip_empty_lines: true }) as Record<string, string>[];
    const number = (v: string | undefined) => (v === undefined || v === '' ? null : Number(v));
    const fromCsv = new Map<string, ParsedCell>();
    for (const r of records.filter((r) => r.question !== 'accounts')) {
      const withShare = r.percent !== '';
      fromCsv.set(`${r.question}/${r.platform}`, {
        state: r.state!,
        says: number(r.says_count),
        saysMargin: number(r.says_margin),
        answered: withShare ? number(r.answered_count) : null,
        answeredMargin: withShare ? number(r.answered_margin) : null,
        percent: number(r.percent),
      });
      expect(r.text).toContain(`“${r.question_asked}”`);
    }
    const accountsLines = records.filter((r) => r.question === 'accounts');
    expect(accountsLines.map((r) => [r.platform, r.state, number(r.says_count)])).toEqual(api.platforms.map((p) => [p.key, p.accounts.status, p.accounts.count]));

    expect(fromPage.size).toBe(api.questions.length * api.platforms.length);
    for (const [key, cell] of fromApi) {
      // A hidden cell's figures may still be published where the state allows (a not-asked count): compare what each format shows.
      const shownPart = (c: ParsedCell) => (c.state === 'shown' ? c : { ...c, says: null, saysMargin: null, answered: null, answeredMargin: null, percent: null });
      expect(fromPage.get(key), `page ${key}`).toEqual(shownPart(cell));
      expect(shownPart(fromCsv.get(key)!), `csv ${key}`).toEqual(shownPart(cell));
    }
    expect(fromCsv.size).toBe(fromApi.size);
  });

  it('no public page or file carries a placeholder or a literal variable name', async () => {
    const { stories } = JSON.parse(await get('/api/v1/stories')) as { stories: { slug: string }[] };
    const { releases } = JSON.parse(await get('/api/v1/releases')) as { releases: { sequence: number }[] };
    expect(stories.length).toBeGreaterThan(0);
    const urls = [
      '/',
      '/stories',
      '/stories.csv',
      '/api/v1/stories',
      '/stats',
      '/stats.csv',
      '/api/v1/stats',
      '/platforms',
      '/platforms.csv',
      '/api/v1/platforms',
      '/feed.atom',
      '/about',
      '/releases',
      '/api/v1/releases',
      '/submit',
      '/status',
      '/api/docs/json',
      ...stories.map((s) => `/stories/${s.slug}`),
      ...platforms.keys.flatMap((k) => [`/platforms/${k}`, `/api/v1/platforms/${k}`]),
      ...releases.flatMap((r) => [
        `/releases/${r.sequence}`,
        `/api/v1/releases/${r.sequence}`,
        `/releases/${r.sequence}/statistics.csv`,
        `/releases/${r.sequence}/codebook.md`,
        `/releases/${r.sequence}/citation.txt`,
      ]),
    ];
    const placeholders = /K_MIN|\bundefined\b|\bNaN\b|\[object Object\]|\{\{/g;
    const found: string[] = [];
    for (const url of urls) {
      const body = await get(url);
      // Scripts are code, not words, and the words a page carries for its scripts keep their
      // {{placeholders}} for the script to fill; the pages' own text and every file are scanned whole.
      const text = body.replace(/<script[\s\S]*?<\/script>/g, '').replace(/<template [^>]*data-words="[^"]*"[^>]*>/g, '');
      for (const match of text.matchAll(placeholders)) found.push(`${url}: …${text.slice(Math.max(0, match.index - 50), match.index + 50)}…`);
    }
    expect(found).toEqual([]);
  });
});
