// Limits no stranger can turn against sources or moderators (issue 25, DESIGN §7), with the
// default configuration: behind a proxy every client arrives from the proxy's one address.
import { encodeChunkFrame } from '../../common/attachments/chunk-frame.js';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { fromBase64, toBase64 } from '../../common/protocol/encoding.js';
import { signLogin } from '../../common/protocol/moderator-keys.js';
import { loadSodiumSumo } from '../../common/protocol/sodium-sumo.js';
import { SEALED_CHUNK_BYTES } from '../../common/protocol/attachment.js';
import { captureLog, startTestApp, type TestApp } from '../support/app.js';
import { openTestDatabase, type TestDatabase } from '../support/database.js';
import { sealFiles } from '../support/attachments.js';
import { createIntakeKey, sealForTest, type TestIntakeKey } from '../support/intake.js';
import { enrolViaApi, logInViaApi, s, visit, type Browserless } from '../support/moderation.js';

const ORIGIN = 'http://127.0.0.1:3000';
const PROXY = '127.0.0.1';
const sumo = await loadSodiumSumo();
const random = (bytes: number) => toBase64(s, s.randombytes_buf(bytes));

/** A request as the proxy forwards it: every client has the proxy's address. */
function viaProxy(app: FastifyInstance, who: Browserless, url: string, body: unknown, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST',
    url,
    remoteAddress: PROXY,
    cookies: who.cookies,
    headers: { 'content-type': 'application/json', 'x-csrf-token': who.csrf, ...headers },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const submit = async (app: FastifyInstance, key: TestIntakeKey, remoteAddress = PROXY) =>
  app.inject({ method: 'POST', url: '/api/v1/submissions', remoteAddress, headers: { 'content-type': 'application/json' }, payload: JSON.stringify((await sealForTest(key)).body) });

describe('with the default configuration behind a proxy (TRUST_PROXY unset)', () => {
  let t: TestApp;
  let key: TestIntakeKey;
  beforeAll(async () => {
    // RATE_LIMIT_MAX empty: the default, not the test apps' raised one.
    t = await startTestApp({ PUBLIC_ORIGIN: ORIGIN, RATE_LIMIT_MAX: '' });
    await enrolViaApi(t.app, t.database.db, 'admin', 'administrator', { createIntakeKey: true });
    key = await createIntakeKey(t.database.db);
  });
  afterAll(async () => t?.close());

  it('1,000 junk login requests from one client leave a moderator login and a submission working at once', { timeout: 120_000 }, async () => {
    const junk = await visit(t.app);
    const statuses = new Map<number, number>();
    const count = (response: LightMyRequestResponse) => statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
    const auditBefore = await t.database.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    for (let i = 0; i < 250; i++) {
      // Bad CSRF token, then a body that fails the schema, then a challenge never issued.
      count(await viaProxy(t.app, { cookies: junk.cookies, csrf: 'forged' }, '/mod/api/login', { handle: 'admin', challenge: random(32), signature: random(64) }));
      count(await viaProxy(t.app, junk, i % 2 ? '/mod/api/login' : '/mod/api/login/passkey', { handle: 'admin', challenge: 42 }));
      count(await viaProxy(t.app, junk, '/mod/api/login', { handle: 'admin', challenge: random(32), signature: random(64) }));
      // A wrong signature on a challenge issued for the handle: the one kind that counts against it.
      const issued = await viaProxy(t.app, junk, '/mod/api/login/challenge', { handle: 'admin' });
      expect(issued.statusCode).toBe(200);
      const { challenge } = issued.json() as { challenge: string };
      const stranger = sumo.crypto_sign_keypair();
      const signature = toBase64(s, signLogin(sumo, fromBase64(s, challenge), ORIGIN, stranger.privateKey));
      count(await viaProxy(t.app, junk, '/mod/api/login', { handle: 'admin', challenge, signature }));
    }
    expect([...statuses.keys()].every((code) => [400, 401, 403, 429].includes(code))).toBe(true);
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(1000);
    // The real administrator, from the same proxy address, logs in at once…
    await expect(logInViaApi(t.app, 'admin', 'admin lantern orbit meadow', ORIGIN)).resolves.toMatchObject({ handle: 'admin' });
    // …and a source's account is taken at once.
    expect((await submit(t.app, key)).statusCode).toBe(201);
    // The junk left no audit entry (the administrator's login left one).
    const auditAfter = await t.database.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(auditAfter.n) - Number(auditBefore.n)).toBe(1);
  });
});

describe('client keys', () => {
  let t: TestApp;
  let key: TestIntakeKey;
  beforeAll(async () => {
    t = await startTestApp({ PUBLIC_ORIGIN: ORIGIN, RATE_LIMIT_MAX: '3', TRUST_PROXY: '1' });
    key = await createIntakeKey(t.database.db);
  });
  afterAll(async () => t?.close());

  it('every IPv6 address of one /64 shares one budget; another /64 has its own', async () => {
    const statuses: number[] = [];
    for (let i = 1; i <= 4; i++) statuses.push((await submit(t.app, key, `2001:db8:aa:bb::${i.toString(16)}:${i}`)).statusCode);
    expect(statuses).toEqual([201, 201, 201, 429]);
    expect((await submit(t.app, key, '2001:db8:aa:bc::1')).statusCode).toBe(201);
  });

  it('with TRUST_PROXY a hop count, a forged X-Forwarded-For changes nothing', async () => {
    const statuses: number[] = [];
    for (let i = 1; i <= 4; i++) {
      // The client wrote the first entries; the proxy appended the address it saw (198.51.100.7).
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/v1/submissions',
        remoteAddress: PROXY,
        headers: { 'content-type': 'application/json', 'x-forwarded-for': `203.0.113.${i}, 10.9.9.${i}, 198.51.100.7` },
        payload: JSON.stringify((await sealForTest(key)).body),
      });
      statuses.push(response.statusCode);
    }
    expect(statuses).toEqual([201, 201, 201, 429]);
  });

  it('refuses TRUST_PROXY=true, which would believe every client', () => {
    expect(() => loadConfig({ TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY must be false, a hop count/);
  });
});

describe('the upload budget', () => {
  let database: TestDatabase;
  let storeDir: string;
  let key: TestIntakeKey;
  let file: Awaited<ReturnType<typeof sealFiles>>[number];
  const apps: FastifyInstance[] = [];

  beforeAll(async () => {
    database = await openTestDatabase();
    storeDir = await mkdtemp(path.join(os.tmpdir(), 'offscript-upload-budget-'));
    key = await createIntakeKey(database.db);
    file = (await sealFiles(new Uint8Array(200_000).fill(7)))[0]!;
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await database?.close();
    await rm(storeDir, { recursive: true, force: true });
  });

  async function appWith(env: Record<string, string>): Promise<FastifyInstance> {
    const config = loadConfig({ PUBLIC_ORIGIN: ORIGIN, RATE_LIMIT_MAX: '1000', LOG_LEVEL: 'silent', ...env });
    const app = await buildApp({ config, db: database.db, logDestination: captureLog().stream, dataDir: storeDir });
    apps.push(app);
    return app;
  }

  const declare = async (app: FastifyInstance, remoteAddress: string) =>
    app.inject({
      method: 'POST',
      url: '/api/v1/uploads',
      remoteAddress,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ v: 1, files: [{ paddedSize: file.entry.paddedSize, sha256: file.entry.sha256 }] }),
    });
  const put = (app: FastifyInstance, remoteAddress: string, uploadId: string, chunk: number) =>
    app.inject({
      method: 'PUT',
      url: '/api/v1/uploads/chunks',
      remoteAddress,
      headers: { 'content-type': 'application/octet-stream' },
      payload: Buffer.from(encodeChunkFrame({ uploadId, file: 0, chunk }, file.chunks[chunk]!)),
    });
  const storedChunks = async () =>
    Number(
      (
        await database.db
          .selectFrom('attachment_chunks')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('one client cannot grow the store beyond its own hourly budget; another client still uploads', async () => {
    const app = await appWith({ ATTACHMENT_UPLOAD_BYTES_PER_HOUR: String(2 * SEALED_CHUNK_BYTES) });
    const before = await storedChunks();
    const mine = (await declare(app, '192.0.2.1')).json() as { uploadId: string };
    const statuses = [];
    for (let chunk = 0; chunk < 3; chunk++) statuses.push((await put(app, '192.0.2.1', mine.uploadId, chunk)).statusCode);
    expect(statuses).toEqual([201, 201, 429]);
    expect(await storedChunks()).toBe(before + 2);
    const theirs = (await declare(app, '192.0.2.2')).json() as { uploadId: string };
    expect((await put(app, '192.0.2.2', theirs.uploadId, 0)).statusCode).toBe(201);
  });

  it('all clients together stop at the cap on unfinished bytes: 503 with Retry-After, and an account without files is still taken', async () => {
    const unfinished = await storedChunks();
    const app = await appWith({ UPLOAD_UNFINISHED_BYTES_MAX: String((unfinished + 2) * SEALED_CHUNK_BYTES) });
    const statuses = [];
    for (const client of ['192.0.2.10', '192.0.2.11', '192.0.2.12']) {
      const { uploadId } = (await declare(app, client)).json() as { uploadId: string };
      statuses.push((await put(app, client, uploadId, 0)).statusCode);
    }
    expect(statuses).toEqual([201, 201, 503]);
    expect(await storedChunks()).toBe(unfinished + 2);
    const { uploadId } = (await declare(app, '192.0.2.13')).json() as { uploadId: string };
    const refused = await put(app, '192.0.2.13', uploadId, 0);
    expect(refused.statusCode).toBe(503);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.json()).toMatchObject({ error: { code: 'uploads_paused' } });
    expect((await submit(app, key, '192.0.2.13')).statusCode).toBe(201);
  });

  it('below the free-space watermark no client stores a byte: 503 with Retry-After; accounts without files still succeed', async () => {
    // A watermark above any disk's free space: the store is "full" for uploads.
    const app = await appWith({ UPLOAD_MIN_FREE_BYTES: String(9_000_000_000_000) });
    const before = await storedChunks();
    const declared = await declare(app, '192.0.2.20');
    expect(declared.statusCode).toBe(503);
    expect(Number(declared.headers['retry-after'])).toBeGreaterThan(0);
    expect(await storedChunks()).toBe(before);
    expect((await submit(app, key, '192.0.2.20')).statusCode).toBe(201);
  });
});

describe('public pages and unknown query parameters', () => {
  let database: TestDatabase;
  let app: FastifyInstance;
  let queries = 0;
  beforeAll(async () => {
    database = await openTestDatabase();
    const counting: KyselyPlugin = { transformQuery: (args) => (queries++, args.node), transformResult: async (args) => args.result };
    app = await buildApp({ config: loadConfig({ PUBLIC_ORIGIN: ORIGIN, LOG_LEVEL: 'silent' }), db: database.db.withPlugin(counting), logDestination: captureLog().stream });
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  it('answer the same cached bytes whatever junk the query carries, without a fresh render', async () => {
    const before = queries;
    const first = await app.inject({ url: '/' });
    expect(first.statusCode).toBe(200);
    const perRender = queries - before;
    expect(perRender).toBeGreaterThan(1);
    const afterFirst = queries;
    for (let i = 0; i < 50; i++) {
      const response = await app.inject({ url: `/?junk=${i}&x=${'y'.repeat(i)}` });
      expect(response.statusCode).toBe(200);
      expect(response.body).toBe(first.body);
    }
    // At most a re-read of the published state (once a second), never a render per query.
    expect(queries - afterFirst).toBeLessThan(perRender);
  });

  it('file the same query, however spelt, under one entry; unknown parameters on a route with a query schema are a 400', async () => {
    const a = await app.inject({ url: '/stories?platform=outlier&role=writer' });
    expect(a.statusCode).toBe(200);
    const afterFirst = queries;
    const b = await app.inject({ url: '/stories?role=writer&platform=outlier' });
    expect(b.headers.etag).toBe(a.headers.etag);
    expect(queries - afterFirst).toBeLessThanOrEqual(1);
    expect((await app.inject({ url: '/stories?junk=1' })).statusCode).toBe(400);
  });
});
