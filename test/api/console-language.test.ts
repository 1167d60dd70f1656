// The console in the moderator's language (issue 31): the choice is kept with the moderator
// (migration 0042); pages and every JSON refusal under /mod follow it, with the same code in
// every language; login and enrolment follow ?lang= and Accept-Language. Pages carry only their
// own language's words for their scripts.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorMessage } from '../../server/i18n/error-messages.js';
import { translate } from '../../server/i18n/catalogue.js';
import { startTestApp, type TestApp, TEST_ORIGIN as ORIGIN } from '../support/app.js';
import { call, enrolViaApi, logInViaApi, type TestModerator } from '../support/moderation.js';

let t: TestApp;
let alice: TestModerator;

beforeAll(async () => {
  t = await startTestApp({ PUBLIC_ORIGIN: ORIGIN });
  await enrolViaApi(t.app, t.database.db, 'alice', 'administrator', { createIntakeKey: true });
  alice = await logInViaApi(t.app, 'alice', 'alice lantern orbit meadow', ORIGIN);
});
afterAll(async () => t?.close());

const chooseLanguage = (language: string | null) => call(t.app, alice, 'POST', '/mod/api/language', { language });
const errorOf = (response: { json(): unknown }) => (response.json() as { error: { code: string; message: string } }).error;
const wordsCarried = (body: string, id: string) => {
  const raw = new RegExp(`<template id="${id}" data-words="([^"]*)"`).exec(body)?.[1];
  return raw === undefined
    ? undefined
    : (JSON.parse(raw.replaceAll('&quot;', '"').replaceAll('&amp;', '&').replaceAll('&#x27;', "'").replaceAll('&#x3D;', '=').replaceAll('&lt;', '<').replaceAll('&gt;', '>')) as {
        language: string;
        words: Record<string, string>;
      });
};

describe('a moderator who chose Spanish', () => {
  it('gets refusals in Spanish with the same code, and pages in Spanish; choosing again changes both', async () => {
    const unknown = `/mod/api/submissions/${randomUUID()}`;
    const english = await call(t.app, alice, 'GET', unknown);
    expect([english.statusCode, errorOf(english)]).toEqual([404, { code: 'unknown_submission', message: errorMessage('unknown_submission', undefined, 'en') }]);

    expect((await chooseLanguage('es')).json()).toEqual({ language: 'es' });
    const spanish = await call(t.app, alice, 'GET', unknown);
    expect([spanish.statusCode, errorOf(spanish)]).toEqual([404, { code: 'unknown_submission', message: 'No existe ese envío.' }]);
    // A refusal with details, from the schema check itself: the same code and details, Spanish words.
    const invalid = await chooseLanguage('fr');
    expect(invalid.statusCode).toBe(400);
    expect(errorOf(invalid).code).toBe('invalid_request');
    expect(errorOf(invalid).message).toMatch(/debe|falta|inesperado/);

    const queue = await t.app.inject({ url: '/mod', cookies: alice.cookies });
    expect(queue.body).toContain(`<h1>${translate('es', 'moderation:queue.heading')}</h1>`);
    expect(queue.body).toContain('<title>Cola');
    expect(queue.body).toContain(translate('es', 'moderation:queue.nothingScheduled'));
    expect(queue.body).not.toContain(translate('en', 'moderation:queue.nothingScheduled'));

    // ?lang= wins for one request; the saved choice stays.
    const portuguese = await call(t.app, alice, 'GET', `${unknown}?lang=pt-BR`);
    expect(errorOf(portuguese)).toEqual({ code: 'unknown_submission', message: 'Esse envio não existe.' });

    expect((await chooseLanguage(null)).json()).toEqual({ language: null });
    const browser = await call(t.app, alice, 'GET', unknown, undefined, { 'accept-language': 'pt-PT,pt;q=0.9,en;q=0.5' });
    expect(errorOf(browser).message).toBe('Esse envio não existe.');
    expect(errorOf(await call(t.app, alice, 'GET', unknown)).message).toBe(errorMessage('unknown_submission', undefined, 'en'));
  });

  it('keeps the choice on the server, per moderator: nothing new in a cookie', async () => {
    const saved = await chooseLanguage('es');
    expect(saved.cookies.map((cookie) => cookie.name)).toEqual([]);
    const row = await t.database.db.selectFrom('moderators').select('console_language').where('handle', '=', 'alice').executeTakeFirstOrThrow();
    expect(row.console_language).toBe('es');
    const passkeys = await t.app.inject({ url: '/mod/passkeys', cookies: alice.cookies });
    expect(passkeys.body).toMatch(/<option value="es" lang="es" selected>Español<\/option>/);
    await chooseLanguage(null);
  });
});

describe('before a session', () => {
  it('the login page follows ?lang= and the browser, and a refusal there too', async () => {
    expect((await t.app.inject({ url: '/mod/login', headers: { 'accept-language': 'es-MX,es;q=0.9' } })).body).toContain(`<h1>${translate('es', 'moderation:login.heading')}</h1>`);
    expect((await t.app.inject({ url: '/mod/login?lang=pt-BR', headers: { 'accept-language': 'es' } })).body).toContain(`<h1>${translate('pt-BR', 'moderation:login.heading')}</h1>`);
    expect((await t.app.inject({ url: '/mod/login', headers: { 'accept-language': 'fr, de' } })).body).toContain('<h1>Moderator login</h1>');
    const notLoggedIn = await t.app.inject({ url: '/mod/api/passkeys', headers: { 'accept-language': 'es' } });
    expect([notLoggedIn.statusCode, errorOf(notLoggedIn).code, errorOf(notLoggedIn).message]).toEqual([401, 'not_logged_in', errorMessage('not_logged_in', undefined, 'es')]);
  });
});

describe('words a page carries for its script', () => {
  it('are in the page language only: the error words of the codes scripts raise, and the console script words', async () => {
    const sizes: string[] = [];
    for (const language of ['en', 'es', 'pt-BR'] as const) {
      const page = await t.app.inject({ url: `/mod/login?lang=${language}` });
      const errors = wordsCarried(page.body, 'error-words')!;
      const consoleWords = wordsCarried(page.body, 'console-words')!;
      expect(errors.language).toBe(language);
      expect(errors.words.receipt_checksum).toBe(errorMessage('receipt_checksum', undefined, language));
      expect(errors.words.unknown_submission).toBeUndefined();
      expect(consoleWords.words['script.login.failed']).toBe(translate(language, 'moderation:script.login.failed'));
      sizes.push(`${language}: errors ${JSON.stringify(errors).length} B, console ${JSON.stringify(consoleWords).length} B`);
    }
    const spanish = (await t.app.inject({ url: '/mod/login?lang=es' })).body;
    expect(spanish).not.toContain(errorMessage('receipt_checksum', undefined, 'pt-BR'));
    expect(spanish).not.toContain(errorMessage('receipt_checksum', undefined, 'en'));
    console.info(`words carried by /mod/login: ${sizes.join('; ')}`);
  });
});
