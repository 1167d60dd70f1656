// The sealed-envelope API and the no-JavaScript form path, on a real database.
import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { todayUtc } from '../../server/db/day.js';
import { keyFingerprint } from '../../common/protocol/fingerprint.js';
import { generateIntakeKeyPair } from '../../common/protocol/intake-key.js';
import { lookupTokenHash } from '../../common/protocol/digest.js';
import { fromBase64, toBase64 } from '../../common/protocol/encoding.js';
import { openAccount } from '../../common/protocol/envelope.js';
import { deriveReceiptKeys, entropyFromReceiptWords } from '../../common/protocol/receipt.js';
import { loadSodium } from '../../common/protocol/sodium.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { dumpAllTables } from '../support/database.js';
import { accountForReceipt, ALL_FACTS, createIntakeKey, FACTS_HALF_YEAR, sampleAccount, sealForTest, type TestIntakeKey } from '../support/intake.js';

let t: TestApp;
let key: TestIntakeKey;

beforeAll(async () => {
  t = await startTestApp();
  key = await createIntakeKey(t.database.db);
});
afterAll(async () => t?.close());

const countSubmissions = async () =>
  Number(
    (
      await t.database.db
        .selectFrom('submissions')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

function post(payload: unknown, headers: Record<string, string> = {}) {
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/submissions',
    headers: { 'content-type': 'application/json', ...headers },
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });
}

function expectRefusal(response: LightMyRequestResponse, status: number, code: string) {
  expect(response.statusCode, response.body).toBe(status);
  const body = response.json() as { error: { code: string; message: string } };
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(10);
}

describe('POST /api/v1/submissions', () => {
  it('stores only the envelope, the reply key and the hash of the lookup token', async () => {
    const sealed = await sealForTest(key);
    const response = await post(sealed.body);
    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({ status: 'received' });
    expect(response.headers['set-cookie']).toBeUndefined();

    const row = await t.database.db.selectFrom('submissions').selectAll().where('lookup_hash', '=', lookupTokenHash(sealed.lookupToken)).executeTakeFirstOrThrow();
    expect(row.status).toBe('received');
    expect(row.received_on).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(row.padding_bucket).toBe(4096);
    const sodium = await loadSodium();
    expect(openAccount(sodium, row.envelope!, key.keyPair)).toEqual({ ...sampleAccount(), withdrawalTag: expect.any(String) });
    // The words lead back to the row: same token, same hash.
    const again = deriveReceiptKeys(sodium, entropyFromReceiptWords(sealed.words.join(' ')));
    expect(Buffer.from(lookupTokenHash(again.lookupToken))).toEqual(Buffer.from(row.lookup_hash!));
  });

  describe('bad input is refused with a clear message and stores nothing', () => {
    const cases: [string, () => Promise<unknown>, number, string][] = [
      ['not JSON', async () => '{"v":1,', 400, 'invalid_json'],
      ['an empty body', async () => '', 400, 'invalid_json'],
      ['a JSON array', async () => [1, 2], 400, 'invalid_request'],
      [
        'a missing field',
        async () => {
          const { lookupToken: _, ...rest } = (await sealForTest(key)).body;
          return rest;
        },
        400,
        'invalid_request',
      ],
      ['an extra field', async () => ({ ...(await sealForTest(key)).body, ip: '1.2.3.4' }), 400, 'invalid_request'],
      ['a wrong version', async () => ({ ...(await sealForTest(key)).body, v: 2 }), 400, 'invalid_request'],
      ['a version as a string', async () => ({ ...(await sealForTest(key)).body, v: '1' }), 400, 'invalid_request'],
      ['an intake key id that is not a UUID', async () => ({ ...(await sealForTest(key)).body, intakeKeyId: 'k1' }), 400, 'invalid_request'],
      ['base64 that does not decode', async () => ({ ...(await sealForTest(key)).body, ciphertext: 'not base64!' }), 400, 'bad_base64'],
      // The envelope is not scanned by the plain-text rule (its decoder checks every character).
      [
        'a control character inside the base64',
        async () => {
          const { body } = await sealForTest(key);
          return { ...body, ciphertext: `${body.ciphertext.slice(0, 100)}\u0000${body.ciphertext.slice(100)}` };
        },
        400,
        'bad_base64',
      ],
      [
        'a ciphertext that is not a bucket plus the seal',
        async () => {
          const sodium = await loadSodium();
          return { ...(await sealForTest(key)).body, ciphertext: toBase64(sodium, sodium.randombytes_buf(5000)) };
        },
        400,
        'bad_ciphertext_length',
      ],
      ['an empty ciphertext', async () => ({ ...(await sealForTest(key)).body, ciphertext: '' }), 400, 'bad_ciphertext_length'],
      [
        'a ciphertext missing its seal overhead',
        async () => {
          const sodium = await loadSodium();
          return { ...(await sealForTest(key)).body, ciphertext: toBase64(sodium, sodium.randombytes_buf(4096)) };
        },
        400,
        'bad_ciphertext_length',
      ],
      [
        'a reply key of the wrong length',
        async () => {
          const sodium = await loadSodium();
          return { ...(await sealForTest(key)).body, replyPublicKey: toBase64(sodium, sodium.randombytes_buf(31)) };
        },
        400,
        'bad_length',
      ],
      [
        'a lookup token of the wrong length',
        async () => {
          const sodium = await loadSodium();
          return { ...(await sealForTest(key)).body, lookupToken: toBase64(sodium, sodium.randombytes_buf(16)) };
        },
        400,
        'bad_length',
      ],
      ['an unknown intake key', async () => ({ ...(await sealForTest(key)).body, intakeKeyId: '00000000-0000-4000-8000-000000000000' }), 400, 'unknown_intake_key'],
    ];
    it.each(cases)('%s', async (_name, makePayload, status, code) => {
      const before = await countSubmissions();
      expectRefusal(await post(await makePayload()), status, code);
      expect(await countSubmissions()).toBe(before);
      expect((await t.app.inject({ url: '/healthz' })).statusCode).toBe(200);
    });

    it('a lookup token already used (409)', async () => {
      const sealed = await sealForTest(key);
      expect((await post(sealed.body)).statusCode).toBe(201);
      const before = await countSubmissions();
      const second = await sealForTest(key);
      expectRefusal(await post({ ...second.body, lookupToken: sealed.body.lookupToken }), 409, 'lookup_token_used');
      expect(await countSubmissions()).toBe(before);
    });

    it('a body over 128 KiB (413)', async () => {
      const before = await countSubmissions();
      const body = { ...(await sealForTest(key)).body, ciphertext: 'A'.repeat(140 * 1024) };
      expectRefusal(await post(body), 413, 'body_too_large');
      expect(await countSubmissions()).toBe(before);
    });

    it('a content type other than JSON (415)', async () => {
      const response = await post('v=1', { 'content-type': 'text/plain' });
      expectRefusal(response, 415, 'unsupported_media_type');
    });
  });

  it('the same envelope sent twice (the first answer lost) is stored once and answered the same', async () => {
    const sealed = await sealForTest(key);
    const before = await countSubmissions();
    const first = await post(sealed.body);
    const second = await post(sealed.body);
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.json()).toEqual(first.json());
    expect(await countSubmissions()).toBe(before + 1);
  });

  it('the same envelope sent twice at once is stored once', async () => {
    const sealed = await sealForTest(key);
    const before = await countSubmissions();
    const answers = await Promise.all([post(sealed.body), post(sealed.body)]);
    expect(answers.map((a) => a.statusCode)).toEqual([201, 201]);
    expect(await countSubmissions()).toBe(before + 1);
  });

  it('accepts the largest bucket', async () => {
    const sealed = await sealForTest(key, sampleAccount({ narrative: 'x'.repeat(60_000) }));
    expect(fromBase64(await loadSodium(), sealed.body.ciphertext).length).toBe(65536 + 48);
    expect((await post(sealed.body)).statusCode).toBe(201);
  });
});

/** Every version-2 question answered (form field names). */
const VERSION_2_FIELDS = { ...ALL_FACTS, halfYear: FACTS_HALF_YEAR };

const formTokenOf = (page: string): string => {
  const token = /name="formToken" value="([^"]+)"/.exec(page)?.[1];
  if (!token) throw new Error('the form carries no one-time token');
  return token.replaceAll('&#x3D;', '=');
};
const receiptWordsIn = (page: string): string[] => [...page.matchAll(/<li>([a-z]+)<\/li>/g)].map((m) => m[1]!);

describe('the no-JavaScript form, POST /submit', () => {
  const form = (fields: Record<string, string | string[]>) => {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(fields)) for (const v of [value].flat()) params.append(name, v);
    return t.app.inject({
      method: 'POST',
      url: '/submit',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: params.toString(),
    });
  };

  it('the same form (its one-time token) sent twice is stored once and shows the same words', async () => {
    const token = formTokenOf((await t.app.inject({ method: 'GET', url: '/submit' })).body);
    const fields = { narrative: 'Sent twice: the answer to the first was lost.', consent: 'stats', formToken: token };
    const before = await countSubmissions();
    const first = await form(fields);
    const second = await form(fields);
    expect(first.statusCode).toBe(200);
    expect(second.statusCode).toBe(200);
    expect(await countSubmissions()).toBe(before + 1);
    expect(receiptWordsIn(second.body)).toEqual(receiptWordsIn(first.body));
    expect(first.body).not.toContain('already-stored');
    expect(second.body).toContain('sending it again stored nothing new');
    expect(await accountForReceipt(t.database.db, key, receiptWordsIn(first.body))).toMatchObject({ narrative: fields.narrative });
    // Each served form has its own token.
    expect(formTokenOf((await t.app.inject({ method: 'GET', url: '/submit' })).body)).not.toBe(token);
  });

  it('a form token that is not one is refused and stores nothing', async () => {
    const before = await countSubmissions();
    const response = await form({ narrative: 'A forged token.', consent: 'stats', formToken: 'c2hvcnQ=' });
    expect(response.statusCode).toBe(400);
    expect(await countSubmissions()).toBe(before);
  });

  it('seals on the server, shows the receipt and says so plainly', async () => {
    const narrative = 'No-JS canary: the Tuesday rubric changed twice.';
    const response = await form({
      role: 'showrunner',
      platforms: ['turing', 'appen'],
      taskTypes: 'red_teaming',
      condition_nda_signed: 'unsure',
      narrative,
      consent: 'stats',
    });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('encrypted on our server');
    expect(response.headers['set-cookie']).toBeUndefined();
    const words = [...response.body.matchAll(/<li>([a-z]+)<\/li>/g)].map((m) => m[1]!);
    expect(words).toHaveLength(12);

    expect(await accountForReceipt(t.database.db, key, words)).toEqual({
      v: 3,
      role: 'showrunner',
      platforms: ['turing', 'appen'],
      taskTypes: ['red_teaming'],
      conditions: { nda_signed: 'unsure' },
      narrative,
      consent: 'stats',
    });
  });

  it.each([
    ['without a narrative', { consent: 'quote', narrative: '   ' }, 'narrative is required'],
    ['without consent', { narrative: 'Something happened.' }, 'choose what may be done'],
    ['with a platform outside the vocabulary', { narrative: 'x', consent: 'quote', platforms: 'openai' }, 'Unknown platforms'],
    ['with a condition answer outside the vocabulary', { narrative: 'x', consent: 'quote', condition_nda_signed: 'maybe' }, 'Unknown condition_nda_signed'],
    ['with an advertised pay band outside the vocabulary', { narrative: 'x', consent: 'quote', advertisedPayBand: '150_dollars' }, 'Unknown advertisedPayBand'],
    ['with an unpaid-hours band outside the vocabulary', { narrative: 'x', consent: 'quote', unpaidHours: 'twenty' }, 'Unknown unpaidHours'],
    ['with a half-year in the future', { narrative: 'x', consent: 'quote', halfYear: `${new Date().getUTCFullYear() + 1}-H1` }, 'halfYear cannot be in the future'],
    ['with a half-year before 2018', { narrative: 'x', consent: 'quote', halfYear: '2017-H1' }, 'halfYear cannot be before 2018-H1'],
    ['with a date where a half-year belongs', { narrative: 'x', consent: 'quote', halfYear: '2025-03-14' }, 'halfYear takes a half-year such as 2026-H1, never a date'],
  ])('refuses an account %s, keeps what was typed, stores nothing', async (_name, fields, message) => {
    const before = await countSubmissions();
    const response = await form(fields);
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain(message);
    expect(await countSubmissions()).toBe(before);
  });

  it('seals a version-2 account with every new question answered', async () => {
    const fields = {
      narrative: 'No-JS version 2: ten hours worked for five paid.',
      consent: 'quote',
      platforms: 'outlier',
      payBand: '40_59',
      ...VERSION_2_FIELDS,
    };
    const response = await form(fields);
    expect(response.statusCode).toBe(200);
    const words = [...response.body.matchAll(/<li>([a-z]+)<\/li>/g)].map((m) => m[1]!);
    const { halfYear, ...facts } = VERSION_2_FIELDS;
    expect(await accountForReceipt(t.database.db, key, words)).toEqual({
      v: 3,
      platforms: ['outlier'],
      taskTypes: [],
      payBand: '40_59',
      conditions: {},
      narrative: fields.narrative,
      consent: 'quote',
      facts,
      halfYear,
    });
  });

  it('refuses an account too long for the largest bucket with 413', async () => {
    const before = await countSubmissions();
    const response = await form({ narrative: 'y'.repeat(66_000), consent: 'quote' });
    expect(response.statusCode).toBe(413);
    expect(response.body).toContain('too long');
    expect(await countSubmissions()).toBe(before);
  });
});

describe('privacy', () => {
  it('a canary typed into the narrative appears in no table and no log line', async () => {
    const canary = 'CANARY-7f3a the grey heron flies at midnight over Stage 9';
    const sealed = await sealForTest(key, sampleAccount({ narrative: canary }));
    expect((await post(sealed.body)).statusCode).toBe(201);
    // Every field filled in, the new questions of version 2 too.
    const params = new URLSearchParams({
      narrative: canary,
      quotable: canary,
      consent: 'quote',
      role: 'writer',
      platforms: 'outlier',
      taskTypes: 'red_teaming',
      payBand: '40_59',
      hoursBand: '20_29',
      condition_nda_signed: 'yes',
      ...VERSION_2_FIELDS,
    });
    const noJs = await t.app.inject({
      method: 'POST',
      url: '/submit?source=' + encodeURIComponent(canary),
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'AgentCanary/1.0', referer: 'https://referrer-canary.example/' },
      payload: params.toString(),
    });
    expect(noJs.statusCode).toBe(200);
    const dump = await dumpAllTables(t.database.db);
    expect(dump).toContain('submissions:');
    expect(dump).not.toContain('CANARY-7f3a');
    expect(dump).not.toContain('grey heron');
    const log = t.logText();
    expect(log).not.toContain('CANARY');
    expect(log).not.toContain('heron');
  });

  it('no log line holds the client address, agent, referrer, cookie or query, even at trace level', async () => {
    const headers = {
      'user-agent': 'AgentCanary/2.0',
      referer: 'https://referrer-canary.example/page',
      cookie: 'session=cookie-canary',
      'x-forwarded-for': '203.0.113.77',
    };
    await t.app.inject({ url: '/submit?q=query-canary', headers, remoteAddress: '198.51.100.23' });
    await t.app.inject({ url: '/nowhere?q=query-canary', headers, remoteAddress: '198.51.100.23' });
    await t.app.inject({ method: 'POST', url: '/api/v1/submissions', headers: { ...headers, 'content-type': 'application/json' }, payload: '{"x":', remoteAddress: '198.51.100.23' });
    const log = t.logText();
    expect(log.length).toBeGreaterThan(0);
    for (const secret of ['AgentCanary', 'referrer-canary', 'cookie-canary', '203.0.113.77', '198.51.100.23', '127.0.0.1', 'query-canary', 'remoteAddress', 'remotePort', 'user-agent']) {
      expect(log, secret).not.toContain(secret);
    }
  });
});

// Last in this file: it leaves a different key current.
describe('a rotation made by another instance (straight in the database)', () => {
  it('takes the new key at once and refuses the retired one with 409', async () => {
    const { db } = t.database;
    expect((await post((await sealForTest(key)).body)).statusCode).toBe(201); // this instance now remembers `key`
    const sodium = await loadSodium();
    const fresh = { id: randomUUID(), publicKey: generateIntakeKeyPair(sodium).publicKey };
    await db.updateTable('intake_keys').set({ retired_on: todayUtc() }).where('id', '=', key.id).execute();
    await db
      .insertInto('intake_keys')
      .values({ id: fresh.id, public_key: fresh.publicKey, fingerprint: keyFingerprint(sodium, fresh.publicKey), created_on: todayUtc() })
      .execute();

    const before = await countSubmissions();
    const sealedToFresh = await sealForTest({ ...fresh, fingerprint: '' });
    expect((await post(sealedToFresh.body)).statusCode).toBe(201);
    expectRefusal(await post((await sealForTest(key)).body), 409, 'retired_intake_key');
    expect(await countSubmissions()).toBe(before + 1);
  });
});

describe('GET /submit', () => {
  it('states K_MIN and RETENTION_DAYS as configured, not as the defaults', async () => {
    const other = await startTestApp({ K_MIN: '17', RETENTION_DAYS: '45' });
    try {
      await createIntakeKey(other.database.db);
      const page = (await other.app.inject({ method: 'GET', url: '/submit' })).body;
      expect(page).toContain('at least 17 people');
      expect(page).toContain('deleted 45 days after a decision');
      expect(page).not.toContain('eleven');
      expect(page).not.toContain('30 days');
    } finally {
      await other.close();
    }
  });
});
