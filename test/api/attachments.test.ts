// Attachment uploads on a real database (docs/attachments.md): chunks acknowledged one by one,
// a submission acknowledged only with every file stored and checked, bad input refused with
// nothing stored, and every chunk gone with withdrawal, retention or an abandoned upload.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ATTACHMENT_CHUNK_BYTES, SEALED_CHUNK_BYTES, type SealedAttachment } from '../../common/protocol/attachment.js';
import { addDays, todayUtc } from '../../server/db/day.js';
import { listAuditEntries } from '../../server/audit/log.js';
import { purgeExpiredSubmissions } from '../../server/moderation/retention.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { declareUpload, putChunk, sealFiles, sealWithAttachments, uploadFiles } from '../support/attachments.js';
import { dumpAllTables } from '../support/database.js';
import { postJson } from '../support/followup.js';
import { createIntakeKey, type TestIntakeKey } from '../support/intake.js';
import { call, enrolViaApi, logInViaApi, visit } from '../support/moderation.js';
import { expectRefusal, rowCounts } from '../support/refusals.js';

let t: TestApp;
let key: TestIntakeKey;
let twoFiles: SealedAttachment[];

beforeAll(async () => {
  // Small limits so that refusals are cheap to reach: 1 MB a file, 2 MB an account, 3 files.
  t = await startTestApp({ ATTACHMENT_MAX_FILE_BYTES: '1000000', ATTACHMENT_MAX_ACCOUNT_BYTES: '2000000', ATTACHMENT_MAX_FILES: '3' });
  key = await createIntakeKey(t.database.db);
  twoFiles = await sealFiles(new Uint8Array(100_000).fill(1), new Uint8Array(300_000).fill(2));
});
afterAll(async () => t?.close());

const counts = async () => {
  const rows = await rowCounts(t.database.db, ['attachment_uploads', 'attachment_files', 'attachment_chunks', 'submissions']);
  return { uploads: rows.attachment_uploads, files: rows.attachment_files, chunks: rows.attachment_chunks, submissions: rows.submissions };
};

const toBase64Of = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

const declared = (files: readonly SealedAttachment[]) => files.map((f) => ({ paddedSize: f.entry.paddedSize, sha256: f.entry.sha256 }));

describe('uploading attachments', () => {
  it('acknowledges each chunk, then the submission once every file is stored and checked', async () => {
    const before = await counts();
    const created = await declareUpload(t.app, declared(twoFiles));
    expect(created.statusCode, created.body).toBe(201);
    const { uploadId, chunkBytes, files } = created.json<{ uploadId: string; chunkBytes: number; files: { chunks: number }[] }>();
    expect(chunkBytes).toBe(SEALED_CHUNK_BYTES);
    expect(files).toEqual([{ chunks: 4 }, { chunks: 8 }]);
    for (const [i, file] of twoFiles.entries()) {
      for (const [n, chunk] of file.chunks.entries()) {
        const stored = await putChunk(t.app, uploadId, i, n, chunk);
        expect(stored.statusCode, stored.body).toBe(201);
        expect(stored.json()).toEqual({ stored: true });
      }
    }
    const sealed = await sealWithAttachments(key, twoFiles, uploadId);
    const response = await postJson(t.app, '/api/v1/submissions', sealed.body);
    expect(response.statusCode, response.body).toBe(201);
    expect(await counts()).toEqual({ uploads: before.uploads + 1, files: before.files + 2, chunks: before.chunks + 12, submissions: before.submissions + 1 });
    const upload = await t.database.db.selectFrom('attachment_uploads').selectAll().where('id', '=', uploadId).executeTakeFirstOrThrow();
    expect(upload.submission_id).not.toBeNull();
    expect(upload.created_on).toBe(todayUtc());

    // Sent: the upload takes nothing more, and cannot carry a second account.
    expectRefusal(await putChunk(t.app, uploadId, 0, 0, twoFiles[0]!.chunks[0]!), 409, 'upload_already_sent');
    const again = await sealWithAttachments(key, twoFiles, uploadId);
    expectRefusal(await postJson(t.app, '/api/v1/submissions', again.body), 409, 'upload_already_sent');
    expect((await counts()).submissions).toBe(before.submissions + 1);
  });

  it('stores nothing that names, types or dates a file finer than a day', async () => {
    const { rows: columns } = await sql<{ table_name: string; column_name: string; data_type: string }>`
      select table_name, column_name, data_type from information_schema.columns where table_name like 'attachment_%'`.execute(t.database.db);
    expect(columns.map((c) => `${c.table_name}.${c.column_name}`).sort()).toEqual([
      'attachment_chunks.bytes',
      'attachment_chunks.chunk_index',
      'attachment_chunks.file_index',
      'attachment_chunks.upload_id',
      'attachment_files.file_index',
      'attachment_files.padded_size',
      'attachment_files.sha256',
      'attachment_files.upload_id',
      'attachment_uploads.created_on',
      'attachment_uploads.id',
      'attachment_uploads.message_id',
      'attachment_uploads.submission_id',
    ]);
    expect(columns.filter((c) => c.data_type.startsWith('timestamp'))).toEqual([]);
  });
});

describe('bad input is refused, naming the problem, and stores nothing', () => {
  let before: Awaited<ReturnType<typeof counts>>;
  beforeEach(async () => {
    before = await counts();
  });

  it('refuses a declaration over the file count, with a size that is not a bucket, or over the limits', async () => {
    const one = declared(twoFiles)[0]!;
    expectRefusal(await declareUpload(t.app, [one, one, one, one]), 400, 'too_many_files');
    expectRefusal(await declareUpload(t.app, [{ ...one, paddedSize: 300_000 }]), 400, 'bad_padded_size');
    // 1 MB a file pads to the 1 MiB bucket at most; 2 MB an account.
    expectRefusal(await declareUpload(t.app, [{ ...one, paddedSize: 1.5 * 1024 * 1024 }]), 413, 'file_too_large');
    expectRefusal(
      await declareUpload(
        t.app,
        [1, 2, 3].map(() => ({ ...one, paddedSize: 1024 * 1024 })),
      ),
      413,
      'account_files_too_large',
    );
    expectRefusal(await declareUpload(t.app, []), 400, 'no_files');
    expectRefusal(await declareUpload(t.app, [{ ...one, sha256: 'not hex' }]), 400, 'invalid_request');
    expect(await counts()).toEqual(before);
  });

  it('refuses an oversize, short or surplus chunk, one for an unknown upload, file or place, and a second copy', async () => {
    const [file] = twoFiles;
    const created = await declareUpload(t.app, declared([file!]));
    const { uploadId } = created.json<{ uploadId: string }>();
    before = await counts();
    const chunk = file!.chunks[0]!;
    expectRefusal(await putChunk(t.app, uploadId, 0, 0, new Uint8Array(130 * 1024)), 413, 'body_too_large');
    expectRefusal(await putChunk(t.app, uploadId, 0, 0, new Uint8Array(SEALED_CHUNK_BYTES + 1)), 400, 'bad_chunk_length');
    expectRefusal(await putChunk(t.app, uploadId, 0, 0, chunk.slice(0, ATTACHMENT_CHUNK_BYTES)), 400, 'bad_chunk_length');
    expectRefusal(await putChunk(t.app, randomUUID(), 0, 0, chunk), 404, 'unknown_upload');
    expectRefusal(await putChunk(t.app, uploadId, 1, 0, chunk), 400, 'unknown_file');
    expectRefusal(await putChunk(t.app, uploadId, 0, 4, chunk), 400, 'chunk_out_of_range');
    const json = await t.app.inject({ method: 'PUT', url: '/api/v1/uploads/chunks', headers: { 'content-type': 'text/plain' }, payload: 'x' });
    expectRefusal(json, 415, 'unsupported_media_type');
    const parsedJson = await t.app.inject({ method: 'PUT', url: '/api/v1/uploads/chunks', headers: { 'content-type': 'application/json' }, payload: '{"a":1}' });
    expectRefusal(parsedJson, 415, 'unsupported_media_type');
    expect(await counts()).toEqual(before);

    expect((await putChunk(t.app, uploadId, 0, 0, chunk)).statusCode).toBe(201);
    expectRefusal(await putChunk(t.app, uploadId, 0, 0, file!.chunks[1]!), 409, 'chunk_already_stored');
    const stored = await t.database.db.selectFrom('attachment_chunks').select('bytes').where('upload_id', '=', uploadId).execute();
    expect(stored.map((r) => toBase64Of(r.bytes))).toEqual([toBase64Of(chunk)]);
  });

  it('acknowledges no submission whose upload is incomplete, unknown or fails its digest', async () => {
    const partial = await uploadFiles(t.app, twoFiles, 3);
    before = await counts();
    const incomplete = await sealWithAttachments(key, twoFiles, partial);
    expectRefusal(await postJson(t.app, '/api/v1/submissions', incomplete.body), 409, 'upload_incomplete');
    const unknown = await sealWithAttachments(key, twoFiles, randomUUID());
    expectRefusal(await postJson(t.app, '/api/v1/submissions', unknown.body), 404, 'unknown_upload');

    // Chunks of the second file stored under the first's declaration: complete, but not that file.
    const [a, b] = twoFiles;
    const created = await declareUpload(t.app, [{ paddedSize: a!.entry.paddedSize, sha256: b!.entry.sha256 }]);
    const { uploadId } = created.json<{ uploadId: string }>();
    for (const [n, chunk] of a!.chunks.entries()) expect((await putChunk(t.app, uploadId, 0, n, chunk)).statusCode).toBe(201);
    before = await counts();
    const wrong = await sealWithAttachments(key, [a!], uploadId);
    expectRefusal(await postJson(t.app, '/api/v1/submissions', wrong.body), 400, 'upload_digest_mismatch');
    expect(await counts()).toEqual(before);
    const upload = await t.database.db.selectFrom('attachment_uploads').select('submission_id').where('id', '=', uploadId).executeTakeFirstOrThrow();
    expect(upload.submission_id).toBeNull();
  });
});

describe('deleting attachments', () => {
  async function submitWithFiles() {
    const uploadId = await uploadFiles(t.app, twoFiles);
    const sealed = await sealWithAttachments(key, twoFiles, uploadId);
    expect((await postJson(t.app, '/api/v1/submissions', sealed.body)).statusCode).toBe(201);
    const { submission_id } = await t.database.db.selectFrom('attachment_uploads').select('submission_id').where('id', '=', uploadId).executeTakeFirstOrThrow();
    return { uploadId, submissionId: submission_id!, lookupToken: sealed.body.lookupToken };
  }
  const chunksOf = async (uploadId: string) =>
    Number(
      (
        await t.database.db
          .selectFrom('attachment_chunks')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('upload_id', '=', uploadId)
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('withdrawal deletes every chunk at once and audits only how many files went', async () => {
    const { uploadId, lookupToken } = await submitWithFiles();
    expect(await chunksOf(uploadId)).toBe(12);
    const withdrawn = await postJson(t.app, '/api/v1/withdraw', { lookupToken });
    expect(withdrawn.statusCode, withdrawn.body).toBe(200);
    expect(await chunksOf(uploadId)).toBe(0);
    expect(await t.database.db.selectFrom('attachment_files').where('upload_id', '=', uploadId).selectAll().execute()).toEqual([]);
    const [latest] = await listAuditEntries(t.database.db, { limit: 1 });
    expect(latest).toMatchObject({ action: 'submission.withdrawn', details: { filesDeleted: 2 } });
    expect(JSON.stringify(latest)).not.toContain(uploadId);
  });

  it('retention deletes the files of expired submissions and uploads a closed tab left behind', async () => {
    const { uploadId, submissionId } = await submitWithFiles();
    const today = todayUtc();
    await t.database.db
      .updateTable('submissions')
      .set({ status: 'rejected', decided_on: addDays(today, -30) })
      .where('id', '=', submissionId)
      .execute();
    const abandoned = await uploadFiles(t.app, twoFiles, 2);
    const fresh = await uploadFiles(t.app, twoFiles, 1);
    await t.database.db
      .updateTable('attachment_uploads')
      .set({ created_on: addDays(today, -2) })
      .where('id', '=', abandoned)
      .execute();
    await purgeExpiredSubmissions(t.database.db, { retentionDays: 30, today });
    expect(await chunksOf(uploadId)).toBe(0);
    expect(await chunksOf(abandoned)).toBe(0);
    expect(await t.database.db.selectFrom('attachment_uploads').where('id', 'in', [uploadId, abandoned]).selectAll().execute()).toEqual([]);
    // Today's upload may still be under way in someone's browser.
    expect(await chunksOf(fresh)).toBe(2);
    const [latest] = await listAuditEntries(t.database.db, { limit: 1 });
    expect(latest).toMatchObject({ action: 'retention.purged', details: { count: 1, filesDeleted: 2 } });
    expect((latest!.details as { unsentUploadsDeleted: number }).unsentUploadsDeleted).toBeGreaterThanOrEqual(1);
  });

  it('leaves the keys of a file nowhere the server can read', async () => {
    const dump = await dumpAllTables(t.database.db);
    for (const file of twoFiles) {
      expect(dump).not.toContain(file.entry.key);
      expect(dump).not.toContain(Buffer.from(file.entry.key, 'base64').toString('hex'));
    }
  });
});

describe('moderators fetching sealed files', () => {
  it('serves each sealed file of a submission to a session only, byte for byte, and names a missing one', async () => {
    const uploadId = await uploadFiles(t.app, twoFiles);
    const sealed = await sealWithAttachments(key, twoFiles, uploadId);
    expect((await postJson(t.app, '/api/v1/submissions', sealed.body)).statusCode).toBe(201);
    const { submission_id } = await t.database.db.selectFrom('attachment_uploads').select('submission_id').where('id', '=', uploadId).executeTakeFirstOrThrow();
    const url = (file: number) => `/mod/api/submissions/${submission_id!}/attachments/${file}`;
    expectRefusal(await call(t.app, await visit(t.app), 'GET', url(0)), 401, 'not_logged_in');
    // The file is sealed bytes; a session is enough to fetch it, the intake key to open it.
    await enrolViaApi(t.app, t.database.db, 'admin', 'administrator');
    const admin = await logInViaApi(t.app, 'admin', 'admin lantern orbit meadow', t.config.publicOrigin);
    const second = await call(t.app, admin, 'GET', url(1));
    expect(second.statusCode).toBe(200);
    expect(second.headers['content-type']).toBe('application/octet-stream');
    expect(Buffer.compare(second.rawPayload, Buffer.concat(twoFiles[1]!.chunks))).toBe(0);
    expectRefusal(await call(t.app, admin, 'GET', url(2)), 404, 'unknown_attachment');
  });
});
