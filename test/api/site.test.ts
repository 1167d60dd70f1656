// Pages, headers, probes and the intake lifecycle (closed, open, key rotation, rate limit).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../server/privacy/headers.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { createIntakeKey, sealForTest } from '../support/intake.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ RATE_LIMIT_MAX: '4', RATE_LIMIT_WINDOW_SECONDS: '60' });
});
afterAll(async () => t?.close());

const expectedCsp = Object.entries(CONTENT_SECURITY_POLICY)
  .map(([name, values]) => `${name} ${values.join(' ')}`)
  .join(';');

function expectSecurityHeaders(headers: Record<string, unknown>, moderatorPage = false) {
  expect(headers['content-security-policy']).toBe(expectedCsp);
  expect(headers['content-security-policy']).toContain("require-trusted-types-for 'script'");
  expect(headers['referrer-policy']).toBe('no-referrer');
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['cross-origin-opener-policy']).toBe('same-origin');
  expect(headers['cross-origin-resource-policy']).toBe('same-origin');
  expect(headers['permissions-policy']).toMatch(/camera=\(\), .*geolocation=\(\), .*microphone=\(\)/);
  expect(headers['x-frame-options']).toBe('DENY');
  // Only moderator pages may set a cookie (the CSRF secret); no source or public page does.
  if (!moderatorPage) expect(headers['set-cookie']).toBeUndefined();
  expect(headers['strict-transport-security']).toBeUndefined();
}

describe('while no intake key exists', () => {
  it('/submit says accounts are not accepted yet, and the API answers 503', async () => {
    const page = await t.app.inject({ url: '/submit' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Accounts are not accepted yet');
    expect(page.body).not.toContain('<form id="account-form"');
    const api = await t.app.inject({
      method: 'POST',
      url: '/api/v1/submissions',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({
        v: 1,
        intakeKeyId: '00000000-0000-4000-8000-000000000000',
        ciphertext: 'AAAA',
        replyPublicKey: 'AAAA',
        lookupToken: 'AAAA',
      }),
    });
    expect(api.statusCode).toBe(503);
    expect(api.json()).toMatchObject({ error: { code: 'intake_closed' } });
    const noJs = await t.app.inject({
      method: 'POST',
      url: '/submit',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'narrative=hello&consent=quote',
    });
    expect(noJs.statusCode).toBe(503);
  });
});

describe('pages and headers', () => {
  beforeAll(async () => {
    await createIntakeKey(t.database.db);
  });

  it.each(['/submit', '/status', '/mod/login', '/healthz', '/readyz', '/no-such-page', '/api/v1/nothing', '/stories?platform=nope'])(
    '%s carries the §7 headers and is not cached',
    async (url) => {
      const response = await t.app.inject({ url });
      expectSecurityHeaders(response.headers, url.startsWith('/mod'));
      expect(response.headers['cache-control']).toBe('no-store');
    },
  );

  it.each(['/', '/stories', '/stats', '/stats.csv', '/about', '/feed.atom', '/api/v1/stories', '/api/v1/stats', '/api/docs'])(
    'public %s carries the §7 headers and may be cached, without a cookie',
    async (url) => {
      const response = await t.app.inject({ url });
      expect(response.statusCode).toBe(200);
      expectSecurityHeaders(response.headers);
      if (url !== '/api/docs') expect(response.headers['cache-control']).toBe('public, max-age=60, stale-while-revalidate=300');
    },
  );

  it('source pages are not archived', async () => {
    for (const url of ['/submit', '/status']) {
      expect((await t.app.inject({ url })).headers['x-robots-tag']).toContain('noarchive');
    }
  });

  it('the submission page shows the fingerprint, labels every field and loads only local, hashed assets', async () => {
    const key = await createIntakeKey(t.database.db);
    const page = (await t.app.inject({ url: '/submit' })).body;
    expect(page).toContain(key.fingerprint);
    expect(page).toContain(`data-intake-key-id="${key.id}"`);
    for (const [, id] of page.matchAll(/<(?:input|select|textarea)[^>]* id="([^"]+)"/g)) {
      expect(page, `label for ${id}`).toContain(`for="${id}"`);
    }
    const urls = [...page.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(urls.filter((u) => !u.startsWith('#') && u !== 'data:,').every((u) => u.startsWith('/') && !u.startsWith('//'))).toBe(true);
    const script = urls.find((u) => /^\/assets\/submit-[A-Z0-9]+\.js$/.test(u));
    expect(script).toBeDefined();
    const asset = await t.app.inject({ url: script!, headers: { 'accept-encoding': 'br' } });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-encoding']).toBe('br');
    expect(asset.headers['cache-control']).toContain('immutable');
    expect((await t.app.inject({ url: '/assets/manifest.json' })).statusCode).toBe(404);
  });

  it('errors are JSON under /api and a page elsewhere', async () => {
    const api = await t.app.inject({ url: '/api/v1/nothing' });
    expect(api.statusCode).toBe(404);
    expect(api.json()).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
    const page = await t.app.inject({ url: '/nothing' });
    expect(page.statusCode).toBe(404);
    expect(page.headers['content-type']).toContain('text/html');
  });

  it('probes answer', async () => {
    expect((await t.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await t.app.inject({ url: '/readyz' })).json()).toEqual({ status: 'ready' });
  });
});

describe('intake key rotation', () => {
  it('refuses envelopes sealed to a retired key with 409, accepts the new key', async () => {
    const old = await createIntakeKey(t.database.db);
    const sealedToOld = await sealForTest(old);
    const fresh = await createIntakeKey(t.database.db);
    const post = (payload: unknown) => t.app.inject({ method: 'POST', url: '/api/v1/submissions', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(payload) });
    const refused = await post(sealedToOld.body);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ error: { code: 'retired_intake_key' } });
    expect((await post((await sealForTest(fresh)).body)).statusCode).toBe(201);
  });
});

describe('rate limit', () => {
  it('answers 429 with Retry-After once a client sends too many, keyed per client', async () => {
    const key = await createIntakeKey(t.database.db);
    const send = async (remoteAddress: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/submissions',
        remoteAddress,
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify((await sealForTest(key)).body),
      });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await send('192.0.2.10')).statusCode);
    expect(statuses.slice(0, 4)).toEqual([201, 201, 201, 201]);
    const limited = await send('192.0.2.10');
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.json()).toMatchObject({ error: { code: 'rate_limited' } });
    expect((await send('192.0.2.11')).statusCode).toBe(201);
    expect(t.logText()).not.toContain('192.0.2.1');
  });
});
