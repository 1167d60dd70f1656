// Attachment benchmark (issue 18): in Chromium, on the real /submit page and app (Postgres),
// the time to strip a 5 MB photo and a 10-page PDF, then to seal and upload each with its
// account. Run with `npm run bench:attachments`; it reports and exits 0.
import { existsSync } from 'node:fs';
import { chromium, type Page } from 'playwright-core';
import { buildApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { openDatabase } from '../../server/db/database.js';
import { migrateToLatest } from '../../server/db/migrator.js';
import { registerIntakeKey } from '../../server/intake/service.js';
import { generateIntakeKeyPair } from '../../common/protocol/intake-key.js';
import { loadSodium } from '../../common/protocol/sodium.js';
import { atCleanup, freshBenchDatabase, median, runBenchmark } from './harness.js';
import { textPdf } from './text-pdf.js';

const CHROMIUM = '/usr/bin/chromium';
const RUNS = 3;
const PHOTO_BYTES = 5_000_000;

/** A one-column text PDF of `pages` pages, as a word processor would export a contract. */
function contractPdf(pages: number): Buffer {
  return textPdf(
    Array.from({ length: pages }, (_, n) =>
      Array.from({ length: 40 }, (_, i) => `BT /F1 11 Tf 72 ${740 - i * 16} Td (Page ${n + 1}, clause ${i + 1}: the contractor shall rate responses as instructed.) Tj ET`).join(' '),
    ),
  );
}

/** A JPEG of at least `bytes`, drawn in the page: noise over a gradient, as hard to compress as a photo. */
async function photo(page: Page, bytes: number): Promise<Buffer> {
  const base64 = await page.evaluate(async (bytes) => {
    for (let side = 1600; ; side += 200) {
      const canvas = document.createElement('canvas');
      canvas.width = side;
      canvas.height = Math.round(side * 0.75);
      const context = canvas.getContext('2d')!;
      const pixels = context.createImageData(canvas.width, canvas.height);
      for (let at = 0; at < pixels.data.length; at += 65536) crypto.getRandomValues(pixels.data.subarray(at, at + 65536));
      for (let at = 3; at < pixels.data.length; at += 4) pixels.data[at] = 255;
      context.putImageData(pixels, 0, 0);
      const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/jpeg', 0.9));
      if (blob.size < bytes) continue;
      const data = new Uint8Array(await blob.arrayBuffer());
      let text = '';
      for (let at = 0; at < data.length; at += 8192) text += String.fromCharCode(...data.subarray(at, at + 8192));
      return btoa(text);
    }
  }, bytes);
  return Buffer.from(base64, 'base64');
}

interface Timing {
  stripMs: number;
  sealAndUploadMs: number;
}

async function timeOne(page: Page, origin: string, file: { name: string; mimeType: string; buffer: Buffer }): Promise<Timing> {
  await page.goto(`${origin}/submit`);
  await page.fill('#narrative', 'Benchmark account with one attached file.');
  await page.check('#consent-quote');
  const stripStart = performance.now();
  await page.setInputFiles('#attachment-input', file);
  await page.getByText('1 file ready to send.').waitFor({ timeout: 300_000 });
  const stripMs = performance.now() - stripStart;
  const sendStart = performance.now();
  await page.click('#submit-button');
  await page.getByRole('heading', { name: 'Your account is stored' }).waitFor({ timeout: 300_000 });
  return { stripMs, sealAndUploadMs: performance.now() - sendStart };
}

function report(what: string, timings: Timing[]): void {
  const show = (pick: (t: Timing) => number) => `${median(timings.map(pick)).toFixed(0)} ms (runs ${timings.map((t) => pick(t).toFixed(0)).join(', ')})`;
  console.log(`${what}: strip ${show((t) => t.stripMs)}; seal and upload ${show((t) => t.sealAndUploadMs)}`);
}

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    console.log(`skipped: ${CHROMIUM} not installed`);
    return;
  }
  const benchUrl = await freshBenchDatabase();
  const { db } = await openDatabase({ databaseUrl: benchUrl, dataDir: '' });
  atCleanup(() => db.destroy());
  await migrateToLatest(db);
  await registerIntakeKey(db, generateIntakeKeyPair(await loadSodium()).publicKey);
  const config = loadConfig({ ...process.env, DATABASE_URL: benchUrl, LOG_LEVEL: 'warn', RATE_LIMIT_MAX: '1000000' });
  const app = await buildApp({ config, db });
  atCleanup(() => app.close());
  const origin = await app.listen({ host: '127.0.0.1', port: 0 });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  atCleanup(() => browser.close());
  const page = await browser.newPage();
  await page.goto(`${origin}/submit`);
  const jpeg = await photo(page, PHOTO_BYTES);
  const pdf = contractPdf(10);
  console.log(`fixtures: photo ${(jpeg.length / 1e6).toFixed(1)} MB JPEG, PDF 10 pages ${(pdf.length / 1e3).toFixed(0)} KB`);
  const photoTimes: Timing[] = [];
  const pdfTimes: Timing[] = [];
  for (let run = 0; run < RUNS; run++) {
    photoTimes.push(await timeOne(page, origin, { name: 'photo.jpg', mimeType: 'image/jpeg', buffer: jpeg }));
    pdfTimes.push(await timeOne(page, origin, { name: 'contract.pdf', mimeType: 'application/pdf', buffer: pdf }));
  }
  report(`5 MB photo (median of ${RUNS})`, photoTimes);
  report(`10-page PDF (median of ${RUNS})`, pdfTimes);
}

await runBenchmark('bench:attachments', main);
