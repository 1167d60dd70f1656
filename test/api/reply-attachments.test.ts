// Files in a source's reply on /status (issue 18, docs/attachments.md "Reply files"): the sealed
// message lists them, the reply is acknowledged only once they are stored, bad uploads are
// refused with nothing stored, the account's limits cover its replies, and withdrawal and
// retention delete reply files with everything else.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SealedAttachment } from '../../common/protocol/attachment.js';
import { toBase64 } from '../../common/protocol/encoding.js';
import { openMessage, sealMessage, type BoxKeyPair } from '../../common/protocol/envelope.js';
import { loadSodium } from '../../common/protocol/sodium.js';
import { addDays, todayUtc } from '../../server/db/day.js';
import { currentIntakeKey, type IntakeKey } from '../../server/intake/service.js';
import { listAuditEntries } from '../../server/audit/log.js';
import { purgeExpiredSubmissions } from '../../server/moderation/retention.js';
import { startTestApp, type TestApp, TEST_ORIGIN as ORIGIN } from '../support/app.js';
import { sealFiles, sealWithAttachments, uploadFiles } from '../support/attachments.js';
import { postJson, submitAsSource, type TestSource } from '../support/followup.js';
import { call, enrolViaApi, logInViaApi, type TestModerator } from '../support/moderation.js';
import { expectRefusal, rowCounts } from '../support/refusals.js';

const sodium = await loadSodium();
let t: TestApp;
let moderator: TestModerator;
let intake: BoxKeyPair;
let key: IntakeKey;
let twoFiles: SealedAttachment[];
let oneMiB: SealedAttachment[];

beforeAll(async () => {
  // Small limits so that refusals are cheap to reach: 1 MB a file, 2 MB an account, 3 files.
  t = await startTestApp({ PUBLIC_ORIGIN: ORIGIN, ATTACHMENT_MAX_FILE_BYTES: '1000000', ATTACHMENT_MAX_ACCOUNT_BYTES: '2000000', ATTACHMENT_MAX_FILES: '3' });
  intake = (await enrolViaApi(t.app, t.database.db, 'mia', 'administrator', { createIntakeKey: true })).intake!;
  moderator = await logInViaApi(t.app, 'mia', 'mia lantern orbit meadow', ORIGIN);
  key = (await currentIntakeKey(t.database.db))!;
  // Padded to 256 KiB and 512 KiB; and one file padded to 1 MiB.
  twoFiles = await sealFiles(new Uint8Array(100_000).fill(1), new Uint8Array(300_000).fill(2));
  oneMiB = await sealFiles(new Uint8Array(900_000).fill(3));
});
afterAll(async () => t?.close());

const counts = () => rowCounts(t.database.db, ['attachment_uploads', 'attachment_files', 'attachment_chunks', 'messages']);

/** A reply sealed as the status page seals it: the text and, if any, the files' manifest. */
function reply(source: TestSource, text: string, files: readonly SealedAttachment[], uploadId?: string) {
  const ciphertext = toBase64(
    sodium,
    sealMessage(
      sodium,
      text,
      key.publicKey,
      files.map((f) => f.entry),
    ),
  );
  return postJson(t.app, '/api/v1/messages', { lookupToken: source.lookupToken, ciphertext, ...(uploadId ? { uploadId } : {}) });
}

async function submitWithFiles(files: readonly SealedAttachment[]): Promise<{ lookupToken: string; uploadId: string; submissionId: string }> {
  const uploadId = await uploadFiles(t.app, files);
  const sealed = await sealWithAttachments(key, files, uploadId);
  expect((await postJson(t.app, '/api/v1/submissions', sealed.body)).statusCode).toBe(201);
  const row = await t.database.db.selectFrom('attachment_uploads').select('submission_id').where('id', '=', uploadId).executeTakeFirstOrThrow();
  return { lookupToken: sealed.body.lookupToken, uploadId, submissionId: row.submission_id! };
}

const allowanceOf = async (lookupToken: string) => {
  const status = await postJson(t.app, '/api/v1/status', { lookupToken });
  expect(status.statusCode, status.body).toBe(200);
  return status.json<{ fileAllowance: { files: number; paddedBytes: number } }>().fileAllowance;
};

describe('a reply with files', () => {
  it('is acknowledged once its files are stored, lists them in its sealed message, and a moderator fetches them', async () => {
    const source = await submitAsSource(t.app, t.database.db, key);
    expect(await allowanceOf(source.lookupToken)).toEqual({ files: 3, paddedBytes: 2_000_000 });
    const uploadId = await uploadFiles(t.app, twoFiles);
    const sent = await reply(source, 'Here is the pay statement.', twoFiles, uploadId);
    expect(sent.statusCode, sent.body).toBe(201);
    const upload = await t.database.db.selectFrom('attachment_uploads').selectAll().where('id', '=', uploadId).executeTakeFirstOrThrow();
    expect(upload.submission_id).toBe(source.submissionId);
    expect(upload.message_id).not.toBeNull();
    // The account and its replies share the operator's limits.
    expect(await allowanceOf(source.lookupToken)).toEqual({ files: 1, paddedBytes: 2_000_000 - 256 * 1024 - 512 * 1024 });

    const view = (await call(t.app, moderator, 'GET', `/mod/api/submissions/${source.submissionId}`)).json<{ messages: { id: string; ciphertext: string }[] }>();
    const [message] = view.messages;
    expect(message!.id).toBe(upload.message_id);
    const opened = openMessage(sodium, Buffer.from(message!.ciphertext, 'base64'), intake);
    expect(opened.body).toBe('Here is the pay statement.');
    expect(opened.attachments).toEqual(twoFiles.map((f) => f.entry));
    const url = (file: number) => `/mod/api/submissions/${source.submissionId}/messages/${message!.id}/attachments/${file}`;
    const second = await call(t.app, moderator, 'GET', url(1));
    expect(second.statusCode).toBe(200);
    expect(Buffer.compare(second.rawPayload, Buffer.concat(twoFiles[1]!.chunks))).toBe(0);
    expectRefusal(await call(t.app, moderator, 'GET', url(2)), 404, 'unknown_attachment');
    // Reply files are not the account's files, nor another submission's message's.
    expectRefusal(await call(t.app, moderator, 'GET', `/mod/api/submissions/${source.submissionId}/attachments/0`), 404, 'unknown_attachment');
    const other = await submitAsSource(t.app, t.database.db, key);
    expectRefusal(await call(t.app, moderator, 'GET', `/mod/api/submissions/${other.submissionId}/messages/${message!.id}/attachments/0`), 404, 'unknown_attachment');
  });
});

describe('bad input is refused, naming the problem, and stores nothing', () => {
  it('refuses a reply naming an unknown upload, another submission’s, an unfinished one or a malformed id; retention cleans up the unfinished one', async () => {
    const source = await submitAsSource(t.app, t.database.db, key);
    const others = await submitWithFiles(twoFiles);
    const partial = await uploadFiles(t.app, twoFiles, 3);
    const before = await counts();
    expectRefusal(await reply(source, 'files', twoFiles, randomUUID()), 404, 'unknown_upload');
    expectRefusal(await reply(source, 'files', twoFiles, others.uploadId), 409, 'upload_already_sent');
    expectRefusal(await reply(source, 'files', twoFiles, partial), 409, 'upload_incomplete');
    expectRefusal(await reply(source, 'files', twoFiles, 'not-an-upload'), 400, 'invalid_request');
    expect(await counts()).toEqual(before);
    // The other submission keeps its files; the unfinished upload stays unsent, for retention to clean up.
    const uploads = await t.database.db.selectFrom('attachment_uploads').select(['id', 'submission_id', 'message_id']).where('id', 'in', [others.uploadId, partial]).execute();
    expect(uploads).toEqual(
      expect.arrayContaining([
        { id: others.uploadId, submission_id: others.submissionId, message_id: null },
        { id: partial, submission_id: null, message_id: null },
      ]),
    );
    expect((await postJson(t.app, '/api/v1/status', { lookupToken: source.lookupToken })).json<{ messages: unknown[] }>().messages).toEqual([]);
    // Cleaned up like an interrupted submission upload: the retention job deletes it once a day old.
    const today = todayUtc();
    await t.database.db
      .updateTable('attachment_uploads')
      .set({ created_on: addDays(today, -2) })
      .where('id', '=', partial)
      .execute();
    await purgeExpiredSubmissions(t.database.db, { retentionDays: 30, today });
    expect(await t.database.db.selectFrom('attachment_chunks').select('upload_id').where('upload_id', '=', partial).execute()).toEqual([]);
    expect(await t.database.db.selectFrom('attachment_uploads').select('id').where('id', 'in', [others.uploadId, partial]).execute()).toEqual([{ id: others.uploadId }]);
  });

  it('counts the account’s files and its replies’ against one limit, in files and in padded bytes', async () => {
    const withTwo = await submitWithFiles(twoFiles);
    const twoMore = await uploadFiles(t.app, twoFiles);
    let before = await counts();
    const overCount = await postJson(t.app, '/api/v1/messages', {
      lookupToken: withTwo.lookupToken,
      ciphertext: toBase64(
        sodium,
        sealMessage(
          sodium,
          'more',
          key.publicKey,
          twoFiles.map((f) => f.entry),
        ),
      ),
      uploadId: twoMore,
    });
    expect(expectRefusal(overCount, 400, 'reply_too_many_files')).toContain('2 are attached already and this reply adds 2');
    expect(await counts()).toEqual(before);

    const withBig = await submitWithFiles(oneMiB);
    const big = await uploadFiles(t.app, oneMiB);
    before = await counts();
    const overBytes = await postJson(t.app, '/api/v1/messages', {
      lookupToken: withBig.lookupToken,
      ciphertext: toBase64(
        sodium,
        sealMessage(
          sodium,
          'more',
          key.publicKey,
          oneMiB.map((f) => f.entry),
        ),
      ),
      uploadId: big,
    });
    expectRefusal(overBytes, 413, 'reply_files_too_large');
    expect(await counts()).toEqual(before);
    expect(await allowanceOf(withBig.lookupToken)).toEqual({ files: 2, paddedBytes: 2_000_000 - 1024 * 1024 });
  });
});

describe('deleting reply files', () => {
  const chunksOf = async (uploadIds: string[]) =>
    Number(
      (
        await t.database.db
          .selectFrom('attachment_chunks')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('upload_id', 'in', uploadIds)
          .executeTakeFirstOrThrow()
      ).n,
    );

  async function accountAndReplyWithFiles() {
    const account = await submitWithFiles(twoFiles.slice(0, 1));
    const replyUpload = await uploadFiles(t.app, twoFiles);
    const ciphertext = toBase64(
      sodium,
      sealMessage(
        sodium,
        'and these',
        key.publicKey,
        twoFiles.map((f) => f.entry),
      ),
    );
    expect((await postJson(t.app, '/api/v1/messages', { lookupToken: account.lookupToken, ciphertext, uploadId: replyUpload })).statusCode).toBe(201);
    const uploads = [account.uploadId, replyUpload];
    expect(await chunksOf(uploads)).toBe(4 + 12);
    return { ...account, uploads };
  }

  it('withdrawal deletes the account’s and the replies’ chunks and audits only how many files went', async () => {
    const { lookupToken, uploads, submissionId } = await accountAndReplyWithFiles();
    expect((await postJson(t.app, '/api/v1/withdraw', { lookupToken })).statusCode).toBe(200);
    expect(await chunksOf(uploads)).toBe(0);
    expect(await t.database.db.selectFrom('attachment_uploads').where('id', 'in', uploads).selectAll().execute()).toEqual([]);
    expect(await t.database.db.selectFrom('messages').where('submission_id', '=', submissionId).selectAll().execute()).toEqual([]);
    const [latest] = await listAuditEntries(t.database.db, { limit: 1 });
    expect(latest).toMatchObject({ action: 'submission.withdrawn', details: { filesDeleted: 3 } });
    for (const id of [...uploads, submissionId]) expect(JSON.stringify(latest)).not.toContain(id);
  });

  it('retention deletes reply files with the expired submission', async () => {
    const { uploads, submissionId } = await accountAndReplyWithFiles();
    const today = todayUtc();
    await t.database.db
      .updateTable('submissions')
      .set({ status: 'rejected', decided_on: addDays(today, -30) })
      .where('id', '=', submissionId)
      .execute();
    await purgeExpiredSubmissions(t.database.db, { retentionDays: 30, today });
    expect(await chunksOf(uploads)).toBe(0);
    const [latest] = await listAuditEntries(t.database.db, { limit: 1 });
    expect(latest).toMatchObject({ action: 'retention.purged', details: { count: 1, filesDeleted: 3 } });
  });
});
