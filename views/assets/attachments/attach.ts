// The files section of /submit: strips each attached file at once, shows it as it will be sent
// and what was removed, and hands the prepared files to the submission. DOM by textContent only.
import { attachmentBucketFor, LARGEST_ATTACHMENT_PAYLOAD } from '../../../common/protocol/attachment.js';
import { imageMetadata, type MetadataCategory } from './found-metadata.js';
import { renderPdf } from './render-pdf.js';
import { IMAGE_TYPES, StripRefused, stripImage } from './strip-image.js';
import type { PreparedFile } from './upload.js';
import { pictureUrl } from './picture-url.js';

interface Attached extends PreparedFile {
  id: number;
}

export interface AttachmentsField {
  /** Resolves once every file attached so far is stripped; the files to send, in order. */
  prepared(): Promise<PreparedFile[]>;
}

const MB = (bytes: number) => (bytes < 1_000_000 ? `${Math.ceil(bytes / 1000)} KB` : `${(bytes / 1_000_000).toFixed(1)} MB`);


function make<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function removedSentence(removed: readonly MetadataCategory[], pdf: boolean): string {
  const always = pdf ? 'Sent as page images only: hidden text, layers, form data and annotations stay behind.' : 'Redrawn from its pixels: no hidden details go with it.';
  return removed.length > 0 ? `Removed: ${removed.join(', ')}. ${always}` : `No hidden details found. ${always}`;
}

export function setUpAttachments(section: HTMLElement): AttachmentsField {
  const maxFileBytes = Math.min(Number(section.dataset.maxFileBytes), LARGEST_ATTACHMENT_PAYLOAD);
  const maxAccountBytes = Number(section.dataset.maxAccountBytes);
  const maxFiles = Number(section.dataset.maxFiles);
  const worker = section.dataset.pdfWorker ?? '';
  const input = section.querySelector<HTMLInputElement>('#attachment-input')!;
  const list = section.querySelector<HTMLUListElement>('#attachment-list')!;
  const status = section.querySelector<HTMLParagraphElement>('#attachment-status')!;
  section.querySelector<HTMLElement>('#attachments-no-javascript')!.hidden = true;
  section.querySelector<HTMLElement>('#attachments-field')!.hidden = false;

  const attached: Attached[] = [];
  let pending: Promise<unknown> = Promise.resolve();
  let nextId = 0;
  const paddedTotal = () => attached.reduce((sum, f) => sum + attachmentBucketFor(f.plaintext.length), 0);

  async function prepare(file: File): Promise<void> {
    const item = make('li', undefined, 'attachment');
    const name = make('p', `${file.name}: preparing…`, 'attachment-name');
    item.append(name);
    list.append(item);
    const fail = (message: string) => {
      name.textContent = `${file.name}: not attached. ${message}`;
      name.className = 'attachment-name error-summary';
    };
    if (attached.length >= maxFiles) return fail(`At most ${maxFiles} files can be sent with one account.`);
    try {
      let prepared: PreparedFile;
      let removed: MetadataCategory[];
      let previews: string[];
      let summary: string;
      if (file.type === 'application/pdf') {
        const pdf = await renderPdf(file, worker, (done, total) => (name.textContent = `${file.name}: drawing page ${done} of ${total}…`));
        prepared = { kind: 'pdf-pages', plaintext: pdf.framed, pages: pdf.pages.length };
        removed = pdf.removed;
        previews = await Promise.all(pdf.pages.map((p) => pictureUrl(p, 'image/jpeg')));
        summary = `${pdf.pages.length} page image${pdf.pages.length === 1 ? '' : 's'}, ${MB(pdf.framed.length)}`;
      } else if (IMAGE_TYPES.includes(file.type)) {
        const [image, found] = await Promise.all([stripImage(file), imageMetadata(file)]);
        prepared = { kind: image.kind, plaintext: image.bytes };
        removed = found;
        previews = [await pictureUrl(image.bytes, image.kind)];
        summary = `${image.kind.slice('image/'.length).toUpperCase()} picture, ${image.width} × ${image.height}, ${MB(image.bytes.length)}`;
      } else {
        return fail('Only pictures (JPEG, PNG, WebP, HEIC) and PDFs can be attached.');
      }
      if (prepared.plaintext.length > maxFileBytes) return fail(`Once prepared it takes ${MB(prepared.plaintext.length)}; at most ${MB(maxFileBytes)} a file.`);
      if (paddedTotal() + attachmentBucketFor(prepared.plaintext.length) > maxAccountBytes) {
        return fail(`Your files together would take more than ${MB(maxAccountBytes)} once padded for sending.`);
      }
      const entry: Attached = { ...prepared, id: nextId++ };
      attached.push(entry);
      name.textContent = `${file.name} — as it will be sent: ${summary}.`;
      const removedLine = make('p', removedSentence(removed, prepared.kind === 'pdf-pages'), 'attachment-removed');
      const figure = make('div', undefined, 'attachment-previews');
      for (const [i, src] of previews.entries()) {
        const img = make('img');
        img.src = src;
        img.alt = previews.length > 1 ? `Page ${i + 1} as it will be sent` : 'The picture as it will be sent';
        figure.append(img);
      }
      const remove = make('button', 'Remove this file');
      remove.type = 'button';
      remove.addEventListener('click', () => {
        attached.splice(attached.indexOf(entry), 1);
        item.remove();
        status.textContent = `${file.name} removed.`;
      });
      item.append(removedLine, figure, remove);
    } catch (error) {
      fail(error instanceof StripRefused ? error.message : 'This file could not be prepared.');
    }
  }

  input.addEventListener('change', () => {
    const files = [...(input.files ?? [])];
    input.value = '';
    for (const file of files) pending = pending.then(() => prepare(file));
    void pending.then(() => (status.textContent = `${attached.length} file${attached.length === 1 ? '' : 's'} ready to send.`));
  });

  return {
    async prepared() {
      await pending;
      return attached.map(({ kind, plaintext, pages }) => ({ kind, plaintext, ...(pages === undefined ? {} : { pages }) }));
    },
  };
}
