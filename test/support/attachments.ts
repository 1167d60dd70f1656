// Attachment helpers for tests: files sealed exactly as the browser seals them, uploaded chunk
// by chunk, and submissions that carry them.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { sealAttachment, type AttachmentKind, type SealedAttachment } from '../../common/protocol/attachment.js';
import { currentIntakeKey, type IntakeKey } from '../../server/intake/service.js';
import type { Kysely } from 'kysely';
import type { Database } from '../../server/db/schema.js';
import { fromBase64, toBase64 } from '../../common/protocol/encoding.js';
import { sealAccount } from '../../common/protocol/envelope.js';
import { loadSodium } from '../../common/protocol/sodium.js';
import { encodeChunkFrame } from '../../common/attachments/chunk-frame.js';
import { postJson } from './followup.js';
import { sampleAccount, sealForTest, type SealedForTest } from './intake.js';

export async function sealFiles(...plaintexts: Uint8Array[]): Promise<SealedAttachment[]> {
  const sodium = await loadSodium();
  return plaintexts.map((p, i) => sealAttachment(sodium, (['image/jpeg', 'image/png'] as const satisfies AttachmentKind[])[i % 2]!, p));
}

export function declareUpload(app: FastifyInstance, files: readonly { paddedSize: number; sha256: string }[]): Promise<LightMyRequestResponse> {
  return postJson(app, '/api/v1/uploads', { v: 1, files });
}

export function putChunk(app: FastifyInstance, uploadId: string, file: number, chunk: number, bytes: Uint8Array): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'PUT',
    url: '/api/v1/uploads/chunks',
    headers: { 'content-type': 'application/octet-stream' },
    payload: Buffer.from(encodeChunkFrame({ uploadId, file, chunk }, bytes)),
  });
}

/** Declares the files and uploads every chunk (or only the first `chunkLimit` of each). */
export async function uploadFiles(app: FastifyInstance, files: readonly SealedAttachment[], chunkLimit = Infinity): Promise<string> {
  const created = await declareUpload(
    app,
    files.map((f) => ({ paddedSize: f.entry.paddedSize, sha256: f.entry.sha256 })),
  );
  if (created.statusCode !== 201) throw new Error(`upload refused: ${created.body}`);
  const { uploadId } = created.json<{ uploadId: string }>();
  for (const [i, file] of files.entries()) {
    for (const [n, chunk] of file.chunks.slice(0, chunkLimit).entries()) {
      const stored = await putChunk(app, uploadId, i, n, chunk);
      if (stored.statusCode !== 201) throw new Error(`chunk refused: ${stored.body}`);
    }
  }
  return uploadId;
}

/** A sealed submission whose account lists these files and whose body names the upload. */
export async function sealWithAttachments(key: IntakeKey, files: readonly SealedAttachment[], uploadId: string): Promise<SealedForTest> {
  const sodium = await loadSodium();
  const sealed = await sealForTest(key);
  const account = { ...sampleAccount(), withdrawalTag: sealed.withdrawalTag, attachments: files.map((f) => f.entry) };
  return { ...sealed, body: { ...sealed.body, ciphertext: toBase64(sodium, sealAccount(sodium, account, key.publicKey)), uploadId } };
}

/** Uploads the files and submits an account listing them; returns the submission's id. */
export async function submitWithFiles(app: FastifyInstance, db: Kysely<Database>, files: readonly SealedAttachment[]): Promise<string> {
  const sodium = await loadSodium();
  const key = await currentIntakeKey(db);
  const sealed = await sealWithAttachments(key!, files, await uploadFiles(app, files));
  const response = await postJson(app, '/api/v1/submissions', sealed.body);
  if (response.statusCode !== 201) throw new Error(`submission refused: ${response.body}`);
  const row = await db.selectFrom('submissions').select('id').where('reply_public_key', '=', fromBase64(sodium, sealed.body.replyPublicKey)).executeTakeFirstOrThrow();
  return row.id;
}
