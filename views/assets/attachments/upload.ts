// Seals prepared files and uploads them chunk by chunk (docs/attachments.md); resolves with the
// manifest the account envelope carries and the upload the submission names.
import { sealAttachment, type AttachmentKind, type AttachmentManifestEntry } from '../../../common/protocol/attachment.js';
import type { Sodium } from '../../../common/protocol/sodium.js';
import type { ErrorBody } from '../../../common/errors.js';
import type { CreatedUpload, UploadDeclaration } from '../../../common/attachments/schemas.js';
import { refusalMessage } from '../../../common/error-messages.js';

export interface PreparedFile {
  kind: AttachmentKind;
  plaintext: Uint8Array;
  pages?: number;
}

export interface SentFiles {
  uploadId: string;
  manifest: AttachmentManifestEntry[];
}

export class UploadRefused extends Error {}

async function refusal(response: Response): Promise<UploadRefused> {
  const body = (await response.json().catch(() => undefined)) as Partial<ErrorBody> | undefined;
  return new UploadRefused(refusalMessage(body?.error, `The server answered ${response.status}.`));
}

async function send(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, { ...init, credentials: 'omit', referrerPolicy: 'no-referrer' });
  } catch {
    throw new UploadRefused('The connection to our server failed.');
  }
}

export async function sealAndUpload(sodium: Sodium, files: readonly PreparedFile[], onProgress: (sent: number, total: number) => void): Promise<SentFiles> {
  const sealed = files.map((f) => sealAttachment(sodium, f.kind, f.plaintext, f.pages));
  const declaration: UploadDeclaration = { v: 1, files: sealed.map((s) => ({ paddedSize: s.entry.paddedSize, sha256: s.entry.sha256 })) };
  const created = await send('/api/v1/uploads', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(declaration),
  });
  if (created.status !== 201) throw await refusal(created);
  const { uploadId } = (await created.json()) as CreatedUpload; // why: the 201 reply is serialised through this schema
  const total = sealed.reduce((sum, s) => sum + s.chunks.length, 0);
  let sent = 0;
  onProgress(sent, total);
  for (const [file, { chunks }] of sealed.entries()) {
    for (const [n, chunk] of chunks.entries()) {
      const stored = await send(`/api/v1/uploads/${uploadId}/files/${file}/chunks/${n}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/octet-stream' },
        body: chunk as Uint8Array<ArrayBuffer>, // why: sealed chunks are fresh arrays over their own ArrayBuffer
      });
      if (stored.status !== 201) throw await refusal(stored);
      onProgress(++sent, total);
    }
  }
  return { uploadId, manifest: sealed.map((s) => s.entry) };
}
