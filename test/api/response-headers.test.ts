// Every page kind's full response header set, compared with a snapshot recorded before the
// security-header hook was rewritten for speed (issue 30): DESIGN §7's headers stay byte-identical.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { createIntakeKey } from '../support/intake.js';

// Headers whose values move with the day, the build or the content, not with the hook.
const VOLATILE = new Set(['date', 'etag', 'content-length', 'last-modified']);
const ONION_ORIGIN = 'http://uvdwcarytwoc76reigzw7c3g3vmdfddd2ydeqmjgausaf4et44cwfbqd.onion';

// A cookie's value is random, and an asset's name carries its content hash: the snapshot keeps the rest.
function masked(name: string, value: unknown): unknown {
  if (VOLATILE.has(name)) return `<${name}>`;
  if (typeof value !== 'string') return value;
  if (name === 'set-cookie') return value.replace(/=[^;]*/, '=<value>');
  return name === 'onion-location' ? value.replace(/-[A-Z0-9]{8}\.js$/, '-<hash>.js') : value;
}

function headerSet(headers: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.keys(headers)
      .sort()
      .map((name) => [name, masked(name, headers[name])]),
  );
}

async function kinds(t: TestApp, host?: string): Promise<Record<string, Record<string, unknown>>> {
  const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ url, headers: { ...(host ? { host } : {}), ...headers } });
  const submit = await get('/submit');
  const script = /src="(\/assets\/submit-[A-Z0-9]+\.js)"/.exec(submit.body)?.[1];
  if (!script) throw new Error('/submit loads no submit script');
  const stories = await get('/stories');
  const sets: Record<string, Record<string, unknown>> = {};
  const record = async (kind: string, response: { statusCode: number; headers: Record<string, unknown> } | Promise<{ statusCode: number; headers: Record<string, unknown> }>) => {
    const { statusCode, headers } = await response;
    sets[kind] = { status: statusCode, ...headerSet(headers) };
  };
  await record('public page /stories', stories);
  await record('public page /stats', get('/stats'));
  await record('public csv /stories.csv', get('/stories.csv'));
  await record('public feed /feed.atom', get('/feed.atom'));
  await record('public API JSON /api/v1/stories', get('/api/v1/stories'));
  await record('public 304 /stories', get('/stories', { 'if-none-match': String(stories.headers.etag) }));
  await record('source page /submit', submit);
  await record('source page /status', get('/status'));
  await record('moderator page /mod/login', get('/mod/login'));
  await record('health JSON /healthz', get('/healthz'));
  await record('asset (brotli)', get(script, { 'accept-encoding': 'br' }));
  await record('asset (identity)', get(script));
  await record('asset 304', get(script, { 'if-none-match': String((await get(script)).headers.etag) }));
  await record('error page /no-such-page', get('/no-such-page'));
  await record('API error JSON /api/v1/nothing', get('/api/v1/nothing'));
  await record('refused query /stories?platform=nope', get('/stories?platform=nope'));
  return sets;
}

describe('response headers of every page kind', () => {
  let plain: TestApp;
  let tls: TestApp;
  beforeAll(async () => {
    plain = await startTestApp();
    await createIntakeKey(plain.database.db);
    tls = await startTestApp({ PUBLIC_ORIGIN: 'https://offscript.example', ONION_ORIGIN });
    await createIntakeKey(tls.database.db);
  });
  afterAll(async () => {
    await plain?.close();
    await tls?.close();
  });

  it('over plain HTTP are unchanged', async () => {
    expect(await kinds(plain)).toMatchSnapshot();
  });

  it('on an HTTPS origin with an onion service, and on the onion itself, are unchanged', async () => {
    expect(await kinds(tls)).toMatchSnapshot();
    expect(await kinds(tls, new URL(ONION_ORIGIN).host)).toMatchSnapshot();
  });
});
