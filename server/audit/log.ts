// The hash-chained audit log (DESIGN §4): every moderator action, one row each,
// hash = SHA-256(prev_hash ‖ canonical JSON of the entry), starting from 32 zero bytes.
// Entries carry a day, never a time of day: they touch sources' submissions.
import { sql, type Kysely } from 'kysely';
import { todayUtc } from '../db/day.js';
import type { Database, Day } from '../db/schema.js';
import { canonicalJson, type Json } from '../../common/protocol/canonical-json.js';
import { AUDIT_GENESIS_HASH, auditEntryHash } from '../../common/protocol/digest.js';
import { loadSodiumSumo } from '../../common/protocol/sodium-sumo.js';
import type { AuditVerification } from '../../common/moderation/audit-view.js';
import { auditActions, auditDetailNames, auditSubjectTypes, documentKinds, moderatorRoles, verificationTiers, type AuditAction, type AuditSubjectType } from '../../common/vocabulary.js';

// The list lives with its labels in the vocabulary module: an action without a label does not typecheck.
export const AUDIT_ACTIONS = auditActions.keys;
export type { AuditAction, AuditSubjectType };

export function isAuditAction(value: unknown): value is AuditAction {
  return auditActions.has(value);
}

export type AuditActor = { id: string; handle: string } | 'system';
export interface AuditSubject {
  type: AuditSubjectType;
  id: string;
}

/** One entry as hashed and stored (canonical JSON); `subject` and `details` only when given. */
// A type, not an interface: the API's loose entry type (an index signature) must accept it.
export type AuditEntry = {
  seq: number;
  day: Day;
  actor: AuditActor;
  action: AuditAction;
  subject?: AuditSubject;
  details?: Json;
};

export interface AuditEntryInput {
  actor: AuditActor;
  action: AuditAction;
  subject?: AuditSubject;
  details?: Json;
}

export interface AppendedAuditEntry {
  seq: number;
  /** Hex SHA-256 of this entry: the new head of the chain. */
  hash: string;
}

/**
 * Appends one entry. Pass the caller's transaction so the entry commits (or rolls back) with
 * the action it records; outside a transaction this opens one. The table lock serializes
 * concurrent appends (it conflicts with itself, not with readers) until the transaction ends.
 */
export async function appendAuditEntry(trx: Kysely<Database>, input: AuditEntryInput): Promise<AppendedAuditEntry> {
  if (!trx.isTransaction) return trx.transaction().execute((inner) => appendAuditEntry(inner, input));
  if (!isAuditAction(input.action)) throw new Error(`unknown audit action: ${String(input.action)}`);

  await sql`lock table audit_log in share row exclusive mode`.execute(trx);
  const last = await trx.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  const seq = (last?.seq ?? 0) + 1;
  const prevHash = last ? new Uint8Array(last.hash) : AUDIT_GENESIS_HASH;

  // Copy field by field so that nothing the caller's objects happen to carry gets hashed.
  const entry: { [key: string]: Json } = {
    seq,
    day: todayUtc(),
    actor: input.actor === 'system' ? 'system' : { id: input.actor.id, handle: input.actor.handle },
    action: input.action,
  };
  if (input.subject) {
    if (!auditSubjectTypes.has(input.subject.type)) {
      throw new Error(`unknown audit subject type: ${String(input.subject.type)}`);
    }
    entry.subject = { type: input.subject.type, id: input.subject.id };
  }
  if (input.details !== undefined) entry.details = input.details;

  const text = canonicalJson(entry);
  const sodium = await loadSodiumSumo();
  const hash = auditEntryHash(prevHash, text);
  await trx.insertInto('audit_log').values({ seq, entry: text, prev_hash: prevHash, hash }).execute();
  return { seq, hash: sodium.to_hex(hash) };
}

export type { AuditVerification };

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/**
 * Walks the chain in seq order and reports the first entry that does not verify: an edited
 * entry or hash (hash mismatch), a deleted or reordered entry (seq gap, prev_hash mismatch,
 * or stored JSON whose seq differs from its row).
 *
 * `entries` is the number of rows read that verified before the break (all rows when ok).
 *
 * Deleting the newest entries (truncating the tail) leaves a valid, shorter chain: the chain
 * alone cannot show it. The console therefore compares `headHash` (and `entries`) with the
 * head a moderator saw before; the head of an empty log is the genesis hash (zeros).
 */
export async function verifyAuditChain(db: Kysely<Database>, options: { batchSize?: number; from?: AuditCheckpoint } = {}): Promise<AuditVerification> {
  const batchSize = options.batchSize ?? 500;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error('batchSize must be a positive integer');
  const sodium = await loadSodiumSumo();
  let prevHash: Uint8Array = options.from?.hash ?? AUDIT_GENESIS_HASH;
  let expected = (options.from?.seq ?? 0) + 1;
  let verified = options.from?.seq ?? 0;
  for (;;) {
    const rows = await db.selectFrom('audit_log').select(['seq', 'entry', 'prev_hash', 'hash']).where('seq', '>=', expected).orderBy('seq', 'asc').limit(batchSize).execute();
    for (const row of rows) {
      const broken = (reason: string, at = row.seq) => ({ ok: false as const, entries: verified, brokenAt: at, reason });
      if (row.seq !== expected) {
        return broken(`entry ${expected} is missing (the next stored entry is ${row.seq})`, expected);
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(row.entry);
      } catch {
        return broken('the stored entry is not valid JSON');
      }
      const storedSeq = typeof parsed === 'object' && parsed !== null ? (parsed as { seq?: unknown }).seq : undefined;
      if (storedSeq !== row.seq) {
        return broken(`the stored entry says seq ${JSON.stringify(storedSeq) ?? 'nothing'}, its row is ${row.seq}`);
      }
      if (!bytesEqual(row.prev_hash, prevHash)) {
        return broken(row.seq === 1 ? 'prev_hash is not the genesis hash' : `prev_hash does not match the hash of entry ${row.seq - 1}`);
      }
      if (!bytesEqual(row.hash, auditEntryHash(prevHash, row.entry))) {
        return broken('the hash does not match the entry (entry or hash edited)');
      }
      prevHash = new Uint8Array(row.hash);
      expected = row.seq + 1;
      verified++;
    }
    if (rows.length < batchSize) break;
  }
  return { ok: true, entries: verified, headHash: sodium.to_hex(prevHash) };
}

/** An entry already verified, where a later verification may start. */
export interface AuditCheckpoint {
  seq: number;
  hash: Uint8Array;
}

/**
 * What the console shows (issue 25): the chain verified from the last entry the console verified
 * before, so a view costs the entries added since, not the whole log. The checkpoint is trusted
 * only while its entry still has the hash it had (otherwise the whole chain is walked again);
 * `npm run audit:verify` always walks every entry.
 */
export async function verifyAuditChainFromCheckpoint(db: Kysely<Database>): Promise<AuditVerification> {
  const checkpoint = await db
    .selectFrom('audit_checkpoint')
    .innerJoin('audit_log', (join) => join.onRef('audit_log.seq', '=', 'audit_checkpoint.seq').onRef('audit_log.hash', '=', 'audit_checkpoint.hash'))
    .select(['audit_checkpoint.seq', 'audit_checkpoint.hash'])
    .where('audit_checkpoint.id', '=', 1)
    .executeTakeFirst();
  const result = await verifyAuditChain(db, checkpoint ? { from: { seq: checkpoint.seq, hash: new Uint8Array(checkpoint.hash) } } : {});
  if (result.ok && result.entries > (checkpoint?.seq ?? 0)) {
    const sodium = await loadSodiumSumo();
    const head = { seq: result.entries, hash: sodium.from_hex(result.headHash) };
    await db
      .insertInto('audit_checkpoint')
      .values({ id: 1, ...head })
      .onConflict((oc) => oc.column('id').doUpdateSet(head))
      .execute();
  }
  return result;
}

/** Entries newest first, each with its hex hash (so the console can show and remember the head), `limit` at a time (at most 1000); page on with `beforeSeq`. */
export async function listAuditEntries(db: Kysely<Database>, options: { limit: number; beforeSeq?: number }): Promise<Array<AuditEntry & { hash: string }>> {
  const limit = Number.isFinite(options.limit) ? Math.min(Math.max(Math.trunc(options.limit), 1), 1000) : 50;
  let query = db.selectFrom('audit_log').select(['seq', 'entry', 'hash']).orderBy('seq', 'desc').limit(limit);
  if (options.beforeSeq !== undefined) query = query.where('seq', '<', options.beforeSeq);
  const rows = await query.execute();
  const sodium = await loadSodiumSumo();
  return rows.map((row) => ({ ...(JSON.parse(row.entry) as AuditEntry), hash: sodium.to_hex(row.hash) }));
}

/** An entry in the audit page's words; `action` keeps its key beside the label for whoever greps. */
export interface AuditEntryOnPage {
  seq: number;
  day: Day;
  who: string;
  action: AuditAction;
  actionText: string;
  subject?: { id: string; text: string };
  detailsText: string;
}

// Detail values whose words come from a vocabulary; the rest (counts, handles, fingerprints) read as they are.
const detailValueVocabularies: Partial<Record<string, { labelOf(key: string): string }>> = {
  verificationTier: verificationTiers,
  documentKinds,
};

/** The vocabularies an audit entry is described with, and a term's label (English unless a console language is given). */
export type AuditVocabulary = 'auditActions' | 'auditDetailNames' | 'auditSubjectTypes' | 'moderatorRoles';
export type AuditLabel = (vocabulary: AuditVocabulary, key: string) => string;
const AUDIT_VOCABULARIES = { auditActions, auditDetailNames, auditSubjectTypes, moderatorRoles };
export const englishAuditLabel: AuditLabel = (vocabulary, key) => AUDIT_VOCABULARIES[vocabulary].labelOf(key);

function detailValueText(name: string, value: Json, label: AuditLabel = englishAuditLabel): string {
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) return value.map((item) => detailValueText(name, item, label)).join(', ');
  if (typeof value === 'string' && name === 'role') return label('moderatorRoles', value);
  if (typeof value === 'string') return detailValueVocabularies[name]?.labelOf(value) ?? value;
  if (value === null || typeof value === 'number') return String(value);
  return canonicalJson(value);
}

export function describeAuditEntry(entry: AuditEntry, label: AuditLabel = englishAuditLabel): AuditEntryOnPage {
  const details = entry.details;
  const detailsText =
    details === undefined
      ? ''
      : typeof details === 'object' && details !== null && !Array.isArray(details)
        ? Object.entries(details)
            .map(([name, value]) => `${label('auditDetailNames', name)}: ${detailValueText(name, value, label)}`)
            .join('; ')
        : detailValueText('', details, label);
  return {
    seq: entry.seq,
    day: entry.day,
    who: entry.actor === 'system' ? 'the system' : entry.actor.handle,
    action: entry.action,
    actionText: label('auditActions', entry.action),
    ...(entry.subject ? { subject: { id: entry.subject.id, text: `${label('auditSubjectTypes', entry.subject.type)} ${entry.subject.id.slice(0, 8)}` } } : {}),
    detailsText,
  };
}
