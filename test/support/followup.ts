// Sources coming back, for tests: a submission made through the real API, the keys its words
// derive, and the moderator's side (open, ask) done as the console's browser does it.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Kysely } from 'kysely';
import { validateMnemonic } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import type { Database } from '../../server/db/schema.js';
import type { Account } from '../../common/intake/account.js';
import type { IntakeKey } from '../../server/intake/service.js';
import { fromBase64, toBase64 } from '../../common/protocol/encoding.js';
import { sealMessage, type BoxKeyPair } from '../../common/protocol/envelope.js';
import { deriveReceiptKeys, entropyFromReceiptWords } from '../../common/protocol/receipt.js';
import { loadSodium } from '../../common/protocol/sodium.js';
import { sampleAccount, sealForTest, withdrawalTagHashOf } from './intake.js';
import { call, type Browserless } from './moderation.js';

export interface TestSource {
  submissionId: string;
  words: string[];
  /** Base64, as the browser sends it. */
  lookupToken: string;
  /** Base64, as the status page sends it beside the token. */
  withdrawalTag: string;
  replyKeyPair: BoxKeyPair;
}

export function postJson(app: FastifyInstance, url: string, body: unknown, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json', ...headers },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** The keys a source's browser derives from typed words. */
export async function keysFromWords(words: string): Promise<{ lookupToken: string; withdrawalTag: string; replyKeyPair: BoxKeyPair }> {
  const sodium = await loadSodium();
  const { lookupToken, replyKeyPair, withdrawalTag } = deriveReceiptKeys(sodium, entropyFromReceiptWords(words));
  return { lookupToken: toBase64(sodium, lookupToken), withdrawalTag: toBase64(sodium, withdrawalTag), replyKeyPair };
}

/** Submits through POST /api/v1/submissions, as the submission page does. */
export async function submitAsSource(app: FastifyInstance, db: Kysely<Database>, key: IntakeKey, account: Account = sampleAccount()): Promise<TestSource> {
  const sealed = await sealForTest(key, account);
  const response = await postJson(app, '/api/v1/submissions', sealed.body);
  if (response.statusCode !== 201) throw new Error(`submission failed: ${response.body}`);
  const sodium = await loadSodium();
  const row = await db.selectFrom('submissions').select('id').where('reply_public_key', '=', fromBase64(sodium, sealed.body.replyPublicKey)).executeTakeFirstOrThrow();
  return { submissionId: row.id, words: sealed.words, ...(await keysFromWords(sealed.words.join(' '))) };
}

/** A moderator opens the submission and asks a question sealed to the source's reply key. */
export async function askAsModerator(app: FastifyInstance, moderator: Browserless, submissionId: string, question: string): Promise<void> {
  const sodium = await loadSodium();
  const opened = await call(app, moderator, 'POST', `/mod/api/submissions/${submissionId}/claim`, {});
  if (opened.statusCode !== 200) throw new Error(`starting the review failed: ${opened.body}`);
  const { replyPublicKey } = opened.json() as { replyPublicKey: string };
  const { keys } = (await call(app, moderator, 'GET', '/mod/api/keys')).json() as { keys: { publicKey: string; current: boolean }[] };
  const intakePublicKey = keys.find((k) => k.current)!.publicKey;
  const seal = (publicKey: string) => toBase64(sodium, sealMessage(sodium, question, fromBase64(sodium, publicKey)));
  const asked = await call(app, moderator, 'POST', `/mod/api/submissions/${submissionId}/question`, { ciphertext: seal(replyPublicKey), intakeCiphertext: seal(intakePublicKey) });
  if (asked.statusCode !== 200) throw new Error(`question failed: ${asked.body}`);
}

/** Twelve real words whose BIP-39 checksum fails: one typo in the last word. */
export function wordsWithBadChecksum(words: readonly string[]): string[] {
  for (const candidate of wordlist) {
    const typo = [...words.slice(0, -1), candidate];
    if (!validateMnemonic(typo.join(' '), wordlist)) return typo;
  }
  throw new Error('no failing checksum found');
}

/** Marks the story drawn from the submission behind these receipt words as published, as a batch release (issue 4) would. */
export async function publishStoryOf(db: Kysely<Database>, words: readonly string[], slug: string, day: string): Promise<string> {
  const story = await db
    .selectFrom('stories')
    .select('id')
    .where('withdrawal_tag_hash', '=', await withdrawalTagHashOf(words))
    .executeTakeFirstOrThrow();
  await db.updateTable('stories').set({ status: 'published', slug, published_on: day, batch_position: 1 }).where('id', '=', story.id).execute();
  return story.id;
}
