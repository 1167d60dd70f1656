// Seals prepared files and uploads them chunk by chunk (docs/attachments.md); resolves with the
// manifest the account envelope carries and the upload the submission names.
import { sealAttachment, type AttachmentKind, type AttachmentManifestEntry, type SealedAttachment } from '../../../common/protocol/attachment.js';
import type { Sodium } from '../../../common/protocol/sodium.js';
import type { ErrorBody } from '../../../common/errors.js';
import type { CreatedUpload, UploadDeclaration } from '../../../common/attachments/schemas.js';
import { refusalMessage } from '../../../common/error-messages.js';
import { encodeChunkFrame } from '../../../common/attachments/chunk-frame.js';
import { word } from '../page-words.js';

export interface PreparedFile {
  kind: AttachmentKind;
  plaintext: Uint8Array;
  pages?: number;
}

export interface SentFiles {
  uploadId: string;
  manifest: AttachmentManifestEntry[];
}

export class UploadRefused extends Error {
  constructor(
    message: string,
    /** The server's error code, when it gave one. */
    readonly code?: string,
  ) {
    super(message);
  }
}

async function refusal(response: Response): Promise<UploadRefused> {
  const body = (await response.json().catch(() => undefined)) as Partial<ErrorBody> | undefined;
  return new UploadRefused(
    refusalMessage(body?.error, word('common:browser.serverAnswered', { status: response.status })),
    typeof body?.error?.code === 'string' ? body.error.code : undefined,
  );
}

// A request that gets no answer, or an answer that says "not now" (a restart, a database away
// for a moment), is sent again after 0.5, 1, 2, 4 and 8 s: about 15 s in all, then refused.
const ATTEMPTS = 6;
const FIRST_RETRY_MS = 500;
const ANSWER_WAIT_MS = 30_000;

const retryable = (status: number): boolean => status === 408 || status >= 500;

/**
 * Sends a request until it is answered with something other than "not now"; `acknowledged` says
 * which answers count as done (a chunk stored by an earlier try whose answer was lost is one).
 */
async function sendWithRetries(url: string, init: RequestInit, acknowledged: (response: Response, code: unknown) => boolean): Promise<Response> {
  let failure = new UploadRefused(word('common:browser.attachments.connectionFailed'));
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, FIRST_RETRY_MS * 2 ** (attempt - 1)));
    let response: Response;
    try {
      response = await fetch(url, { ...init, credentials: 'omit', referrerPolicy: 'no-referrer', signal: AbortSignal.timeout(ANSWER_WAIT_MS) });
    } catch {
      continue;
    }
    if (response.status === 201) return response;
    const body = (await response
      .clone()
      .json()
      .catch(() => undefined)) as Partial<ErrorBody> | undefined;
    if (acknowledged(response, body?.error?.code)) return response;
    failure = await refusal(response);
    if (!retryable(response.status)) throw failure;
  }
  throw failure;
}

// Stored by an earlier try whose answer was lost: the server keeps the first copy, which is this one.
const chunkAcknowledged = (response: Response, code: unknown) => response.status === 409 && code === 'chunk_already_stored';

/**
 * An upload this page began and did not finish (its retries ran out): sending the same files
 * again goes on with it from its last acknowledged chunk, with the same sealed bytes and ids.
 */
interface UnfinishedUpload {
  plaintexts: readonly Uint8Array[];
  sealed: SealedAttachment[];
  uploadId: string;
  acknowledged: number;
}
let unfinished: UnfinishedUpload | undefined;

const sameFiles = (upload: UnfinishedUpload, files: readonly PreparedFile[]) => upload.plaintexts.length === files.length && files.every((f, i) => f.plaintext === upload.plaintexts[i]);

async function declare(sodium: Sodium, files: readonly PreparedFile[]): Promise<UnfinishedUpload> {
  const sealed = files.map((f) => sealAttachment(sodium, f.kind, f.plaintext, f.pages));
  const declaration: UploadDeclaration = { v: 1, files: sealed.map((s) => ({ paddedSize: s.entry.paddedSize, sha256: s.entry.sha256 })) };
  // A declaration whose answer was lost leaves an empty upload behind, purged within the hour.
  const created = await sendWithRetries('/api/v1/uploads', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(declaration) }, () => false);
  const { uploadId } = (await created.json()) as CreatedUpload; // why: the 201 reply is serialised through this schema
  return { plaintexts: files.map((f) => f.plaintext), sealed, uploadId, acknowledged: 0 };
}

export async function sealAndUpload(sodium: Sodium, files: readonly PreparedFile[], onProgress: (sent: number, total: number) => void): Promise<SentFiles> {
  let upload = unfinished && sameFiles(unfinished, files) ? unfinished : await declare(sodium, files);
  unfinished = upload;
  try {
    await sendChunks(upload, onProgress);
  } catch (error) {
    // Swept while the page waited (idle for over half an hour): a new upload, from the start.
    if (!(error instanceof UploadRefused && error.code === 'unknown_upload') || upload.acknowledged === 0) throw error;
    upload = unfinished = await declare(sodium, files);
    await sendChunks(upload, onProgress);
  }
  unfinished = undefined;
  return { uploadId: upload.uploadId, manifest: upload.sealed.map((s) => s.entry) };
}

/**
 * Chunk by chunk, each acknowledged before the next, from the first not yet acknowledged: an
 * interruption resumes the same upload where it stopped, never from the start.
 */
async function sendChunks(upload: UnfinishedUpload, onProgress: (sent: number, total: number) => void): Promise<void> {
  const total = upload.sealed.reduce((sum, s) => sum + s.chunks.length, 0);
  onProgress(upload.acknowledged, total);
  let position = 0;
  for (const [file, { chunks }] of upload.sealed.entries()) {
    for (const [n, chunk] of chunks.entries()) {
      if (position++ < upload.acknowledged) continue;
      await sendWithRetries(
        '/api/v1/uploads/chunks',
        {
          method: 'PUT',
          headers: { 'content-type': 'application/octet-stream' },
          // Which chunk it is travels in the body, never in the URL (a proxy's log would keep it).
          body: encodeChunkFrame({ uploadId: upload.uploadId, file, chunk: n }, chunk),
        },
        chunkAcknowledged,
      );
      onProgress(++upload.acknowledged, total);
    }
  }
}
