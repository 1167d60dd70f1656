// Uploads that survive a lost answer (issue #27): a submission with files sent twice is stored
// once; a chunk sent again after its answer was lost is acknowledged as the first copy; uploads
// abandoned for a whole sweep interval are deleted, those still growing are kept.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SealedAttachment } from '../../common/protocol/attachment.js';
import { sweepAbandonedUploads } from '../../server/attachments/abandoned-uploads.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { declareUpload, putChunk, sealFiles, sealWithAttachments, uploadFiles } from '../support/attachments.js';
import { postJson } from '../support/followup.js';
import { createIntakeKey, type TestIntakeKey } from '../support/intake.js';
import { rowCounts } from '../support/refusals.js';

let t: TestApp;
let key: TestIntakeKey;
let files: SealedAttachment[];

beforeAll(async () => {
  t = await startTestApp();
  key = await createIntakeKey(t.database.db);
  files = await sealFiles(new Uint8Array(200_000).fill(7));
});
afterAll(async () => t?.close());

const counts = () => rowCounts(t.database.db, ['attachment_uploads', 'attachment_chunks', 'submissions']);

describe('a lost answer during an upload', () => {
  it('a submission with files sent twice is stored once, answered 201 both times', async () => {
    const uploadId = await uploadFiles(t.app, files);
    const sealed = await sealWithAttachments(key, files, uploadId);
    const before = await counts();
    const first = await postJson(t.app, '/api/v1/submissions', sealed.body);
    const second = await postJson(t.app, '/api/v1/submissions', sealed.body);
    expect([first.statusCode, second.statusCode]).toEqual([201, 201]);
    expect(second.json()).toEqual(first.json());
    expect(await counts()).toEqual({ ...before, submissions: before.submissions + 1 });
  });

  it('a chunk sent again is refused as already stored, and the first copy is kept', async () => {
    const created = await declareUpload(
      t.app,
      files.map((f) => ({ paddedSize: f.entry.paddedSize, sha256: f.entry.sha256 })),
    );
    const { uploadId } = created.json<{ uploadId: string }>();
    expect((await putChunk(t.app, uploadId, 0, 0, files[0]!.chunks[0]!)).statusCode).toBe(201);
    const again = await putChunk(t.app, uploadId, 0, 0, files[0]!.chunks[0]!);
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ error: { code: 'chunk_already_stored' } });
  });
});

describe('abandoned uploads', () => {
  it('are deleted once a whole sweep interval passed without a chunk; growing and sent ones stay', async () => {
    const db = t.database.db;
    const abandoned = await uploadFiles(t.app, files, 1);
    const growing = await uploadFiles(t.app, files, 1);
    const sentUpload = await uploadFiles(t.app, files);
    expect((await postJson(t.app, '/api/v1/submissions', (await sealWithAttachments(key, files, sentUpload)).body)).statusCode).toBe(201);
    const exists = async (id: string) => (await db.selectFrom('attachment_uploads').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;

    // The first sweep only takes note (after a restart, nothing is known yet).
    const first = await sweepAbandonedUploads(db, new Map());
    expect(first.deleted).toBe(0);
    expect(first.unsent.get(abandoned)).toBe(1);
    expect(first.unsent.has(sentUpload)).toBe(false);
    // One of them takes a chunk before the next sweep.
    expect((await putChunk(t.app, growing, 0, 1, files[0]!.chunks[1]!)).statusCode).toBe(201);
    const second = await sweepAbandonedUploads(db, first.unsent);
    expect(await exists(abandoned)).toBe(false);
    expect(await exists(growing)).toBe(true);
    expect(await exists(sentUpload)).toBe(true);
    expect(second.deleted).toBeGreaterThanOrEqual(1);
    // Idle since: the next sweep takes it.
    await sweepAbandonedUploads(db, second.unsent);
    expect(await exists(growing)).toBe(false);
    expect(await exists(sentUpload)).toBe(true);
  });
});
