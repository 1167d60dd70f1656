// Intake helpers for tests: an intake key pair made through the service layer, and
// envelopes sealed exactly as the browser seals them.
import type { Kysely } from 'kysely';
import type { Database } from '../../server/db/schema.js';
import type { Account } from '../../common/intake/account.js';
import type { FactKey } from '../../common/vocabulary.js';
import { registerIntakeKey, type IntakeKey } from '../../server/intake/service.js';
import type { SealedSubmission } from '../../common/intake/schemas.js';
import { toBase64 } from '../../common/protocol/encoding.js';
import { openAccount, sealAccount, type BoxKeyPair } from '../../common/protocol/envelope.js';
import { generateIntakeKeyPair } from '../../common/protocol/intake-key.js';
import { lookupTokenHash } from '../../common/protocol/digest.js';
import { deriveReceiptKeys, drawReceiptEntropy, entropyFromReceiptWords, receiptWordsFromEntropy } from '../../common/protocol/receipt.js';
import { loadSodium } from '../../common/protocol/sodium.js';

export interface TestIntakeKey extends IntakeKey {
  keyPair: BoxKeyPair;
}

export async function createIntakeKey(db: Kysely<Database>): Promise<TestIntakeKey> {
  const sodium = await loadSodium();
  const keyPair = generateIntakeKeyPair(sodium);
  return { ...(await registerIntakeKey(db, keyPair.publicKey)), keyPair };
}

export function sampleAccount(overrides: Partial<Account> = {}): Account {
  return {
    v: 1,
    role: 'writer',
    platforms: ['outlier', 'mercor'],
    taskTypes: ['rating_responses'],
    payBand: '40_59',
    hoursBand: '20_29',
    conditions: { nda_signed: 'yes', paid_all_time: 'no' },
    narrative: 'I rated chatbot answers for eight months; the project stopped overnight.',
    consent: 'quote',
    ...overrides,
  };
}

/** Every version-2 question answered (an account's `facts`, and the form's field names): the tests' one full set. */
export const ALL_FACTS = {
  advertisedPayBand: 'over_150',
  unpaidHours: '20_49',
  paidShare: 'about_half',
  latePay: 'sometimes',
  endedWithoutNotice: 'yes',
  noticeGiven: 'under_24_hours',
  rateCut: 'yes',
  deactivated: 'yes',
  appealPossible: 'no',
  monitoring: 'unsure',
  union: 'wga',
} as const satisfies Record<FactKey, string>;
/** The half-year asked beside them. */
export const FACTS_HALF_YEAR = '2025-H2';

export interface SealedForTest {
  body: SealedSubmission;
  words: string[];
  lookupToken: Uint8Array;
}

export async function sealForTest(key: IntakeKey, account: Account = sampleAccount()): Promise<SealedForTest> {
  const sodium = await loadSodium();
  const entropy = drawReceiptEntropy(sodium);
  const { lookupToken, replyKeyPair } = deriveReceiptKeys(sodium, entropy);
  return {
    words: receiptWordsFromEntropy(entropy),
    lookupToken,
    body: {
      v: 1,
      intakeKeyId: key.id,
      ciphertext: toBase64(sodium, sealAccount(sodium, account, key.publicKey)),
      replyPublicKey: toBase64(sodium, replyKeyPair.publicKey),
      lookupToken: toBase64(sodium, lookupToken),
    },
  };
}

/** The account stored under a receipt's 12 words, opened with the intake key: what reached the server. */
export async function accountForReceipt(db: Kysely<Database>, key: TestIntakeKey, words: string[]): Promise<unknown> {
  const sodium = await loadSodium();
  const { lookupToken } = deriveReceiptKeys(sodium, entropyFromReceiptWords(words.join(' ')));
  const row = await db.selectFrom('submissions').selectAll().where('lookup_hash', '=', lookupTokenHash(lookupToken)).executeTakeFirstOrThrow();
  return openAccount(sodium, row.envelope!, key.keyPair);
}
