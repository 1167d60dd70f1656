// Hostile input (issue 13, items 5 and 6): control characters anywhere a request carries a
// string, text bound for XML, and the errors Fastify and Node raise before any route runs.
import { connect } from 'node:net';
import { parseAtomFeed } from 'feedsmith';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../server/privacy/headers.js';
import { releaseDueBatch } from '../../server/publishing/release.js';
import { startListeningTestApp, type ListeningTestApp } from '../support/app.js';
import { call, enrolAuthorAndReviewer, type TestModerator } from '../support/moderation.js';
import { approvedStory, draftStory } from '../support/publishing.js';

let t: ListeningTestApp;
let author: TestModerator;
let reviewer: TestModerator;

beforeAll(async () => {
  t = await startListeningTestApp({ BATCH_MIN: '1', BATCH_DELAY_DAYS: '0' });
  ({ author, reviewer } = await enrolAuthorAndReviewer(t.app, t.database.db, t.origin));
});
afterAll(async () => t?.close());

const csp = (headers: Record<string, unknown>) => String(headers['content-security-policy'] ?? '');

function expectDesignHeaders(headers: Record<string, unknown>) {
  expect(csp(headers)).toContain("default-src 'none'");
  expect(csp(headers)).toContain(CONTENT_SECURITY_POLICY['require-trusted-types-for'][0]);
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('no-referrer');
  expect(headers['cache-control']).toBe('no-store');
}

describe('control characters', () => {
  it.each([
    ['/stories?q=%00', 'querystring.q'],
    ['/api/v1/stories?q=a%00b', 'querystring.q'],
    ['/api/v1/stories?cursor=%01', 'querystring.cursor'],
  ])('GET %s is a 400 naming %s, and nothing is logged as an error', async (url, field) => {
    const response = await t.app.inject({ url });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain(field);
    expect(t.logText()).not.toMatch(/"level":50/);
  });

  it('refuses a NUL in the login handle, at the challenge and at login, naming the field', async () => {
    for (const [url, body] of [
      ['/mod/api/login/challenge', { handle: 'demo\u0000admin' }],
      ['/mod/api/login', { handle: 'a\u0000', challenge: 'AAAA', signature: 'AAAA' }],
    ] as const) {
      const response = await call(t.app, { cookies: {}, csrf: '' }, 'POST', url, body);
      expect(response.statusCode, url).toBe(400);
      expect(response.json()).toMatchObject({ error: { code: 'invalid_request' } });
      expect(response.json().error.message).toContain('body.handle');
    }
    expect(t.logText()).not.toMatch(/"level":50/);
  });

  it('refuses a story title with U+0000 or a body with U+000B, and stores nothing', async () => {
    const storyId = await draftStory(t.app, t.database.db, author, { title: 'A clean title', body: 'A clean body.' });
    for (const story of [
      { title: 'Nul\u0000title', body: 'Fine.' },
      { title: 'Fine', body: 'Vertical\u000Btab' },
      { title: 'Fine', body: 'Fine', pullQuotes: ['DEL\u007F'] },
    ]) {
      const response = await call(t.app, author, 'POST', `/mod/api/stories/${storyId}/revise`, {
        pullQuotes: [],
        attributionLabel: 'hollywood_writer',
        identifierMarks: { unresolved: 0, dismissed: 0 },
        ...story,
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.message).toMatch(/body\.(title|body|pullQuotes\.0) holds a control character/);
    }
    const stored = await t.database.db.selectFrom('stories').select(['title', 'body']).where('id', '=', storyId).executeTakeFirstOrThrow();
    expect(stored).toEqual({ title: 'A clean title', body: 'A clean body.' });
  });

  it('keeps tabs, line breaks and every other script', async () => {
    const body = 'Line one\r\nLine\ttwo — «ünïcødé» 日本語 🎬';
    const storyId = await draftStory(t.app, t.database.db, author, { title: 'Tabs', body });
    const stored = await t.database.db.selectFrom('stories').select('body').where('id', '=', storyId).executeTakeFirstOrThrow();
    expect(stored.body).toBe(body);
  });

  it('the Atom feed stays valid XML 1.0 even for text stored before the rule', async () => {
    const storyId = await approvedStory(t.app, t.database.db, { author, reviewer }, { title: 'Feed title', body: 'Feed body.' });
    // As if stored by an older version: the schema now refuses this on the way in.
    await t.database.db.updateTable('stories').set({ body: 'Before\u000Bafter\u0001', title: 'Old\u001Ftitle' }).where('id', '=', storyId).execute();
    await releaseDueBatch(t.database.db, { kMin: 11, batchMin: 1, batchDelayDays: 0 });
    const feed = await t.app.inject({ url: '/feed.atom' });
    expect(feed.statusCode).toBe(200);
    // XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
    expect(feed.body).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/);
    const parsed = parseAtomFeed(feed.body);
    expect(parsed.entries?.map((e) => e.title?.value)).toContain('Old\uFFFDtitle');
  });
});

describe('errors raised by the framework', () => {
  it.each([
    ['/mod/enrol/%ff', 400, 'bad_url'],
    ['/api/v1/stories/%e0%a4%a', 400, 'bad_url'],
    [`/stories/${'a'.repeat(600)}`, 414, 'address_too_long'],
    [`/mod/api/submissions/${'a'.repeat(600)}`, 414, 'address_too_long'],
  ])('GET %s: %i with the headers, our error format, no framework code, nothing echoed', async (url, status, code) => {
    const response = await fetch(t.origin + url);
    const body = await response.text();
    expect(response.status).toBe(status);
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => (headers[name] = value));
    expectDesignHeaders(headers);
    expect(body).not.toContain('FST_');
    expect(body).not.toContain('%ff');
    expect(body).not.toContain('aaaaaaaaaa');
    if (url.includes('/api/')) expect(JSON.parse(body)).toEqual({ error: { code, message: expect.any(String) } });
    else expect(body).toMatch(/^<!doctype html>/);
  });

  it('a malformed request line gets the headers and the JSON error shape', async () => {
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(new URL(t.origin).port), '127.0.0.1');
      let answer = '';
      socket.on('data', (chunk) => (answer += chunk.toString()));
      socket.on('end', () => resolve(answer));
      socket.on('error', reject);
      socket.write('GET /\u0001bad HTTP/9.9 nonsense\r\n\r\n');
    });
    const [head, body] = raw.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 400 /);
    const headers = Object.fromEntries(
      head!
        .split('\r\n')
        .slice(1)
        .map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
    );
    expectDesignHeaders(headers);
    expect(JSON.parse(body!)).toEqual({ error: { code: 'bad_request', message: expect.any(String) } });
  });
});
