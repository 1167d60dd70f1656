// Files in a reply on /status, in a real Chromium (issue 18): the source attaches a photo with
// GPS and a camera serial to an answer, sees what was removed and sends it; the moderator opens
// it in the submission's timeline; withdrawal deletes its chunks from the database, and nothing
// of it was ever written to the data directory. Without JavaScript the reply has no file field.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAttachment, SEALED_CHUNK_BYTES } from '../../common/protocol/attachment.js';
import { openMessage, type BoxKeyPair } from '../../common/protocol/envelope.js';
import { loadSodium } from '../../common/protocol/sodium.js';
import { sealedFileOf } from '../../server/attachments/service.js';
import { currentIntakeKey } from '../../server/intake/service.js';
import { appAndChromium, chromiumAvailable, moderatorTab } from '../support/browser.js';
import { askAsModerator, submitAsSource } from '../support/followup.js';
import { enrolViaApi, logInViaApi, type TestModerator } from '../support/moderation.js';

const SERIAL_CANARY = 'CanaryReplySerial-8812';
const exiftool = (...args: string[]) => execFileSync('exiftool', args, { encoding: 'utf8' });

/** Every file under a directory, for looking for bytes that must never be written outside the database. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}

describe.skipIf(!chromiumAvailable)('files in a reply, in Chromium', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'offscript-reply-data-'));
  const env = appAndChromium({ DATA_DIR: dataDir });
  let intake: BoxKeyPair;
  let moderator: TestModerator;
  let dir: string;
  beforeAll(async () => {
    intake = (await enrolViaApi(env.t.app, env.t.database.db, 'alice', 'administrator', { createIntakeKey: true })).intake!;
    moderator = await logInViaApi(env.t.app, 'alice', 'alice lantern orbit meadow', env.t.origin);
    dir = mkdtempSync(path.join(tmpdir(), 'offscript-reply-files-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** A 640 × 480 JPEG drawn by Chromium, then given GPS, a camera and a serial by exiftool. */
  async function photoWithMetadata(page: Page): Promise<string> {
    const base64 = await page.evaluate(async () => {
      const canvas = document.createElement('canvas');
      canvas.width = 640;
      canvas.height = 480;
      const context = canvas.getContext('2d')!;
      context.fillStyle = '#166534';
      context.fillRect(0, 0, 640, 480);
      const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/jpeg', 0.9));
      const bytes = new Uint8Array(await blob.arrayBuffer());
      let text = '';
      for (const b of bytes) text += String.fromCharCode(b);
      return btoa(text);
    });
    const where = path.join(dir, 'rate-change.jpg');
    writeFileSync(where, Buffer.from(base64, 'base64'));
    exiftool(
      '-q',
      '-overwrite_original',
      '-GPSLatitude=34.0928',
      '-GPSLatitudeRef=N',
      '-GPSLongitude=118.3287',
      '-GPSLongitudeRef=W',
      '-Model=CanaryCam R2',
      `-SerialNumber=${SERIAL_CANARY}`,
      '-DateTimeOriginal=2024:06:14 09:30:00',
      where,
    );
    expect(exiftool('-a', where)).toContain(SERIAL_CANARY);
    return where;
  }

  it('a source answers with a photo and sees what was removed; the moderator opens it in the timeline; withdrawal deletes its chunks', async () => {
    const sodium = await loadSodium();
    const key = (await currentIntakeKey(env.t.database.db))!;
    const source = await submitAsSource(env.t.app, env.t.database.db, key);
    await askAsModerator(env.t.app, moderator, source.submissionId, 'Do you have the message announcing the new rate?');

    const context = await env.browser.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    await page.goto(`${env.t.origin}/status`);
    const photo = await photoWithMetadata(page);
    await page.getByLabel('Your twelve words').fill(source.words.join(' '));
    await page.getByRole('button', { name: 'Show my account' }).click();
    await page.getByText('Do you have the message announcing the new rate?').waitFor();
    // The account and its replies share the operator's limits (defaults: 10 files, 25 MB).
    await expect(page.getByTestId('reply-file-allowance').textContent()).resolves.toContain('this reply can carry 10 more files, 25.0 MB');

    // The field appears once its tools have loaded (after the first paint): a file set before would go unseen.
    await page.locator('#attachments-field').waitFor();
    await page.getByLabel('Add pictures or PDFs').setInputFiles([photo]);
    await page.getByText('1 file ready to send.').waitFor({ timeout: 60_000 });
    const item = page.locator('#attachment-list li').first();
    await expect(item.textContent()).resolves.toMatch(/JPEG picture, 640 × 480.*Removed: location, camera model, date taken/s);
    await expect(page.getByText('Crop or cover names, faces').isVisible()).resolves.toBe(true);
    await page.getByLabel('Your message').fill('Yes: the screenshot of the announcement is attached.');
    await page.getByRole('button', { name: 'Seal and send my message' }).click();
    await page.getByText('Your message was sealed in this browser').waitFor({ timeout: 60_000 });
    // Sent: the attach control is empty again, and the allowance counts the file.
    await expect(page.locator('#attachment-list li').count()).resolves.toBe(0);
    await expect(page.getByTestId('reply-file-allowance').textContent()).resolves.toContain('this reply can carry 9 more files');
    expect(problems).toEqual([]);
    await context.close();

    // What the moderators decrypt carries none of the photo's metadata.
    const message = await env.t.database.db
      .selectFrom('messages')
      .select(['id', 'ciphertext'])
      .where('submission_id', '=', source.submissionId)
      .where('direction', '=', 'from_source')
      .executeTakeFirstOrThrow();
    const [entry] = openMessage(sodium, message.ciphertext, intake).attachments!;
    const stored = (await sealedFileOf(env.t.database.db, source.submissionId, 0, message.id))!;
    const chunks = Array.from({ length: stored.sealed.length / SEALED_CHUNK_BYTES }, (_, n) => stored.sealed.subarray(n * SEALED_CHUNK_BYTES, (n + 1) * SEALED_CHUNK_BYTES));
    const opened = path.join(dir, 'opened.jpg');
    writeFileSync(opened, openAttachment(sodium, entry!, chunks));
    const tags = exiftool('-a', '-u', '-G1', opened);
    expect(tags).not.toContain(SERIAL_CANARY);
    expect(tags).not.toMatch(/GPS|Serial Number|Camera Model Name|Date\/Time Original/);
    expect(exiftool('-s3', '-ImageSize', opened).trim()).toBe('640x480');

    // The moderator opens it under the source's answer, in the page.
    const consolePage = await moderatorTab(env.browser, moderator, env.t.origin);
    await consolePage.goto(`${env.t.origin}/mod/submissions/${source.submissionId}`);
    const answer = consolePage.locator('#messages li.from-source');
    await answer.getByText('Checked and decrypted in your browser').waitFor({ timeout: 60_000 });
    await expect(answer.textContent()).resolves.toContain('Yes: the screenshot of the announcement is attached.');
    await expect(answer.locator('img').evaluateAll((imgs) => imgs.map((img) => (img as HTMLImageElement).naturalWidth))).resolves.toEqual([640]);
    await consolePage.context().close();

    // Withdrawal: no chunk is left in the database, and none was ever written to the data directory.
    const sealedStart = Buffer.from(chunks[0]!.subarray(0, 64));
    const withdrawn = await env.t.app.inject({ method: 'POST', url: '/api/v1/withdraw', headers: { 'content-type': 'application/json' }, payload: { lookupToken: source.lookupToken } });
    expect(withdrawn.statusCode, withdrawn.body).toBe(200);
    const left = await env.t.database.db
      .selectFrom('attachment_chunks')
      .innerJoin('attachment_uploads', 'attachment_uploads.id', 'attachment_chunks.upload_id')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('attachment_uploads.submission_id', '=', source.submissionId)
      .executeTakeFirstOrThrow();
    expect(Number(left.n)).toBe(0);
    expect(await env.t.database.db.selectFrom('attachment_chunks').select('upload_id').where('bytes', '=', stored.sealed.subarray(0, SEALED_CHUNK_BYTES)).execute()).toEqual([]);
    for (const file of filesUnder(dataDir)) expect(readFileSync(file).includes(sealedStart), file).toBe(false);
  }, 240_000);

  it('without JavaScript, the reply form has no file field and says why in one sentence', async () => {
    const source = await submitAsSource(env.t.app, env.t.database.db, (await currentIntakeKey(env.t.database.db))!);
    const context = await env.browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${env.t.origin}/status`);
    await page.getByLabel('Your twelve words').fill(source.words.join(' '));
    await page.getByRole('button', { name: 'Show my account' }).click();
    await page.getByTestId('server-handled').waitFor();
    const reply = page.locator('#reply-fields');
    await expect(reply.getByLabel('Your message').isVisible()).resolves.toBe(true);
    await expect(reply.getByText('Files can be attached only with JavaScript on').isVisible()).resolves.toBe(true);
    await expect(reply.locator('input[type=file]').isVisible()).resolves.toBe(false);
    await context.close();
  });
});
