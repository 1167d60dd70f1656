// A receipt given in Spanish opens its status from the English /status, and an English one from
// a Spanish page's form (issue 31): the words of any official BIP-39 list, accents optional.
import { errorMessage } from '../../server/i18n/error-messages.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entropyFromReceiptWords, receiptWordsFromEntropy } from '../../common/protocol/receipt.js';
import { currentIntakeKey, sealAndAcceptOnServer, type IntakeKey } from '../../server/intake/service.js';
import { startTestApp, type TestApp, TEST_ORIGIN as ORIGIN } from '../support/app.js';
import { keysFromWords, postJson, submitAsSource } from '../support/followup.js';
import { sampleAccount } from '../support/intake.js';
import { enrolViaApi } from '../support/moderation.js';

let t: TestApp;
let key: IntakeKey;

beforeAll(async () => {
  t = await startTestApp({ PUBLIC_ORIGIN: ORIGIN });
  await enrolViaApi(t.app, t.database.db, 'mia', 'administrator', { createIntakeKey: true });
  key = (await currentIntakeKey(t.database.db))!;
});
afterAll(async () => t?.close());

const statusForm = (words: string) =>
  t.app.inject({ method: 'POST', url: '/status', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ words, action: 'view' }).toString() });
const withoutAccents = (words: string) => words.normalize('NFKD').replace(/\p{M}/gu, '');

describe('receipts across languages', () => {
  it('a receipt given in Spanish (the no-JavaScript path of a Spanish page) opens its status from the English /status, accents or not', async () => {
    const { words } = await sealAndAcceptOnServer(t.database.db, sampleAccount(), undefined, 'es');
    const spanish = words.join(' ');
    expect(spanish).not.toBe(receiptWordsFromEntropy(entropyFromReceiptWords(spanish), 'en').join(' '));
    for (const typed of [spanish, withoutAccents(spanish), spanish.toUpperCase()]) {
      const page = await statusForm(typed);
      expect(page.statusCode, typed).toBe(200);
      expect(page.body).toContain('data-status="received"');
    }
    // The browser's path: the lookup token derived from the Spanish words is the account's.
    expect((await postJson(t.app, '/api/v1/status', { lookupToken: (await keysFromWords(spanish)).lookupToken })).statusCode).toBe(200);
    // The same receipt spelled in English and in Portuguese opens the same account.
    const entropy = entropyFromReceiptWords(spanish);
    for (const language of ['en', 'pt-BR'] as const) expect((await statusForm(receiptWordsFromEntropy(entropy, language).join(' '))).body).toContain('data-status="received"');
  });

  it('a receipt given in English opens its status in Spanish and Portuguese spelling, by form and by API', async () => {
    const source = await submitAsSource(t.app, t.database.db, key);
    const entropy = entropyFromReceiptWords(source.words.join(' '));
    for (const language of ['es', 'pt-BR'] as const) {
      const words = receiptWordsFromEntropy(entropy, language).join(' ');
      expect((await statusForm(words)).body, language).toContain('data-status="received"');
      const viaApi = await postJson(t.app, '/api/v1/status', { lookupToken: (await keysFromWords(words)).lookupToken });
      expect(viaApi.statusCode).toBe(200);
      expect((viaApi.json() as { status: string }).status).toBe('received');
    }
  });

  it('words mixing two lists are refused as a receipt that does not check out, nothing found', async () => {
    const source = await submitAsSource(t.app, t.database.db, key);
    const entropy = entropyFromReceiptWords(source.words.join(' '));
    const mixed = [...receiptWordsFromEntropy(entropy, 'es').slice(0, 6), ...receiptWordsFromEntropy(entropy, 'pt-BR').slice(6)].join(' ');
    const page = await statusForm(mixed);
    expect(page.statusCode).toBe(400);
    expect(page.body).not.toContain('data-status="received"');
    expect(page.body).toContain(errorMessage('receipt_checksum', undefined, 'en'));
  });
});
