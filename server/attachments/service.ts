// Attachment uploads (docs/attachments.md): an upload declares its files' padded sizes and
// digests, takes their sealed chunks one by one, and is tied to a submission only when every
// chunk is stored and every digest matches. The server never learns what a file holds.
import { randomUUID } from 'node:crypto';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import type { Kysely, SelectQueryBuilder, Transaction } from 'kysely';
import { attachmentBucketFor, ATTACHMENT_BUCKETS, chunkCountOf, isAttachmentBucket, LARGEST_ATTACHMENT_BUCKET, SEALED_CHUNK_BYTES } from '../../common/protocol/attachment.js';
import { CodedError } from '../../common/errors.js';
import type { AttachmentLimits } from '../config.js';
import { todayUtc } from '../db/day.js';
import type { Database, Day } from '../db/schema.js';
import type { CreatedUpload, DeclaredFile, UploadDeclaration } from '../../common/attachments/schemas.js';
import type { ChunkAddress } from '../../common/attachments/chunk-frame.js';

/** The largest padded size a file may have: the bucket a file of the configured limit pads to. */
export function largestPaddedFile(limits: AttachmentLimits): number {
  return limits.maxFileBytes > LARGEST_ATTACHMENT_BUCKET - 1 ? LARGEST_ATTACHMENT_BUCKET : attachmentBucketFor(limits.maxFileBytes);
}

function checkDeclaration(limits: AttachmentLimits, files: readonly DeclaredFile[]): void {
  if (files.length === 0) throw new CodedError('no_files');
  if (files.length > limits.maxFiles) {
    throw new CodedError('too_many_files', { maxFiles: limits.maxFiles, declared: files.length });
  }
  const largest = largestPaddedFile(limits);
  files.forEach((file, i) => {
    if (!isAttachmentBucket(file.paddedSize)) {
      throw new CodedError('bad_padded_size', { file: i + 1, buckets: ATTACHMENT_BUCKETS });
    }
    if (file.paddedSize > largest) {
      throw new CodedError('file_too_large', { file: i + 1, maxBytes: limits.maxFileBytes });
    }
  });
  const total = files.reduce((sum, f) => sum + f.paddedSize, 0);
  if (total > limits.maxAccountBytes) {
    throw new CodedError('account_files_too_large', { totalBytes: total, maxBytes: limits.maxAccountBytes });
  }
}

export async function createUpload(db: Kysely<Database>, limits: AttachmentLimits, declaration: UploadDeclaration): Promise<CreatedUpload> {
  checkDeclaration(limits, declaration.files);
  const uploadId = randomUUID();
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('attachment_uploads').values({ id: uploadId, created_on: todayUtc(), submission_id: null, message_id: null }).execute();
    await trx
      .insertInto('attachment_files')
      .values(declaration.files.map((f, i) => ({ upload_id: uploadId, file_index: i, padded_size: f.paddedSize, sha256: hexToBytes(f.sha256) })))
      .execute();
  });
  return { uploadId, chunkBytes: SEALED_CHUNK_BYTES, files: declaration.files.map((f) => ({ chunks: chunkCountOf(f.paddedSize) })) };
}

const UNKNOWN_UPLOAD = () => new CodedError('unknown_upload');
const UPLOAD_SENT = () => new CodedError('upload_already_sent');

/** Stores one sealed chunk; resolves once it is committed. The first copy of a chunk is kept. */
export async function storeChunk(db: Kysely<Database>, { uploadId, file, chunk }: ChunkAddress, bytes: Uint8Array): Promise<void> {
  const row = await db
    .selectFrom('attachment_uploads as u')
    .leftJoin('attachment_files as f', (join) => join.onRef('f.upload_id', '=', 'u.id').on('f.file_index', '=', file))
    .select(['u.submission_id', 'f.padded_size'])
    .where('u.id', '=', uploadId)
    .executeTakeFirst();
  if (!row) throw UNKNOWN_UPLOAD();
  if (row.submission_id !== null) throw UPLOAD_SENT();
  if (row.padded_size === null) throw new CodedError('unknown_file', { file: file + 1 });
  const chunks = chunkCountOf(row.padded_size);
  if (chunk >= chunks) throw new CodedError('chunk_out_of_range', { file: file + 1, chunks });
  if (bytes.length !== SEALED_CHUNK_BYTES) {
    throw new CodedError('bad_chunk_length', { expected: SEALED_CHUNK_BYTES, actual: bytes.length });
  }
  const inserted = await db
    .insertInto('attachment_chunks')
    .values({ upload_id: uploadId, file_index: file, chunk_index: chunk, bytes })
    .onConflict((oc) => oc.doNothing())
    .returning('chunk_index')
    .executeTakeFirst();
  if (inserted === undefined) {
    throw new CodedError('chunk_already_stored', { file: file + 1, chunk });
  }
}

async function sealedDigestOf(trx: Transaction<Database>, uploadId: string, file: number): Promise<{ digest: Uint8Array; chunks: number }> {
  const hash = sha256.create();
  const rows = await trx.selectFrom('attachment_chunks').select('bytes').where('upload_id', '=', uploadId).where('file_index', '=', file).orderBy('chunk_index').execute();
  for (const row of rows) hash.update(row.bytes);
  return { digest: hash.digest(), chunks: rows.length };
}

/** Locks an unsent upload and checks that every declared chunk is present and hashes to its digest; resolves to its files' padded sizes. */
async function checkedCompleteUpload(trx: Transaction<Database>, uploadId: string): Promise<number[]> {
  const upload = await trx.selectFrom('attachment_uploads').select('submission_id').where('id', '=', uploadId).forUpdate().executeTakeFirst();
  if (!upload) throw UNKNOWN_UPLOAD();
  if (upload.submission_id !== null) throw UPLOAD_SENT();
  const files = await trx.selectFrom('attachment_files').select(['file_index', 'padded_size', 'sha256']).where('upload_id', '=', uploadId).orderBy('file_index').execute();
  for (const file of files) {
    const { digest, chunks } = await sealedDigestOf(trx, uploadId, file.file_index);
    const expected = chunkCountOf(file.padded_size);
    if (chunks !== expected) {
      throw new CodedError('upload_incomplete', { file: file.file_index + 1, stored: chunks, expected });
    }
    if (bytesToHex(digest) !== bytesToHex(file.sha256)) {
      throw new CodedError('upload_digest_mismatch', { file: file.file_index + 1 });
    }
  }
  return files.map((f) => f.padded_size);
}

/**
 * Ties a complete upload to the submission being stored, inside the caller's transaction: every
 * declared chunk must be present and every file must hash to its declared digest.
 */
export async function attachUpload(trx: Transaction<Database>, uploadId: string, submissionId: string): Promise<void> {
  await checkedCompleteUpload(trx, uploadId);
  await trx.updateTable('attachment_uploads').set({ submission_id: submissionId }).where('id', '=', uploadId).execute();
}

/** How many files a submission and its replies carry, and their padded sizes together. */
export async function attachedFilesOf(db: Kysely<Database>, submissionId: string): Promise<{ files: number; paddedBytes: number }> {
  const row = await db
    .selectFrom('attachment_files as f')
    .innerJoin('attachment_uploads as u', 'u.id', 'f.upload_id')
    .select((eb) => [eb.fn.countAll<string>().as('files'), eb.fn.coalesce(eb.fn.sum<string>('f.padded_size'), eb.lit(0)).as('bytes')])
    .where('u.submission_id', '=', submissionId)
    .executeTakeFirstOrThrow();
  return { files: Number(row.files), paddedBytes: Number(row.bytes) };
}

/**
 * Ties a complete upload to a source's reply, inside the caller's transaction (which stores the
 * message): the operator's per-account limits cover the account's files and all its replies'.
 */
export async function attachReplyUpload(trx: Transaction<Database>, limits: AttachmentLimits, uploadId: string, reply: { submissionId: string; messageId: string }): Promise<void> {
  const sizes = await checkedCompleteUpload(trx, uploadId);
  const attached = await attachedFilesOf(trx, reply.submissionId);
  if (attached.files + sizes.length > limits.maxFiles) {
    throw new CodedError('reply_too_many_files', { maxFiles: limits.maxFiles, attached: attached.files, declared: sizes.length });
  }
  const replyBytes = sizes.reduce((sum, size) => sum + size, 0);
  if (attached.paddedBytes + replyBytes > limits.maxAccountBytes) {
    throw new CodedError('reply_files_too_large', { maxBytes: limits.maxAccountBytes, attachedBytes: attached.paddedBytes, replyBytes });
  }
  await trx.updateTable('attachment_uploads').set({ submission_id: reply.submissionId, message_id: reply.messageId }).where('id', '=', uploadId).execute();
}

type SubmissionIds = readonly string[] | SelectQueryBuilder<Database, 'submissions', { id: string }>;

async function countFilesOf(db: Kysely<Database>, submissionIds: SubmissionIds): Promise<number> {
  if (Array.isArray(submissionIds) && submissionIds.length === 0) return 0;
  const row = await db
    .selectFrom('attachment_files as f')
    .innerJoin('attachment_uploads as u', 'u.id', 'f.upload_id')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('u.submission_id', 'in', submissionIds)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Deletes every file of these submissions (a list or a query of ids); resolves to how many went. */
export async function deleteAttachmentsOf(trx: Transaction<Database>, submissionIds: SubmissionIds): Promise<number> {
  const files = await countFilesOf(trx, submissionIds);
  if (files > 0) await trx.deleteFrom('attachment_uploads').where('submission_id', 'in', submissionIds).execute();
  return files;
}

/** Deletes uploads never sent with an account that were created before `before`. */
export async function deleteUnsentUploads(trx: Transaction<Database>, before: Day): Promise<number> {
  const deleted = await trx.deleteFrom('attachment_uploads').where('submission_id', 'is', null).where('created_on', '<', before).executeTakeFirst();
  return Number(deleted.numDeletedRows);
}

export interface StoredFile {
  paddedSize: number;
  sealed: Uint8Array;
}

/**
 * One of a submission's files (or, with `messageId`, of one of its replies), as its sealed chunks
 * end to end (for moderators' browsers).
 */
export async function sealedFileOf(db: Kysely<Database>, submissionId: string, file: number, messageId?: string): Promise<StoredFile | undefined> {
  const declared = await db
    .selectFrom('attachment_files as f')
    .innerJoin('attachment_uploads as u', 'u.id', 'f.upload_id')
    .select(['f.upload_id', 'f.padded_size'])
    .where('u.submission_id', '=', submissionId)
    .where('u.message_id', messageId === undefined ? 'is' : '=', messageId ?? null)
    .where('f.file_index', '=', file)
    .executeTakeFirst();
  if (!declared) return undefined;
  const rows = await db.selectFrom('attachment_chunks').select('bytes').where('upload_id', '=', declared.upload_id).where('file_index', '=', file).orderBy('chunk_index').execute();
  const sealed = new Uint8Array(rows.length * SEALED_CHUNK_BYTES);
  rows.forEach((row, i) => sealed.set(row.bytes, i * SEALED_CHUNK_BYTES));
  return { paddedSize: declared.padded_size, sealed };
}
