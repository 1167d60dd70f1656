// Intake rules: which key accepts accounts, what a sealed envelope must look like, and the
// no-JavaScript path that seals on the server in memory (DESIGN §3, §5).
import type { Language } from '../../common/languages.js';
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { EnvelopeBatches, insertEnvelopeRows, onceMoreIfConnectionLost, type EnvelopeRow } from './envelope-batches.js';
import { todayUtc } from '../db/day.js';
import type { Database } from '../db/schema.js';
import { decodeField } from '../binary-fields.js';
import { CodedError } from '../../common/errors.js';
import { lookupTokenHash } from '../../common/protocol/digest.js';
import { toBase64 } from '../../common/protocol/encoding.js';
import { sealAccount } from '../../common/protocol/envelope.js';
import { keyFingerprint } from '../../common/protocol/fingerprint.js';
import { BOX_PUBLIC_KEY_BYTES } from '../../common/protocol/intake-key.js';
import { bucketOfSealedLength } from '../../common/protocol/padding.js';
import { deriveReceiptKeys, drawReceiptEntropy, FORM_TOKEN_BYTES, LOOKUP_TOKEN_BYTES, receiptEntropyFromFormToken, receiptWordsFromEntropy } from '../../common/protocol/receipt.js';
import { loadSodium } from '../../common/protocol/sodium.js';
import { attachUpload } from '../attachments/service.js';
import { serverSecret } from '../db/server-secret.js';
import type { Account } from '../../common/intake/account.js';
import type { SealedSubmission } from '../../common/intake/schemas.js';

export interface IntakeKey {
  id: string;
  publicKey: Uint8Array;
  fingerprint: string;
}

export async function currentIntakeKey(db: Kysely<Database>): Promise<IntakeKey | undefined> {
  const row = await db.selectFrom('intake_keys').select(['id', 'public_key', 'fingerprint']).where('retired_on', 'is', null).executeTakeFirst();
  return row && { id: row.id, publicKey: row.public_key, fingerprint: row.fingerprint };
}

/** Makes `publicKey` the key new accounts are sealed to; the previous one is retired, not deleted. */
export async function registerIntakeKey(db: Kysely<Database>, publicKey: Uint8Array): Promise<IntakeKey> {
  return db.transaction().execute((trx) => insertIntakeKey(trx, publicKey));
}

// Which key is current, as this process last read it. Read at most once a second on the
// submission path; a rotation made here clears it at once. After a rotation on another
// instance, a submission to the key just retired may still be taken for up to that second:
// harmless, since retired keys stay granted and their submissions stay readable.
const CURRENT_KEY_MEMO_MS = 1000;
let intakeKeysGeneration = 0;
const currentKeyMemo = new WeakMap<Kysely<Database>, { id: Promise<string | undefined>; readAt: number; generation: number }>();

async function currentIntakeKeyId(db: Kysely<Database>, fresh: boolean): Promise<string | undefined> {
  const memo = currentKeyMemo.get(db);
  const now = performance.now();
  if (!fresh && memo && memo.generation === intakeKeysGeneration && now - memo.readAt < CURRENT_KEY_MEMO_MS) return memo.id;
  const id = currentIntakeKey(db).then((key) => key?.id);
  const entry = { id, readAt: now, generation: intakeKeysGeneration };
  currentKeyMemo.set(db, entry);
  id.catch(() => currentKeyMemo.get(db) === entry && currentKeyMemo.delete(db));
  return id;
}

/** registerIntakeKey's work, inside a transaction the caller holds (enrolment, rotation). */
export async function insertIntakeKey(trx: Transaction<Database>, publicKey: Uint8Array): Promise<IntakeKey> {
  intakeKeysGeneration++;
  if (publicKey.length !== BOX_PUBLIC_KEY_BYTES) {
    throw new CodedError('bad_intake_key', { bytes: BOX_PUBLIC_KEY_BYTES });
  }
  const sodium = await loadSodium();
  const key: IntakeKey = { id: randomUUID(), publicKey, fingerprint: keyFingerprint(sodium, publicKey) };
  const today = todayUtc();
  await trx.updateTable('intake_keys').set({ retired_on: today }).where('retired_on', 'is', null).execute();
  await trx.insertInto('intake_keys').values({ id: key.id, public_key: publicKey, fingerprint: key.fingerprint, created_on: today }).execute();
  return key;
}

const INTAKE_CLOSED = () => new CodedError('intake_closed');

/** Why an envelope could not be stored under `intakeKeyId`: closed, unknown or retired key. */
async function intakeKeyRefusal(db: Kysely<Database>, intakeKeyId: string): Promise<CodedError> {
  const key = await db.selectFrom('intake_keys').select('retired_on').where('id', '=', intakeKeyId).executeTakeFirst();
  if (!key) {
    if (!(await currentIntakeKey(db))) return INTAKE_CLOSED();
    return new CodedError('unknown_intake_key');
  }
  return new CodedError('retired_intake_key');
}

function decodeEnvelope(submission: SealedSubmission) {
  const ciphertext = decodeField(submission.ciphertext, 'ciphertext');
  const bucket = bucketOfSealedLength(ciphertext.length);
  if (bucket === undefined) {
    throw new CodedError('bad_ciphertext_length', { field: 'ciphertext' });
  }
  return {
    ciphertext,
    bucket,
    replyPublicKey: decodeField(submission.replyPublicKey, 'replyPublicKey', BOX_PUBLIC_KEY_BYTES),
    lookupToken: decodeField(submission.lookupToken, 'lookupToken', LOOKUP_TOKEN_BYTES),
  };
}

const envelopeBatches = new WeakMap<Kysely<Database>, EnvelopeBatches>();

function envelopeBatchesFor(db: Kysely<Database>): EnvelopeBatches {
  let batches = envelopeBatches.get(db);
  if (!batches) envelopeBatches.set(db, (batches = new EnvelopeBatches(db)));
  return batches;
}

/** An envelope with its finished upload: acknowledged only with every file stored and checked, so one transaction for both. */
function insertWithUpload(db: Kysely<Database>, row: EnvelopeRow, uploadId: string): Promise<boolean> {
  return onceMoreIfConnectionLost(() =>
    db.transaction().execute(async (trx) => {
      if (!(await insertEnvelopeRows(trx, [row])).has(row.id)) return false;
      await attachUpload(trx, uploadId, row.id);
      return true;
    }),
  );
}

/** What storing an envelope came to: a new row, or the row an earlier send of the same lookup token left. */
type StoreOutcome = { stored: true } | { stored: false; existing: { envelope: Uint8Array | null; reply_public_key: Uint8Array | null; intake_key_id: string } };

/** Stores a sealed envelope unless its lookup token is already stored; resolves once committed. */
async function storeEnvelope(db: Kysely<Database>, submission: SealedSubmission): Promise<StoreOutcome> {
  let envelope: ReturnType<typeof decodeEnvelope>;
  try {
    envelope = decodeEnvelope(submission);
  } catch (error) {
    // While no key exists, intake is closed (503), whatever was sent.
    if (!(await currentIntakeKey(db))) throw INTAKE_CLOSED();
    throw error;
  }
  // The memo may be a second behind a rotation elsewhere: a key it does not know is checked afresh.
  if ((await currentIntakeKeyId(db, false)) !== submission.intakeKeyId && (await currentIntakeKeyId(db, true)) !== submission.intakeKeyId) {
    throw await intakeKeyRefusal(db, submission.intakeKeyId);
  }
  const today = todayUtc();
  const lookupHash = lookupTokenHash(envelope.lookupToken);
  const row: EnvelopeRow = {
    id: randomUUID(),
    receivedOn: today,
    intakeKeyId: submission.intakeKeyId,
    envelope: envelope.ciphertext,
    paddingBucket: envelope.bucket,
    replyPublicKey: envelope.replyPublicKey,
    lookupHash,
  };
  const { uploadId } = submission;
  const inserted = uploadId === undefined ? await envelopeBatchesFor(db).insert(row) : await insertWithUpload(db, row, uploadId);
  if (inserted) return { stored: true };
  const existing = await db.selectFrom('submissions').select(['envelope', 'reply_public_key', 'intake_key_id']).where('lookup_hash', '=', lookupHash).executeTakeFirst();
  // Deleted between the conflict and this read (retention, withdrawal): the token stays spent.
  if (!existing) throw new CodedError('lookup_token_used');
  return { stored: false, existing };
}

const sameBytes = (a: Uint8Array | null, b: Uint8Array): boolean => a !== null && Buffer.from(a).equals(b);

/**
 * Stores a sealed envelope; resolves only once the row is committed. The same envelope sent again
 * (its 201 lost on the way) is answered as the first was and stores nothing; another envelope
 * under a stored lookup token is refused, whatever became of the first.
 */
export async function acceptSealedSubmission(db: Kysely<Database>, submission: SealedSubmission): Promise<void> {
  const outcome = await storeEnvelope(db, submission);
  if (outcome.stored) return;
  const { existing } = outcome;
  const resent =
    existing.intake_key_id === submission.intakeKeyId &&
    sameBytes(existing.envelope, decodeField(submission.ciphertext, 'ciphertext')) &&
    sameBytes(existing.reply_public_key, decodeField(submission.replyPublicKey, 'replyPublicKey'));
  if (!resent) throw new CodedError('lookup_token_used');
}

export interface ServerSealedReceipt {
  words: string[];
  /** The form had been sent before (its answer lost) and was stored then: nothing new was stored. */
  alreadyStored: boolean;
}

const FORM_RECEIPT_SECRET = 'form-receipt';

/** The one-time token a no-JavaScript form carries, drawn when it is served (never stored, never logged). */
export async function drawFormToken(): Promise<string> {
  const sodium = await loadSodium();
  return toBase64(sodium, sodium.randombytes_buf(FORM_TOKEN_BYTES));
}

/**
 * The no-JavaScript path: the server performs the browser's steps in memory. The account and
 * the receipt exist only in this function's variables and in the one response that shows them.
 * With the form's one-time token, the receipt is derived from it, so that the same form sent
 * again finds its first copy and shows the same words instead of storing a second.
 */
/** Seals on the server (the no-JavaScript path); the receipt's words come from `language`'s list, the page's. */
export async function sealAndAcceptOnServer(db: Kysely<Database>, account: Account, formToken: string | undefined, language: Language): Promise<ServerSealedReceipt> {
  const key = await currentIntakeKey(db);
  if (!key) throw new CodedError('intake_closed');
  const sodium = await loadSodium();
  const entropy =
    formToken === undefined
      ? drawReceiptEntropy(sodium)
      : receiptEntropyFromFormToken(sodium, decodeField(formToken, 'formToken', FORM_TOKEN_BYTES), await serverSecret(db, FORM_RECEIPT_SECRET));
  const { lookupToken, replyKeyPair, withdrawalTag } = deriveReceiptKeys(sodium, entropy);
  let ciphertext: Uint8Array;
  try {
    ciphertext = sealAccount(sodium, { ...account, withdrawalTag: toBase64(sodium, withdrawalTag) }, key.publicKey);
  } catch (error) {
    if (error instanceof CodedError && error.is('too_large')) {
      throw new CodedError('account_too_large');
    }
    throw error;
  }
  // Only this form's token derives this lookup token: a row under it is this form's first copy.
  const outcome = await storeEnvelope(db, {
    v: 1,
    intakeKeyId: key.id,
    ciphertext: toBase64(sodium, ciphertext),
    replyPublicKey: toBase64(sodium, replyKeyPair.publicKey),
    lookupToken: toBase64(sodium, lookupToken),
  });
  const words = receiptWordsFromEntropy(entropy, language);
  sodium.memzero(entropy);
  sodium.memzero(replyKeyPair.privateKey);
  return { words, alreadyStored: !outcome.stored };
}
