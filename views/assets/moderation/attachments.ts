// The files a source attached, opened in the moderator's browser (docs/attachments.md): each
// sealed file is fetched, checked against the digest the account (or the reply) lists, decrypted
// and shown in the page (pictures, and a PDF's page images made at intake); never offered as a download.
import { attachmentManifestOf, openAttachment, SEALED_CHUNK_BYTES, unframePages, type AttachmentManifestEntry } from '../../../common/protocol/attachment.js';
import type { Sodium } from '../../../common/protocol/sodium.js';
import { pictureUrl } from '../attachments/picture-url.js';
import { showSavedEmail } from './dkim-panel.js';
import { consoleWord } from './console-words.js';

async function openFile(sodium: Sodium, url: string, entry: AttachmentManifestEntry): Promise<{ type: string; pictures: Uint8Array[] }> {
  const response = await fetch(url, { credentials: 'same-origin' });
  if (!response.ok) throw new Error(consoleWord('common.serverAnswered', { status: response.status }));
  const sealed = new Uint8Array(await response.arrayBuffer());
  const chunks = Array.from({ length: sealed.length / SEALED_CHUNK_BYTES }, (_, n) => sealed.subarray(n * SEALED_CHUNK_BYTES, (n + 1) * SEALED_CHUNK_BYTES));
  const plaintext = openAttachment(sodium, entry, chunks);
  if (entry.kind === 'pdf-pages') return { type: 'image/jpeg', pictures: unframePages(plaintext, entry.pages ?? 0) };
  // A saved email is one "picture" only in name: its bytes go to the DKIM panel, never to an <img>.
  return { type: entry.kind, pictures: [plaintext] };
}

function whatFile(entry: AttachmentManifestEntry): string {
  if (entry.kind === 'pdf-pages') return consoleWord('files.pdf', { count: entry.pages ?? 0 });
  return entry.kind === 'message/rfc822' ? consoleWord('files.savedEmail') : consoleWord('files.picture');
}

/** Opens each listed file into `list`, one item per file; `urlOf` names where its sealed bytes are. */
export async function openFilesInto(sodium: Sodium, list: HTMLElement, manifest: readonly AttachmentManifestEntry[], urlOf: (index: number) => string): Promise<void> {
  for (const [index, entry] of manifest.entries()) {
    const item = document.createElement('li');
    const caption = document.createElement('p');
    const what = whatFile(entry);
    caption.textContent = consoleWord('files.opening', { file: index + 1, files: manifest.length, what });
    item.append(caption);
    list.append(item);
    try {
      const { type, pictures } = await openFile(sodium, urlOf(index), entry);
      if (type === 'message/rfc822') {
        caption.textContent = `File ${index + 1} of ${manifest.length}: ${what}. Checked and decrypted in your browser.`;
        await showSavedEmail(item, pictures[0]!);
        continue;
      }
      for (const [page, bytes] of pictures.entries()) {
        const img = document.createElement('img');
        img.src = await pictureUrl(bytes, type);
        img.alt = pictures.length > 1 ? consoleWord('files.page', { file: index + 1, page: page + 1 }) : consoleWord('files.file', { file: index + 1 });
        img.className = 'attachment-picture';
        item.append(img);
      }
      caption.textContent = consoleWord('files.checked', { file: index + 1, files: manifest.length, what });
    } catch (error) {
      caption.textContent = consoleWord('files.cannotOpen', { file: index + 1, files: manifest.length, reason: error instanceof Error ? error.message : '' });
      caption.className = 'error-summary';
    }
  }
}

/** Lists and opens the files an opened account lists, in section#submission-files. */
export async function showAttachments(sodium: Sodium, openedAccount: unknown, submissionId: string): Promise<void> {
  const section = document.getElementById('submission-files');
  const list = document.getElementById('submission-file-list');
  if (!section || !list) return;
  const manifest = attachmentManifestOf(sodium, openedAccount);
  if (manifest.length === 0) return;
  section.hidden = false;
  await openFilesInto(sodium, list, manifest, (index) => `/mod/api/submissions/${submissionId}/attachments/${index}`);
}

/** The files a source's reply lists, opened under it in the timeline. */
export function replyFilesList(sodium: Sodium, manifest: readonly AttachmentManifestEntry[], submissionId: string, messageId: string): HTMLUListElement {
  const list = document.createElement('ul');
  list.className = 'attachment-list reply-files';
  list.setAttribute('aria-label', consoleWord('files.sentWithMessage'));
  void openFilesInto(sodium, list, manifest, (index) => `/mod/api/submissions/${submissionId}/messages/${messageId}/attachments/${index}`);
  return list;
}
