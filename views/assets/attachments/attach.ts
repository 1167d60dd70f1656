// The files section of /submit: strips each attached file at once, shows it as it will be sent
// and what was removed, and hands the prepared files to the submission. DOM by textContent only.
import { attachmentBucketFor, framePages, LARGEST_ATTACHMENT_PAYLOAD } from '../../../common/protocol/attachment.js';
import { cropPanel, type CropPanel } from './crop-tool.js';
import { imageMetadata, type MetadataCategory } from './found-metadata.js';
import { make } from './make-element.js';
import { renderPdf } from './render-pdf.js';
import { IMAGE_TYPES, isUnedited, StripRefused, stripImage, type PictureEdit, type StrippedImage } from './strip-image.js';
import { UploadRefused, type PreparedFile } from './upload.js';
import { pictureUrl } from './picture-url.js';
import { splitEmail } from '../../../common/protocol/dkim.js';

interface Attached extends PreparedFile {
  id: number;
  name: string;
  panels: CropPanel[];
}

/** Refused before anything is sealed, shown as any refusal to send is (an UploadRefused). */
export class UndecidedEdit extends UploadRefused {}

export interface AttachmentsField {
  /** Resolves once every file attached so far is stripped; the files to send, in order. */
  prepared(): Promise<PreparedFile[]>;
  /** Forgets every attached file, once they have been sent. */
  clear(): void;
}

const MB = (bytes: number) => (bytes < 1_000_000 ? `${Math.ceil(bytes / 1000)} KB` : `${(bytes / 1_000_000).toFixed(1)} MB`);
const pictureSummary = (image: StrippedImage) => `${image.kind.slice('image/'.length).toUpperCase()} picture, ${image.width} × ${image.height}, ${MB(image.bytes.length)}`;
const pagesSummary = (pages: number, framed: Uint8Array) => `${pages} page image${pages === 1 ? '' : 's'}, ${MB(framed.length)}`;

function removedSentence(removed: readonly MetadataCategory[], pdf: boolean): string {
  const always = pdf ? 'Sent as page images only: hidden text, layers, form data and annotations stay behind.' : 'Redrawn from its pixels: no hidden details go with it.';
  return removed.length > 0 ? `Removed: ${removed.join(', ')}. ${always}` : `No hidden details found. ${always}`;
}

export function setUpAttachments(section: HTMLElement): AttachmentsField {
  const maxFileBytes = Math.min(Number(section.dataset.maxFileBytes), LARGEST_ATTACHMENT_PAYLOAD);
  // Read when a file is checked: on /status they are what the account's replies have left.
  const maxAccountBytes = () => Number(section.dataset.maxAccountBytes);
  const maxFiles = () => Number(section.dataset.maxFiles);
  const limitScope = section.dataset.limitScope ?? 'with one account';
  const worker = section.dataset.pdfWorker ?? '';
  const input = section.querySelector<HTMLInputElement>('#attachment-input')!;
  const list = section.querySelector<HTMLUListElement>('#attachment-list')!;
  const status = section.querySelector<HTMLParagraphElement>('#attachment-status')!;
  section.querySelector<HTMLElement>('#attachments-no-javascript')!.hidden = true;
  section.querySelector<HTMLElement>('#attachments-field')!.hidden = false;

  const attached: Attached[] = [];
  let pending: Promise<unknown> = Promise.resolve();
  let nextId = 0;
  /** Why a file of `length` bytes cannot be sent (in place of `replacing`, when it is edited), if it cannot. */
  function refusalFor(length: number, replacing?: Attached): string | undefined {
    if (length > maxFileBytes) return `Once prepared it takes ${MB(length)}; at most ${MB(maxFileBytes)} a file.`;
    const others = attached.reduce((sum, f) => (f === replacing ? sum : sum + attachmentBucketFor(f.plaintext.length)), 0);
    if (others + attachmentBucketFor(length) > maxAccountBytes()) return `Your files together would take more than ${MB(maxAccountBytes())} once padded for sending.`;
    return undefined;
  }
  /** Work on the attached files runs in turn, and sending waits for all of it. */
  function inTurn<T>(work: () => Promise<T>): Promise<T> {
    const done = pending.then(work);
    pending = done.catch(() => undefined);
    return done;
  }

  /** A saved email (issue 33): sent byte for byte, as stripping would break its signature; never shown as a page. */
  async function prepareEmail(file: File, name: HTMLElement, item: HTMLElement, fail: (message: string) => void): Promise<void> {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const { headers } = splitEmail(bytes);
    if (!headers.some((h) => h.name === 'from')) return fail(section.dataset.emailRefused ?? '');
    const refused = refusalFor(bytes.length);
    if (refused) return fail(refused);
    const entry: Attached = { kind: 'message/rfc822', plaintext: bytes, id: nextId++, name: file.name, panels: [] };
    attached.push(entry);
    name.textContent = (section.dataset.emailAttached ?? '').replace('{name}', file.name).replace('{size}', MB(bytes.length));
    item.append(removeButton(entry, item));
  }

  function removeButton(entry: Attached, item: HTMLElement): HTMLButtonElement {
    const remove = make('button', 'Remove this file');
    remove.type = 'button';
    remove.addEventListener('click', () => {
      attached.splice(attached.indexOf(entry), 1);
      item.remove();
      status.textContent = `${entry.name} removed.`;
    });
    return remove;
  }

  async function prepare(file: File): Promise<void> {
    const item = make('li', undefined, 'attachment');
    const name = make('p', `${file.name}: preparing…`, 'attachment-name');
    item.append(name);
    list.append(item);
    const fail = (message: string) => {
      name.textContent = `${file.name}: not attached. ${message}`;
      name.className = 'attachment-name error-summary';
    };
    if (attached.length >= maxFiles()) return fail(`At most ${maxFiles()} files can be sent ${limitScope}.`);
    try {
      let prepared: PreparedFile;
      let removed: MetadataCategory[];
      // The pictures shown (the picture, or a PDF's pages) as stripped, how one of them is
      // edited, the file the shown pictures make, and that file in words.
      let originals: Uint8Array[];
      let pictureType: string;
      let edited: (at: number, edit: PictureEdit) => Promise<StrippedImage>;
      let fileOf: (pictures: Uint8Array[]) => Uint8Array;
      let describe: (plaintext: Uint8Array, edit?: PictureEdit, result?: StrippedImage) => string;
      if (file.type === 'application/pdf') {
        const pdf = await renderPdf(file, worker, (done, total) => (name.textContent = `${file.name}: drawing page ${done} of ${total}…`));
        prepared = { kind: 'pdf-pages', plaintext: pdf.framed, pages: pdf.pages.length };
        removed = pdf.removed;
        originals = pdf.pages;
        pictureType = 'image/jpeg';
        edited = (at, edit) => stripImage(new Blob([pdf.pages[at] as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' }), edit);
        fileOf = framePages;
        describe = (plaintext) => pagesSummary(pdf.pages.length, plaintext);
      } else if (file.type === 'message/rfc822' || file.name.toLowerCase().endsWith('.eml')) {
        return await prepareEmail(file, name, item, fail);
      } else if (IMAGE_TYPES.includes(file.type)) {
        const [image, found] = await Promise.all([stripImage(file), imageMetadata(file)]);
        prepared = { kind: image.kind, plaintext: image.bytes };
        removed = found;
        originals = [image.bytes];
        pictureType = image.kind;
        // Edited from the original file through the same canvas path: one re-encoding, not two.
        edited = (_, edit) => stripImage(file, edit);
        fileOf = ([picture]) => picture!;
        describe = (_, edit, result) => `${pictureSummary(result ?? image)}${edit?.crop ? ', cropped' : ''}${edit?.covers.length ? ', with parts blacked out' : ''}`;
      } else {
        return fail('Only pictures (JPEG, PNG, WebP, HEIC), PDFs and saved emails (.eml) can be attached.');
      }
      const refused = refusalFor(prepared.plaintext.length);
      if (refused) return fail(refused);
      const entry: Attached = { ...prepared, id: nextId++, name: file.name, panels: [] };
      attached.push(entry);
      name.textContent = `${file.name} — as it will be sent: ${describe(entry.plaintext)}.`;
      const removedLine = make('p', removedSentence(removed, prepared.kind === 'pdf-pages'), 'attachment-removed');
      const figure = make('div', undefined, 'attachment-previews');
      const current = [...originals];
      for (const [at, original] of originals.entries()) {
        const img = make('img');
        img.src = await pictureUrl(original, pictureType);
        const pictureName = prepared.kind === 'pdf-pages' ? `page ${at + 1}` : 'this picture';
        img.alt = prepared.kind === 'pdf-pages' ? `Page ${at + 1} as it will be sent` : 'The picture as it will be sent';
        // An edit (or undoing one) replaces the bytes to send, once they are known to fit.
        const apply = (edit: PictureEdit) =>
          inTurn(async () => {
            try {
              const result = isUnedited(edit) ? undefined : await edited(at, edit);
              const pictures = current.slice();
              pictures[at] = result?.bytes ?? original;
              const plaintext = fileOf(pictures);
              const refusal = refusalFor(plaintext.length, entry);
              if (refusal) return refusal;
              current[at] = pictures[at]!;
              entry.plaintext = plaintext;
              img.src = await pictureUrl(current[at], pictureType);
              name.textContent = `${file.name} — as it will be sent: ${describe(plaintext, edit, result)}.`;
              return undefined;
            } catch (error) {
              return error instanceof StripRefused ? error.message : 'This picture could not be changed.';
            }
          });
        const picture = new Blob([original as Uint8Array<ArrayBuffer>], { type: pictureType });
        const panel = cropPanel({ picture, name: pictureName, apply });
        entry.panels.push(panel);
        figure.append(img, panel.element);
      }
      item.append(removedLine, figure, removeButton(entry, item));
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
      const undecided = attached.filter((f) => f.panels.some((panel) => panel.undecided())).map((f) => f.name);
      if (undecided.length > 0) {
        throw new UndecidedEdit(`On ${undecided.join(', ')} a rectangle is drawn but not used: choose Apply crop, Black out the rectangle, or Forget the rectangle.`);
      }
      return attached.map(({ kind, plaintext, pages }) => ({ kind, plaintext, ...(pages === undefined ? {} : { pages }) }));
    },
    clear() {
      attached.length = 0;
      list.replaceChildren();
      status.textContent = '';
    },
  };
}
