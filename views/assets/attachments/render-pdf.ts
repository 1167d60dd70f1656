// PDFs become page images: pdf.js (loaded only when a PDF is attached) draws each page on a
// canvas, which is re-encoded as JPEG. Hidden text layers, metadata, form data, attachments and
// scripts stay behind in the original; only what a page shows is sent.
/// <reference types="trusted-types" />
import { framePages } from '../../../common/protocol/attachment.js';
import { pdfMetadata, type MetadataCategory } from './found-metadata.js';
import { canvasToBytes, StripRefused } from './strip-image.js';
import { word } from '../page-words.js';

export interface RenderedPdf {
  /** One JPEG per page. */
  pages: Uint8Array[];
  framed: Uint8Array;
  removed: MetadataCategory[];
}

/** Pages are drawn at twice the PDF's nominal size (144 dpi): small print stays legible. */
const RENDER_SCALE = 2;
const PAGE_QUALITY = 0.85;
export const MAX_PDF_PAGES = 50;

let workerPolicy: Pick<TrustedTypePolicy, 'createScriptURL'> | undefined;

/**
 * Trusted Types guard `new Worker()`; this policy lets exactly one script URL through: the
 * pdf.js worker this page announces, bundled and served from our own origin.
 */
function workerUrl(announced: string): TrustedScriptURL | string {
  const factory = window.trustedTypes;
  if (!factory) return announced;
  workerPolicy ??= factory.createPolicy('pdfjs-worker', {
    createScriptURL: (url: string) => {
      if (url !== announced || !url.startsWith('/assets/')) throw new TypeError('Only our pdf.js worker may start.');
      return url;
    },
  });
  return workerPolicy.createScriptURL(announced);
}

async function pdfjs(worker: string) {
  const lib = await import('pdfjs-dist');
  // why: the DOM typings take a string; Chromium takes the TrustedScriptURL Trusted Types demand
  lib.GlobalWorkerOptions.workerPort ??= new Worker(workerUrl(worker) as string, { type: 'module' });
  return lib;
}

export async function renderPdf(file: Blob, worker: string, onPage: (done: number, total: number) => void): Promise<RenderedPdf> {
  const lib = await pdfjs(worker);
  const loading = lib.getDocument({ data: new Uint8Array(await file.arrayBuffer()), enableXfa: false, useSystemFonts: false });
  let document;
  try {
    document = await loading.promise;
  } catch {
    throw new StripRefused(word('common:browser.attachments.pdfUnreadable'));
  }
  try {
    if (document.numPages > MAX_PDF_PAGES) throw new StripRefused(word('common:browser.attachments.pdfTooManyPages', { pages: document.numPages, max: MAX_PDF_PAGES }));
    const { info, metadata } = await document.getMetadata();
    const pages: Uint8Array[] = [];
    for (let n = 1; n <= document.numPages; n++) {
      const page = await document.getPage(n);
      const viewport = page.getViewport({ scale: RENDER_SCALE });
      const canvas = window.document.createElement('canvas');
      canvas.width = Math.ceil(viewport.width);
      canvas.height = Math.ceil(viewport.height);
      await page.render({ canvas, viewport, background: '#ffffff' }).promise;
      pages.push(await canvasToBytes(canvas, 'image/jpeg', PAGE_QUALITY));
      page.cleanup();
      onPage(n, document.numPages);
    }
    const removed = pdfMetadata({ info: info as Record<string, unknown>, hasMetadataStream: metadata !== null });
    return { pages, framed: framePages(pages), removed };
  } finally {
    await loading.destroy();
  }
}
