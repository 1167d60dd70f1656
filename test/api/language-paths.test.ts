// Language by path (issue 31): /es/… and /pt-BR/… are the same public and source routes in
// another language, cached apart, with no cookie; the bare / alone asks Accept-Language.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
      for (const [prefix, language] of [['', 'en'], ['/es', 'es'], ['/pt-BR', 'pt-BR']] as const) {
        const url = path === '/' && prefix ? `${prefix}/` : `${prefix}${path}`;
        const page = await t.app.inject({ url });
        expect(page.statusCode, url).toBe(200);
        expect(page.headers['set-cookie'], url).toBeUndefined();
        expect(page.body, url).toContain(`<html lang="${language}">`);
        for (const [other, otherPrefix] of [['en', ''], ['es', '/es'], ['pt-BR', '/pt-BR']]) {
          const alternate = path === '/' && otherPrefix ? `${otherPrefix}/` : `${otherPrefix}${path}`;
          expect(page.body, url).toContain(`<link rel="alternate" hreflang="${other}" href="${alternate}">`);
        }
        expect(page.body, url).toContain(`<a href="${prefix}/stories">`);
        expect(page.body, url).toMatch(/<nav class="language-switcher"[^>]*>/);
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

  it('leaves moderators, the API, assets and probes unprefixed, and an unknown page is a 404 in the language', async () => {
    expect((await t.app.inject({ url: '/es/api/v1/stories' })).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/es/mod' })).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/es/healthz' })).statusCode).toBe(404);
    const missing = await t.app.inject({ url: '/es/no-such-page' });
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toContain('<html lang="es">');
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
