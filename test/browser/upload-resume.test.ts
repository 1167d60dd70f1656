// A chunk upload interrupted by a 2-second database outage (issue #27): the page retries each
// chunk with backoff and completes the same upload, without starting over.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startListeningTestApp, type ListeningTestApp } from '../support/app.js';
import { chromiumAvailable, launchChromium, noisePicturePng } from '../support/browser.js';
import { createIntakeKey } from '../support/intake.js';
import { Outage } from '../support/outage.js';
import { attachedFilesOf } from '../../server/attachments/service.js';
import { decodeChunkFrame } from '../../common/attachments/chunk-frame.js';
import { keysFromWords } from '../support/followup.js';
import { lookupTokenHash } from '../../common/protocol/digest.js';
import { fromBase64 } from '../../common/protocol/encoding.js';
import { loadSodium } from '../../common/protocol/sodium.js';

describe.skipIf(!chromiumAvailable)('an upload through a database outage in Chromium', () => {
  const outage = new Outage();
  let t: ListeningTestApp;
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    t = await startListeningTestApp({}, (db) => db.withPlugin(outage));
    await createIntakeKey(t.database.db);
    browser = await launchChromium();
    dir = mkdtempSync(path.join(tmpdir(), 'offscript-resume-'));
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** About 1.5 MB of PNG that no compression helps: several chunks. */
  async function noisePicture(page: Page, side: number): Promise<string> {
    const where = path.join(dir, 'noise.png');
    writeFileSync(where, await noisePicturePng(page, side));
    return where;
  }

  /** A new page with an account and one file of several chunks, ready to send. */
  async function accountWithFile(narrative: string): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${t.origin}/submit`);
    // The field appears once its tools have loaded (after the first paint): a file set before would go unseen.
    await page.locator('#attachments-field').waitFor();
    await page.getByLabel('Add pictures or PDFs').setInputFiles([await noisePicture(page, 700)]);
    await page.getByText('1 file ready to send.').waitFor({ timeout: 60_000 });
    await page.getByLabel('What happened, in your own words (required)').fill(narrative);
    await page.getByLabel('De-identified quotes from my account may be published').check();
    return { context, page };
  }

  // Which chunk a request carries is in its body (common/attachments/chunk-frame.ts), not its URL.
  const chunkOf = (r: Request) => decodeChunkFrame(new Uint8Array(r.postDataBuffer()!)).address.chunk;

  it('completes the same upload after the database comes back, without starting over', async () => {
    const { context, page } = await accountWithFile('The statement is attached; the network was poor.');

    const declarations: string[] = [];
    const uploadUrls = new Set<string>();
    const chunkAnswers: { chunk: number; status: number }[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/v1/uploads')) uploadUrls.add(new URL(r.url()).pathname);
      if (r.method() === 'POST' && r.url().endsWith('/api/v1/uploads')) declarations.push(r.url());
      // The database goes away for 2 s as the fourth chunk is sent.
      if (r.method() === 'PUT' && chunkOf(r) === 3 && !outage.away && outage.refused === 0) {
        outage.away = true;
        setTimeout(() => (outage.away = false), 2000);
      }
    });
    page.on('response', (r) => r.request().method() === 'PUT' && chunkAnswers.push({ chunk: chunkOf(r.request()), status: r.status() }));
    await page.getByRole('button', { name: 'Seal and send my account' }).click();
    await page.getByRole('heading', { name: 'Your account is stored' }).waitFor({ timeout: 60_000 });
    const words = await page.getByTestId('receipt-words').locator('li').allTextContents();
    await context.close();

    // Refused while away, then stored: one upload, every chunk stored once, none sent before it again.
    expect(outage.refused).toBeGreaterThan(0);
    expect(declarations).toHaveLength(1);
    expect(chunkAnswers.filter((a) => a.status === 503).length).toBeGreaterThan(0);
    expect(chunkAnswers.filter((a) => a.status !== 201 && a.status !== 503)).toEqual([]);
    const stored = chunkAnswers.filter((a) => a.status === 201).map((a) => a.chunk);
    // Each chunk acknowledged once, in order: the refused one was sent again, not the upload.
    expect(stored).toEqual(stored.map((_, n) => n));
    expect(chunkAnswers.find((a) => a.status === 503)!.chunk).toBeGreaterThanOrEqual(3);
    // No URL names the upload (issue #23): a proxy's log holds two fixed paths.
    expect([...uploadUrls].sort()).toEqual(['/api/v1/uploads', '/api/v1/uploads/chunks']);

    const sodium = await loadSodium();
    const { lookupToken } = await keysFromWords(words.join(' '));
    const row = await t.database.db
      .selectFrom('submissions')
      .select('id')
      .where('lookup_hash', '=', lookupTokenHash(fromBase64(sodium, lookupToken)))
      .executeTakeFirstOrThrow();
    const attached = await attachedFilesOf(t.database.db, row.id);
    expect(attached.files).toBe(1);
    expect(stored.length).toBe(attached.paddedBytes / 65536);
  }, 120_000);

  it('an outage longer than the page waits: "Not sent"; sent again, the same upload goes on from its last acknowledged chunk', async () => {
    outage.refused = 0;
    const { context, page } = await accountWithFile('Sent again after a long outage.');
    let declarations = 0;
    const stored: number[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/api/v1/uploads')) declarations++;
      if (r.method() === 'PUT' && chunkOf(r) === 3 && outage.refused === 0) outage.away = true;
    });
    page.on('response', (r) => r.request().method() === 'PUT' && r.status() === 201 && stored.push(chunkOf(r.request())));
    await page.getByRole('button', { name: 'Seal and send my account' }).click();
    await page.getByText(/^Not sent:/).waitFor({ timeout: 40_000 });
    outage.away = false;
    await page.getByRole('button', { name: 'Seal and send my account' }).click();
    await page.getByRole('heading', { name: 'Your account is stored' }).waitFor({ timeout: 60_000 });
    await context.close();
    expect(outage.refused).toBeGreaterThan(0);
    expect(declarations).toBe(1);
    expect(stored).toEqual(stored.map((_, n) => n));
  }, 120_000);
});
