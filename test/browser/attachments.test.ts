// Evidence attachments in a real Chromium (issue 18): fixtures carrying GPS, a camera serial and
// canaries in metadata and in an invisible PDF text layer are stripped in the browser; exiftool,
// an independent parser, finds none of it in what the moderators decrypt, and the pictures keep
// their size. Uploads go in chunks; a closed tab leaves no acknowledged submission.
import { withdrawalTagHashOf } from '../support/intake.js';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachmentManifestOf, openAttachment, SEALED_CHUNK_BYTES, unframePages, type AttachmentManifestEntry } from '../../common/protocol/attachment.js';
import { lookupTokenHash } from '../../common/protocol/digest.js';
import { openAccount } from '../../common/protocol/envelope.js';
import { deriveReceiptKeys, entropyFromReceiptWords } from '../../common/protocol/receipt.js';
import { loadSodium } from '../../common/protocol/sodium.js';
import { sealedFileOf } from '../../server/attachments/service.js';
import { textPdf } from '../../scripts/bench/text-pdf.js';
import { appAndChromium, chromiumAvailable, moderatorTab, noisePicturePng } from '../support/browser.js';
import { dumpAllTables } from '../support/database.js';
import type { BoxKeyPair } from '../../common/protocol/envelope.js';
import { enrolViaApi, logInViaApi, type TestModerator } from '../support/moderation.js';

const CANARIES = {
  jpegComment: 'CanaryJpegComment-7Q',
  serial: 'CanarySerial-4411',
  pngText: 'CanaryPngText-2K',
  pdfAuthor: 'CanaryPdfAuthor-9Z',
  pdfHidden: 'CanaryPdfHiddenLayer-5M',
};
const ALL_CANARIES = Object.values(CANARIES);

const exiftool = (...args: string[]) => execFileSync('exiftool', args, { encoding: 'utf8' });

/** A one-page PDF: visible text, and a canary drawn in render mode 3 (invisible, but extractable). */
function pdfWithHiddenText(): Buffer {
  return textPdf([`BT /F1 24 Tf 72 700 Td (Pay statement, visible) Tj ET BT 3 Tr /F1 12 Tf 72 600 Td (${CANARIES.pdfHidden}) Tj ET`]);
}

/** A picture drawn by Chromium itself, so that its visible content is known. */
async function drawnPicture(page: Page, type: 'image/jpeg' | 'image/png', width: number, height: number): Promise<Buffer> {
  const base64 = await page.evaluate(
    async ({ type, width, height }) => {
      const canvas = document.createElement('canvas');
      canvas.width = width;
      canvas.height = height;
      const context = canvas.getContext('2d')!;
      context.fillStyle = '#1d4ed8';
      context.fillRect(0, 0, width, height);
      context.fillStyle = '#fde047';
      context.fillRect(width / 4, height / 4, width / 2, height / 2);
      const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), type, 0.9));
      const bytes = new Uint8Array(await blob.arrayBuffer());
      let text = '';
      for (const b of bytes) text += String.fromCharCode(b);
      return btoa(text);
    },
    { type, width, height },
  );
  return Buffer.from(base64, 'base64');
}

describe.skipIf(!chromiumAvailable)('attachments in Chromium', () => {
  const env = appAndChromium();
  let intakeKeyPair: BoxKeyPair;
  let moderator: TestModerator;
  let dir: string;
  beforeAll(async () => {
    const { intake } = await enrolViaApi(env.t.app, env.t.database.db, 'alice', 'administrator', { createIntakeKey: true });
    intakeKeyPair = intake!;
    moderator = await logInViaApi(env.t.app, 'alice', 'alice lantern orbit meadow', env.t.origin);
    dir = mkdtempSync(path.join(tmpdir(), 'offscript-attachments-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function fixtures(page: Page) {
    const jpeg = path.join(dir, 'photo.jpg');
    writeFileSync(jpeg, await drawnPicture(page, 'image/jpeg', 640, 480));
    exiftool(
      '-q',
      '-overwrite_original',
      '-GPSLatitude=34.0928',
      '-GPSLatitudeRef=N',
      '-GPSLongitude=118.3287',
      '-GPSLongitudeRef=W',
      '-Make=CanaryMake',
      '-Model=CanaryCam X1',
      `-SerialNumber=${CANARIES.serial}`,
      '-DateTimeOriginal=2024:06:14 09:30:00',
      `-Comment=${CANARIES.jpegComment}`,
      jpeg,
    );
    const png = path.join(dir, 'screenshot.png');
    writeFileSync(png, await drawnPicture(page, 'image/png', 300, 200));
    exiftool('-q', '-overwrite_original', `-PNG:Comment=${CANARIES.pngText}`, png);
    const pdf = path.join(dir, 'contract.pdf');
    writeFileSync(pdf, pdfWithHiddenText());
    exiftool('-q', '-overwrite_original', `-PDF:Author=${CANARIES.pdfAuthor}`, '-PDF:Producer=CanaryWriter 3', pdf);
    // The fixtures do carry what the browser must remove.
    expect(exiftool('-a', '-G1', jpeg)).toMatch(/GPS Latitude/);
    expect(exiftool('-a', jpeg)).toContain(CANARIES.serial);
    expect(exiftool('-a', png)).toContain(CANARIES.pngText);
    expect(exiftool('-a', pdf)).toContain(CANARIES.pdfAuthor);
    expect(readFileSync(pdf, 'latin1')).toContain(CANARIES.pdfHidden);
    return { jpeg, png, pdf };
  }

  async function openSubmission(words: string[]) {
    const sodium = await loadSodium();
    const { lookupToken } = deriveReceiptKeys(sodium, entropyFromReceiptWords(words.join(' ')));
    const row = await env.t.database.db.selectFrom('submissions').selectAll().where('lookup_hash', '=', lookupTokenHash(lookupToken)).executeTakeFirstOrThrow();
    const account = openAccount(sodium, row.envelope!, intakeKeyPair);
    const manifest = attachmentManifestOf(sodium, account);
    const files = await Promise.all(
      manifest.map(async (entry: AttachmentManifestEntry, i) => {
        const stored = (await sealedFileOf(env.t.database.db, row.id, i))!;
        const chunks = Array.from({ length: stored.sealed.length / SEALED_CHUNK_BYTES }, (_, n) => stored.sealed.subarray(n * SEALED_CHUNK_BYTES, (n + 1) * SEALED_CHUNK_BYTES));
        return { entry, plaintext: openAttachment(sodium, entry, chunks) };
      }),
    );
    return { submissionId: row.id, manifest, files };
  }

  async function fillMinimalAccount(page: Page) {
    await page.getByLabel('What happened, in your own words (required)').fill('The rate was cut overnight; the statement is attached.');
    await page.getByLabel('De-identified quotes from my account may be published').check();
  }

  it('strips two pictures and a PDF, shows what was removed, and sends files no parser finds metadata in', async () => {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    await page.goto(`${env.t.origin}/submit`);
    const { jpeg, png, pdf } = await fixtures(page);

    // The field appears once its tools have loaded (after the first paint): a file set before would go unseen.
    await page.locator('#attachments-field').waitFor();
    await page.getByLabel('Add pictures or PDFs').setInputFiles([jpeg, png, pdf]);
    await page.getByText('3 files ready to send.').waitFor({ timeout: 60_000 });
    const items = page.locator('#attachment-list li');
    await expect(items.nth(0).textContent()).resolves.toMatch(/Removed: location, camera model, date taken/);
    await expect(items.nth(0).textContent()).resolves.toContain('JPEG picture, 640 × 480');
    await expect(items.nth(1).textContent()).resolves.toMatch(/Removed: hidden text or comments/);
    await expect(items.nth(2).textContent()).resolves.toMatch(/1 page image.*Removed: author, software/s);
    await expect(page.getByText('Crop or cover names, faces').isVisible()).resolves.toBe(true);
    await expect(items.locator('img').count()).resolves.toBe(3);

    await fillMinimalAccount(page);
    await page.getByRole('button', { name: 'Seal and send my account' }).click();
    await page.getByRole('heading', { name: 'Your account is stored' }).waitFor({ timeout: 60_000 });
    const words = await page.getByTestId('receipt-words').locator('li').allTextContents();
    expect(problems).toEqual([]);
    await context.close();

    const { submissionId, manifest, files } = await openSubmission(words);

    // A moderator opens all three in the page: pictures, and the PDF as its page image.
    const consolePage = await moderatorTab(env.browser, moderator, env.t.origin);
    await consolePage.goto(`${env.t.origin}/mod/submissions/${submissionId}`);
    await consolePage.getByText('Checked and decrypted in your browser').nth(2).waitFor({ timeout: 60_000 });
    const shown = consolePage.locator('#submission-file-list img');
    await expect(shown.count()).resolves.toBe(3);
    await expect(shown.evaluateAll((imgs) => imgs.map((img) => (img as HTMLImageElement).naturalWidth))).resolves.toEqual([640, 300, 1224]);
    // Having seen them, the moderator records the verification tier at acceptance.
    await consolePage.getByRole('button', { name: 'Start review' }).click();
    await consolePage.locator('#acceptance-extras').getByLabel('pay record').check();
    await consolePage.locator('#accept-button').click();
    await consolePage.getByText('Accepted for statistics.').waitFor();
    const account = await env.t.database.db
      .selectFrom('pending_accounts')
      .select('documents_seen')
      .where('withdrawal_tag_hash', '=', await withdrawalTagHashOf(words))
      .executeTakeFirstOrThrow();
    expect(account.documents_seen).toEqual(['pay_record']);
    await consolePage.context().close();

    expect(manifest.map((e) => e.kind)).toEqual(['image/jpeg', 'image/png', 'pdf-pages']);
    const decrypted = [
      ...files.slice(0, 2).map((f, i) => ({ name: `opened-${i}.${i === 0 ? 'jpg' : 'png'}`, bytes: f.plaintext })),
      ...unframePages(files[2]!.plaintext, files[2]!.entry.pages!).map((bytes, i) => ({ name: `opened-page-${i}.jpg`, bytes })),
    ];
    for (const file of decrypted) {
      const where = path.join(dir, file.name);
      writeFileSync(where, file.bytes);
      const tags = exiftool('-a', '-u', '-G1', where);
      const raw = Buffer.from(file.bytes).toString('latin1');
      for (const canary of ALL_CANARIES) {
        expect(tags, `${file.name}: ${canary}`).not.toContain(canary);
        expect(raw.includes(canary), `${file.name}: ${canary} in the bytes`).toBe(false);
      }
      expect(tags).not.toMatch(/GPS|Serial Number|Camera Model Name|Date\/Time Original|Author|Producer|Comment/);
      // Nor the encoder's own colour profile, which would name the browser family (issue 23).
      expect(tags, file.name).not.toMatch(/ICC|Profile|Color Space Data/);
    }
    // Visible content intact: the same picture sizes, the PDF page drawn at twice its 612 × 792 points.
    const size = (name: string) => exiftool('-s3', '-ImageSize', path.join(dir, name)).trim();
    expect(size('opened-0.jpg')).toBe('640x480');
    expect(size('opened-1.png')).toBe('300x200');
    expect(size('opened-page-0.jpg')).toBe('1224x1584');

    const dump = await dumpAllTables(env.t.database.db);
    for (const canary of ALL_CANARIES) expect(dump).not.toContain(canary);
    for (const canary of ALL_CANARIES) expect(env.t.logText()).not.toContain(canary);
  });

  /** The colours of a picture at these points (negative: from the right or bottom edge), decoded by Chromium. */
  async function colours(page: Page, bytes: Uint8Array, type: string, points: [number, number][]): Promise<number[][]> {
    return page.evaluate(
      async ({ base64, type, points }) => {
        const bitmap = await createImageBitmap(new Blob([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], { type }));
        const canvas = document.createElement('canvas');
        canvas.width = bitmap.width;
        canvas.height = bitmap.height;
        const context = canvas.getContext('2d')!;
        context.drawImage(bitmap, 0, 0);
        const from = (at: number, side: number) => (at < 0 ? side + at : at);
        return points.map(([x, y]) => [...context.getImageData(from(x, bitmap.width), from(y, bitmap.height), 1, 1).data.slice(0, 3)]);
      },
      { base64: Buffer.from(bytes).toString('base64'), type, points },
    );
  }
  /** The four edges of an attached file's crop rectangle, as its fields show them. */
  const edges = (item: Locator) => Promise.all(['From the left', 'From the top', 'Width', 'Height'].map((label) => item.getByLabel(label, { exact: true }).inputValue()));
  const corners = (inset: number): [number, number][] => [
    [inset, inset],
    [-1 - inset, inset],
    [inset, -1 - inset],
    [-1 - inset, -1 - inset],
  ];
  const isYellow = ([r, g, b]: number[]) => r! > 200 && g! > 180 && b! < 140; // #fde047, the drawn centre
  const isBlue = ([r, g, b]: number[]) => r! < 90 && g! < 120 && b! > 170; // #1d4ed8, the drawn background

  it('crops a picture with the pointer and undoes it, crops it again with the keyboard alone and a PDF page by its edges, and sends only the crops', async () => {
    const context = await env.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    await page.goto(`${env.t.origin}/submit`);
    const { jpeg, pdf } = await fixtures(page);
    // The field appears once its tools have loaded (after the first paint): a file set before would go unseen.
    await page.locator('#attachments-field').waitFor();
    await page.getByLabel('Add pictures or PDFs').setInputFiles([jpeg, pdf]);
    await page.getByText('2 files ready to send.').waitFor({ timeout: 60_000 });
    const [photo, contract] = [page.locator('#attachment-list li').nth(0), page.locator('#attachment-list li').nth(1)];

    // The pointer: a drag over the yellow centre (picture pixels 160,120 to 480,360), applied, then undone.
    await photo.getByText('Crop or black out this picture').click();
    const canvas = photo.getByRole('application', { name: 'Rectangle on this picture' });
    await canvas.scrollIntoViewIfNeeded();
    const box = (await canvas.boundingBox())!;
    const at = (x: number, y: number) => [box.x + (x * box.width) / 640, box.y + (y * box.height) / 480] as const;
    await page.mouse.move(...at(160.5, 120.5));
    await page.mouse.down();
    await page.mouse.move(...at(300, 250), { steps: 4 });
    await page.mouse.move(...at(479.5, 359.5), { steps: 4 });
    await page.mouse.up();
    const dragged = (await edges(photo)).map(Number);
    for (const [i, expected] of [160, 120, 320, 240].entries()) expect(Math.abs(dragged[i]! - expected), `edge ${i}: ${dragged.join(',')}`).toBeLessThanOrEqual(2);
    await photo.getByRole('button', { name: 'Apply crop' }).click();
    await photo.getByText(/JPEG picture, 3\d\d × 2\d\d, .*, cropped\./).waitFor();
    await photo.getByRole('button', { name: 'Undo crop' }).click();
    await photo.getByText(/JPEG picture, 640 × 480, [^,]*\./).waitFor();
    await expect(edges(photo)).resolves.toEqual(['0', '0', '640', '480']);

    // The keyboard alone: from the button, Tab onto the picture; Shift+arrows resize, arrows move (10 px a press on 640 px).
    await expect(photo.getByRole('button', { name: 'Undo crop' }).isHidden()).resolves.toBe(true);
    await photo.getByText('Crop or black out this picture').focus();
    await page.keyboard.press('Tab');
    await expect(canvas.evaluate((node) => node === document.activeElement)).resolves.toBe(true);
    for (let i = 0; i < 32; i++) await page.keyboard.press('Shift+ArrowLeft');
    for (let i = 0; i < 24; i++) await page.keyboard.press('Shift+ArrowUp');
    for (let i = 0; i < 16; i++) await page.keyboard.press('ArrowRight');
    for (let i = 0; i < 12; i++) await page.keyboard.press('ArrowDown');
    await expect(edges(photo)).resolves.toEqual(['160', '120', '320', '240']);
    await expect(photo.getByRole('status').textContent()).resolves.toBe('Keeping 320 × 240 pixels of 640 × 480, from 160 across and 120 down.');
    for (let i = 0; i < 5; i++) await page.keyboard.press('Tab'); // the four edges, then Apply crop
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Apply crop');
    await page.keyboard.press('Enter');
    await photo.getByText(/JPEG picture, 320 × 240, .*, cropped\./).waitFor();

    // A PDF page, cropped by typing its edges (1224 × 1584 page pixels).
    await contract.getByText('Crop or black out page 1').click();
    for (const [label, value] of [
      ['From the left', '100'],
      ['From the top', '50'],
      ['Width', '600'],
      ['Height', '400'],
    ] as const) {
      await contract.getByLabel(label, { exact: true }).fill(value);
    }
    await contract.getByRole('button', { name: 'Apply crop' }).click();
    await contract.getByRole('button', { name: 'Undo crop' }).waitFor();
    await expect(
      contract.getByRole('img', { name: 'Page 1 as it will be sent' }).evaluate((img) => [(img as HTMLImageElement).naturalWidth, (img as HTMLImageElement).naturalHeight]),
    ).resolves.toEqual([600, 400]);

    await fillMinimalAccount(page);
    await page.getByRole('button', { name: 'Seal and send my account' }).click();
    await page.getByRole('heading', { name: 'Your account is stored' }).waitFor({ timeout: 60_000 });
    const words = await page.getByTestId('receipt-words').locator('li').allTextContents();

    const { submissionId, files } = await openSubmission(words);
    const photoBytes = files[0]!.plaintext;
    const [pageBytes] = unframePages(files[1]!.plaintext, 1);
    // Only the yellow centre was sent: yellow to its corners, no blue.
    const shown = await colours(page, photoBytes, 'image/jpeg', [...corners(3), [160, 120]]);
    expect(shown.every(isYellow), JSON.stringify(shown)).toBe(true);
    expect(shown.some(isBlue)).toBe(false);
    expect(problems).toEqual([]);
    await context.close();
    for (const [name, bytes, size] of [
      ['cropped.jpg', photoBytes, '320x240'],
      ['cropped-page.jpg', pageBytes!, '600x400'],
    ] as const) {
      const where = path.join(dir, name);
      writeFileSync(where, bytes);
      expect(exiftool('-s3', '-ImageSize', where).trim(), name).toBe(size);
      const tags = exiftool('-a', '-u', '-G1', where);
      for (const canary of ALL_CANARIES) expect(tags, `${name}: ${canary}`).not.toContain(canary);
      expect(tags).not.toMatch(/GPS|Serial Number|Make|Camera Model Name|Date\/Time Original|Author|Producer|Comment|XMP|IPTC/);
    }

    // The moderator's browser decrypts and shows the crops.
    const consolePage = await moderatorTab(env.browser, moderator, env.t.origin);
    await consolePage.goto(`${env.t.origin}/mod/submissions/${submissionId}`);
    await consolePage.getByText('Checked and decrypted in your browser').nth(1).waitFor({ timeout: 60_000 });
    const opened = consolePage.locator('#submission-file-list img');
    await expect(opened.evaluateAll((imgs) => imgs.map((img) => `${(img as HTMLImageElement).naturalWidth}x${(img as HTMLImageElement).naturalHeight}`))).resolves.toEqual([
      '320x240',
      '600x400',
    ]);
    await consolePage.context().close();
  }, 180_000);

  it('blacks out a part of a picture drawn by touch, undoes a second, and sends solid black where the first was', async () => {
    const context = await env.browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
    const page = await context.newPage();
    await page.goto(`${env.t.origin}/submit`);
    const { png } = await fixtures(page);
    // The field appears once its tools have loaded (after the first paint): a file set before would go unseen.
    await page.locator('#attachments-field').waitFor();
    await page.getByLabel('Add pictures or PDFs').setInputFiles([png]);
    await page.getByText('1 file ready to send.').waitFor({ timeout: 60_000 });
    const item = page.locator('#attachment-list li').first();
    await item.getByText('Crop or black out this picture').click();
    const outline = async (x: number, y: number, width: number, height: number) => {
      for (const [label, value] of [
        ['From the left', x],
        ['From the top', y],
        ['Width', width],
        ['Height', height],
      ] as const) {
        await item.getByLabel(label, { exact: true }).fill(String(value));
      }
    };
    // Inside the yellow centre (75,50 to 225,150 of 300 × 200): one part drawn with a finger and
    // kept black, one typed and undone.
    const canvas = item.getByRole('application', { name: 'Rectangle on this picture' });
    await canvas.scrollIntoViewIfNeeded();
    const box = (await canvas.boundingBox())!;
    const at = (x: number, y: number) => ({ x: box.x + (x * box.width) / 300, y: box.y + (y * box.height) / 200 });
    const touch = await context.newCDPSession(page);
    await touch.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [at(100.5, 60.5)] });
    for (const step of [0.25, 0.5, 0.75, 1]) await touch.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [at(100.5 + 49 * step, 60.5 + 39 * step)] });
    await touch.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    const drawn = (await edges(item)).map(Number);
    for (const [i, expected] of [100, 60, 50, 40].entries()) expect(Math.abs(drawn[i]! - expected), `edge ${i}: ${drawn.join(',')}`).toBeLessThanOrEqual(2);
    await item.getByRole('button', { name: 'Black out the rectangle' }).click();
    await item.getByText(/Blacked out \d+ × \d+ pixels/).waitFor();
    await outline(170, 100, 30, 30);
    await item.getByRole('button', { name: 'Black out the rectangle' }).click();
    await item.getByText('Blacked out 30 × 30 pixels').waitFor();
    await item.getByRole('button', { name: 'Undo last black-out' }).click();
    await item.getByText('Last black-out undone').waitFor();
    await item.getByText(/PNG picture, 300 × 200, .*, with parts blacked out\./).waitFor();

    // A rectangle drawn and left unused stops the sending: the source may believe it applied.
    await outline(10, 10, 20, 20);
    await fillMinimalAccount(page);
    await page.getByRole('button', { name: 'Seal and send my account' }).click();
    await page.getByText('Not sent: On screenshot.png a rectangle is drawn but not used').waitFor();
    await item.getByRole('button', { name: 'Forget the rectangle' }).click();
    await expect(edges(item)).resolves.toEqual(['0', '0', '300', '200']);
    await page.getByRole('button', { name: 'Seal and send my account' }).click();
    await page.getByRole('heading', { name: 'Your account is stored' }).waitFor({ timeout: 60_000 });
    const words = await page.getByTestId('receipt-words').locator('li').allTextContents();
    const { files } = await openSubmission(words);
    const sent = files[0]!.plaintext;
    const [first, firstEdge, undone, background] = await colours(page, sent, 'image/png', [
      [125, 80],
      [103, 63],
      [185, 115],
      [10, 10],
    ]);
    await context.close();
    expect([first, firstEdge]).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(isYellow(undone!), JSON.stringify(undone)).toBe(true);
    expect(isBlue(background!), JSON.stringify(background)).toBe(true);
    const where = path.join(dir, 'blacked-out.png');
    writeFileSync(where, sent);
    expect(exiftool('-s3', '-ImageSize', where).trim()).toBe('300x200');
    expect(exiftool('-a', '-u', '-G1', where)).not.toContain(CANARIES.pngText);
  });

  /** A PNG of random pixels, which no encoder can shrink: its size is what is uploaded. */
  async function noisePicture(page: Page, side: number): Promise<string> {
    const where = path.join(dir, `noise-${side}-${Math.random().toString(36).slice(2)}.png`);
    writeFileSync(where, await noisePicturePng(page, side));
    return where;
  }

  const count = async (table: 'submissions' | 'attachment_chunks') =>
    Number(
      (
        await env.t.database.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('uploads a 20 MB account in acknowledged chunks', async () => {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${env.t.origin}/submit`);
    // 1700 × 1700 random opaque pixels: about 8.7 MB each as PNG, padded to 10 MiB; two make 20 MiB.
    const files = [await noisePicture(page, 1700), await noisePicture(page, 1700)];
    const chunkAnswers: number[] = [];
    page.on('response', (r) => r.url().includes('/api/v1/uploads/') && chunkAnswers.push(r.status()));
    // The field appears once its tools have loaded (after the first paint): a file set before would go unseen.
    await page.locator('#attachments-field').waitFor();
    await page.getByLabel('Add pictures or PDFs').setInputFiles(files);
    await page.getByText(/files? ready to send\./).waitFor({ timeout: 120_000 });
    await expect(page.locator('#attachment-status').textContent(), (await page.locator('#attachment-list').textContent()) ?? '').resolves.toBe('2 files ready to send.');
    await fillMinimalAccount(page);
    await page.getByRole('button', { name: 'Seal and send my account' }).click();
    await page.getByRole('heading', { name: 'Your account is stored' }).waitFor({ timeout: 240_000 });
    const words = await page.getByTestId('receipt-words').locator('li').allTextContents();
    await context.close();
    expect(chunkAnswers).toHaveLength(320);
    expect(new Set(chunkAnswers)).toEqual(new Set([201]));
    const { submissionId, manifest, files: opened } = await openSubmission(words);
    expect(manifest.map((e) => e.paddedSize)).toEqual([10 * 1024 * 1024, 10 * 1024 * 1024]);
    expect(opened.every((f) => f.plaintext.length > 8_000_000)).toBe(true);
    const stored = await env.t.database.db
      .selectFrom('attachment_chunks as c')
      .innerJoin('attachment_uploads as u', 'u.id', 'c.upload_id')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('u.submission_id', '=', submissionId)
      .executeTakeFirstOrThrow();
    expect(Number(stored.n)).toBe(320);
  }, 400_000);

  it('a tab closed mid-upload leaves no acknowledged submission, only an unsent upload', async () => {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${env.t.origin}/submit`);
    const file = await noisePicture(page, 700);
    // The field appears once its tools have loaded (after the first paint): a file set before would go unseen.
    await page.locator('#attachments-field').waitFor();
    await page.getByLabel('Add pictures or PDFs').setInputFiles([file]);
    await page.getByText('1 file ready to send.').waitFor({ timeout: 60_000 });
    await fillMinimalAccount(page);
    const submissions = await count('submissions');
    let stored = 0;
    const closed = new Promise<void>((resolve) => {
      page.on('response', (r) => {
        if (r.url().includes('/api/v1/uploads/') && ++stored === 3) void page.close().then(resolve);
      });
    });
    await page.getByRole('button', { name: 'Seal and send my account' }).click();
    await closed;
    await context.close();
    expect(await count('submissions')).toBe(submissions);
    const unsent = await env.t.database.db.selectFrom('attachment_uploads').select(['id', 'submission_id']).where('submission_id', 'is', null).execute();
    expect(unsent.length).toBeGreaterThanOrEqual(1);
    // No submission refers to an upload missing any chunk.
    const sent = await env.t.database.db
      .selectFrom('attachment_files as f')
      .innerJoin('attachment_uploads as u', 'u.id', 'f.upload_id')
      .select(['f.upload_id', 'f.file_index', 'f.padded_size'])
      .where('u.submission_id', 'is not', null)
      .execute();
    for (const file of sent) {
      const chunks = await env.t.database.db
        .selectFrom('attachment_chunks')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('upload_id', '=', file.upload_id)
        .where('file_index', '=', file.file_index)
        .executeTakeFirstOrThrow();
      expect(Number(chunks.n)).toBe(file.padded_size / 65536);
    }
  });

  it('without JavaScript, the form has no file field and says why in one sentence', async () => {
    const context = await env.browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${env.t.origin}/submit`);
    await expect(page.getByLabel('Add pictures or PDFs').isVisible()).resolves.toBe(false);
    await expect(page.getByText('Files can be attached only with JavaScript on').isVisible()).resolves.toBe(true);
    await context.close();
  });
});
