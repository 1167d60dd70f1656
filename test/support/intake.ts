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
import { lookupTokenHash, withdrawalTagHash } from '../../common/protocol/digest.js';
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

/** Every version-2 and version-3 question answered (an account's `facts`, and the form's field names): the tests' one full set. */
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
  // Version 3 (issue 32).
  aiInterview: 'yes',
  monitoringTools: 'webcam',
  idVerification: 'yes',
  toldOfBreach: 'learned_elsewhere',
  classification: 'agency_temp',
  payMethod: 'per_task',
  relaunchedLower: 'yes',
  realClientData: 'unsure',
  complaint: 'nothing_changed',
  trainingPaid: 'unpaid',
  location: 'us_15_plus',
} as const satisfies Record<FactKey, string>;
/** The half-year asked beside them. */
export const FACTS_HALF_YEAR = '2025-H2';

export interface SealedForTest {
  body: SealedSubmission;
  words: string[];
  lookupToken: Uint8Array;
  /** Base64, as the sealed account carries it and the moderator's browser copies it. */
  withdrawalTag: string;
}

export async function sealForTest(key: IntakeKey, account: Account = sampleAccount()): Promise<SealedForTest> {
  const sodium = await loadSodium();
  const entropy = drawReceiptEntropy(sodium);
  const { lookupToken, replyKeyPair, withdrawalTag } = deriveReceiptKeys(sodium, entropy);
  const tag = toBase64(sodium, withdrawalTag);
  return {
    words: receiptWordsFromEntropy(entropy, 'en'),
    lookupToken,
    withdrawalTag: tag,
    body: {
      v: 1,
      intakeKeyId: key.id,
      ciphertext: toBase64(sodium, sealAccount(sodium, { ...account, withdrawalTag: tag }, key.publicKey)),
      replyPublicKey: toBase64(sodium, replyKeyPair.publicKey),
      lookupToken: toBase64(sodium, lookupToken),
    },
  };
}

/** What the account and story drawn from a receipt's submission keep: SHA-256 of its withdrawal tag. */
export async function withdrawalTagHashOf(words: readonly string[]): Promise<Uint8Array> {
  const sodium = await loadSodium();
  return withdrawalTagHash(deriveReceiptKeys(sodium, entropyFromReceiptWords(words.join(' '))).withdrawalTag);
}

/**
 * The account stored under a receipt's 12 words, opened with the intake key: what reached the
 * server, less the withdrawal tag, which must be the one these words derive.
 */
export async function accountForReceipt(db: Kysely<Database>, key: TestIntakeKey, words: string[]): Promise<unknown> {
  const sodium = await loadSodium();
  const { lookupToken, withdrawalTag } = deriveReceiptKeys(sodium, entropyFromReceiptWords(words.join(' ')));
  const row = await db.selectFrom('submissions').selectAll().where('lookup_hash', '=', lookupTokenHash(lookupToken)).executeTakeFirstOrThrow();
  const { withdrawalTag: sealed, ...account } = openAccount(sodium, row.envelope!, key.keyPair) as { withdrawalTag?: string };
  if (sealed !== toBase64(sodium, withdrawalTag)) throw new Error('the sealed account does not carry the withdrawal tag these words derive');
  return account;
}
