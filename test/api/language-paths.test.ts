// Language by path (issue 31): /es/… and /pt-BR/… are the same public and source routes in
// another language, cached apart, with no cookie; the bare / alone asks Accept-Language.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wordsUnder } from '../../server/i18n/catalogue.js';
import { preferredLanguage, splitLanguagePrefix } from '../../server/i18n/path-language.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { createIntakeKey } from '../support/intake.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  await createIntakeKey(t.database.db);
});
afterAll(async () => t?.close());

const PAGES = ['/', '/stories', '/stats', '/platforms', '/releases', '/about', '/submit', '/status'];

describe('the language prefix', () => {
  it('serves every public and source page under /es and /pt-BR, with <html lang>, hreflang alternates, a switcher and links kept in the language', async () => {
    for (const path of PAGES) {
      for (const [prefix, language] of [
        ['', 'en'],
        ['/es', 'es'],
        ['/pt-BR', 'pt-BR'],
      ] as const) {
        const url = path === '/' && prefix ? `${prefix}/` : `${prefix}${path}`;
        const page = await t.app.inject({ url });
        expect(page.statusCode, url).toBe(200);
        expect(page.headers['set-cookie'], url).toBeUndefined();
        expect(page.body, url).toContain(`<html lang="${language}">`);
        for (const [other, otherPrefix] of [
          ['en', ''],
          ['es', '/es'],
          ['pt-BR', '/pt-BR'],
        ]) {
          const alternate = path === '/' && otherPrefix ? `${otherPrefix}/` : `${otherPrefix}${path}`;
          expect(page.body, url).toContain(`<link rel="alternate" hreflang="${other}" href="${alternate}">`);
        }
        expect(page.body, url).toContain(`<a href="${prefix}/stories">`);
        expect(page.body, url).toMatch(/<nav class="language-switcher"[^>]*>/);
      }
    }
  });

  it('serves the CSV and Atom addresses under each prefix too, the same figures in every language', async () => {
    for (const path of ['/stats.csv', '/stories.csv', '/platforms.csv', '/feed.atom']) {
      const english = await t.app.inject({ url: path });
      for (const prefix of ['/es', '/pt-BR']) {
        const local = await t.app.inject({ url: `${prefix}${path}` });
        expect(local.statusCode, `${prefix}${path}`).toBe(200);
        expect(local.headers['content-type'], `${prefix}${path}`).toBe(english.headers['content-type']);
        expect(local.headers['set-cookie']).toBeUndefined();
      }
    }
  });

  it('answers in the language of the path, and keeps one cached page per language', async () => {
    const english = await t.app.inject({ url: '/stories' });
    const spanish = await t.app.inject({ url: '/es/stories' });
    const portuguese = await t.app.inject({ url: '/pt-BR/stories' });
    expect(english.body).toContain('<title>Stories — Offscript</title>');
    expect(spanish.body).toContain('<title>Historias — Offscript</title>');
    expect(portuguese.body).toContain('<title>Histórias — Offscript</title>');
    expect(new Set([english.headers.etag, spanish.headers.etag, portuguese.headers.etag]).size).toBe(3);
    expect((await t.app.inject({ url: '/es/stories' })).headers.etag).toBe(spanish.headers.etag);
  });

  it('takes the no-JavaScript forms under the prefix and answers them in that language', async () => {
    const status = await t.app.inject({
      method: 'POST',
      url: '/es/status',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'words=&action=view',
    });
    expect(status.body).toContain('<html lang="es">');
    expect(status.headers['set-cookie']).toBeUndefined();
    const submit = await t.app.inject({
      method: 'POST',
      url: '/pt-BR/submit',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'narrative=&consent=quote',
    });
    expect(submit.body).toContain('<html lang="pt-BR">');
  });

  it("gives a page's scripts only that page's words, in its language only", async () => {
    for (const [path, prefixes] of [
      ['/submit', ['common:browser', 'submit:browser']],
      ['/status', ['common:browser', 'status:browser']],
    ] as const) {
      for (const language of ['en', 'es', 'pt-BR'] as const) {
        const page = await t.app.inject({ url: language === 'en' ? path : `/${language}${path}` });
        const block = /<script type="application\/json" id="page-words">([^<]*)<\/script>/.exec(page.body)?.[1];
        if (!block) throw new Error(`${language}${path} embeds no words`);
        const words = JSON.parse(block) as Record<string, string>;
        expect(words, `${language}${path}`).toMatchObject(wordsUnder(language, prefixes));
        if (language !== 'en') {
          const english = wordsUnder('en', prefixes);
          const leftInEnglish = Object.entries(words).filter(([key, value]) => english[key] === value && /[A-Za-z]{4,} [A-Za-z]{2,}/.test(value));
          expect(leftInEnglish, `${language}${path}`).toEqual([]);
        }
        expect(Object.keys(words).some((key) => key.startsWith('moderation:') || key.startsWith('pages:'))).toBe(false);
      }
    }
  });

  it("says how many bytes each page and its scripts' words weigh in each language (issue 31: a page loads only its own language)", async () => {
    const rows: Record<string, Record<string, number>> = {};
    for (const path of PAGES) {
      for (const language of ['en', 'es', 'pt-BR'] as const) {
        const page = await t.app.inject({ url: language === 'en' ? path : path === '/' ? `/${language}/` : `/${language}${path}` });
        const words = /<script type="application\/json" id="page-words">([^<]*)<\/script>/.exec(page.body)?.[1] ?? '';
        (rows[`${path} html`] ??= {})[language] = page.rawPayload.length;
        if (words) (rows[`${path} script words`] ??= {})[language] = Buffer.byteLength(words);
      }
    }
    console.info(
      'bytes per page per language\n' +
        Object.entries(rows)
          .map(
            ([row, sizes]) =>
              `${row.padEnd(24)} ${Object.entries(sizes)
                .map(([l, n]) => `${l} ${n}`)
                .join('  ')}`,
          )
          .join('\n'),
    );
    // The same page differs by its words only: no language's page carries another's.
    for (const [row, sizes] of Object.entries(rows)) expect(Math.max(...Object.values(sizes)) / Math.min(...Object.values(sizes)), row).toBeLessThan(1.5);
  });

  it('leaves moderators, the API, assets and probes unprefixed, and an unknown page is a 404 in the language', async () => {
    expect((await t.app.inject({ url: '/es/api/v1/stories' })).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/es/api/docs/json' })).statusCode).toBe(404);
    const reference = await t.app.inject({ url: '/es/api/docs', headers: { accept: 'text/html' } });
    expect(reference.body).toContain('<html lang="es">');
    expect((await t.app.inject({ url: '/es/mod' })).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/es/healthz' })).statusCode).toBe(404);
    const missing = await t.app.inject({ url: '/es/no-such-page' });
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toContain('<html lang="es">');
    // An error page never echoes the address it refused, not even in its alternates.
    expect(missing.body).not.toContain('no-such-page');
    expect(missing.body).toContain('<link rel="alternate" hreflang="pt-BR" href="/pt-BR/">');
    expect((await t.app.inject({ url: '/en/stories' })).statusCode).toBe(404);
  });

  it('redirects only the bare / by Accept-Language, never a link inside the site, and sets no cookie', async () => {
    const first = await t.app.inject({ url: '/', headers: { 'accept-language': 'es-MX,es;q=0.9,en;q=0.5' } });
    expect(first.statusCode).toBe(302);
    expect(first.headers.location).toBe('/es/');
    expect(first.headers.vary).toContain('accept-language');
    expect(first.headers['set-cookie']).toBeUndefined();
    const fromSwitcher = await t.app.inject({ url: '/', headers: { 'accept-language': 'es', 'sec-fetch-site': 'same-origin' } });
    expect(fromSwitcher.statusCode).toBe(200);
    expect(fromSwitcher.headers.vary).toContain('accept-language');
    expect((await t.app.inject({ url: '/', headers: { 'accept-language': 'pt-PT,pt;q=0.8' } })).headers.location).toBe('/pt-BR/');
    expect((await t.app.inject({ url: '/', headers: { 'accept-language': 'en-GB,es;q=0.9' } })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/stories', headers: { 'accept-language': 'es' } })).statusCode).toBe(200);
  });
});

describe('reading a prefix and Accept-Language', () => {
  it('splits only a known, non-English prefix followed by a path, a query or nothing', () => {
    expect(splitLanguagePrefix('/es')).toEqual({ language: 'es', rest: '/' });
    expect(splitLanguagePrefix('/es?x=1')).toEqual({ language: 'es', rest: '/?x=1' });
    expect(splitLanguagePrefix('/pt-BR/stories/a?b')).toEqual({ language: 'pt-BR', rest: '/stories/a?b' });
    expect(splitLanguagePrefix('/espresso')).toBeUndefined();
    expect(splitLanguagePrefix('/en/stories')).toBeUndefined();
    expect(splitLanguagePrefix('/pt-br/stories')).toBeUndefined();
    expect(splitLanguagePrefix('/es/mod/queue')).toBeUndefined();
  });

  it('honours q-values and order, and falls back to English', () => {
    expect(preferredLanguage(undefined)).toBe('en');
    expect(preferredLanguage('fr, de;q=0.5')).toBe('en');
    expect(preferredLanguage('fr, pt;q=0.4, es;q=0.3')).toBe('pt-BR');
    expect(preferredLanguage('es;q=0, en')).toBe('en');
    expect(preferredLanguage('*')).toBe('en');
  });
});
