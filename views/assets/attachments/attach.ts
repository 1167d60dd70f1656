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
import { word } from '../page-words.js';
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

const MB = (bytes: number) =>
  bytes < 1_000_000
    ? word('common:browser.attachments.kilobytes', { size: Math.ceil(bytes / 1000) })
    : word('common:browser.attachments.megabytes', { size: (bytes / 1_000_000).toFixed(1) });
const pictureSummary = (image: StrippedImage) =>
  word('common:browser.attachments.picture', { format: image.kind.slice('image/'.length).toUpperCase(), width: image.width, height: image.height, size: MB(image.bytes.length) });
const pagesSummary = (pages: number, framed: Uint8Array) => word('common:browser.attachments.pages', { count: pages, size: MB(framed.length) });

/** What each kind of hidden detail is called, in the page's language. */
const CATEGORY_WORDS: Record<MetadataCategory, string> = {
  location: 'common:browser.attachments.categories.location',
  'camera model': 'common:browser.attachments.categories.cameraModel',
  'date taken': 'common:browser.attachments.categories.dateTaken',
  author: 'common:browser.attachments.categories.author',
  software: 'common:browser.attachments.categories.software',
  'hidden text or comments': 'common:browser.attachments.categories.hiddenText',
};

function removedSentence(removed: readonly MetadataCategory[], pdf: boolean): string {
  const always = word(pdf ? 'common:browser.attachments.pdfAlways' : 'common:browser.attachments.pictureAlways');
  return removed.length > 0
    ? word('common:browser.attachments.removed', { categories: removed.map((c) => word(CATEGORY_WORDS[c])).join(', '), always })
    : word('common:browser.attachments.noneFound', { always });
}

export function setUpAttachments(section: HTMLElement): AttachmentsField {
  const maxFileBytes = Math.min(Number(section.dataset.maxFileBytes), LARGEST_ATTACHMENT_PAYLOAD);
  // Read when a file is checked: on /status they are what the account's replies have left.
  const maxAccountBytes = () => Number(section.dataset.maxAccountBytes);
  const maxFiles = () => Number(section.dataset.maxFiles);
  const limitScope = section.dataset.limitScope ?? word('common:browser.attachments.withOneAccount');
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
    if (length > maxFileBytes) return word('common:browser.attachments.tooLarge', { size: MB(length), max: MB(maxFileBytes) });
    const others = attached.reduce((sum, f) => (f === replacing ? sum : sum + attachmentBucketFor(f.plaintext.length)), 0);
    if (others + attachmentBucketFor(length) > maxAccountBytes()) return word('common:browser.attachments.togetherTooLarge', { max: MB(maxAccountBytes()) });
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
    const remove = make('button', word('common:browser.attachments.remove'));
    remove.type = 'button';
    remove.addEventListener('click', () => {
      attached.splice(attached.indexOf(entry), 1);
      item.remove();
      status.textContent = word('common:browser.attachments.fileRemoved', { name: entry.name });
    });
    return remove;
  }

  async function prepare(file: File): Promise<void> {
    const item = make('li', undefined, 'attachment');
    const name = make('p', `${file.name}: preparing…`, 'attachment-name');
    item.append(name);
    list.append(item);
    const fail = (message: string) => {
      name.textContent = word('common:browser.attachments.notAttached', { name: file.name, reason: message });
      name.className = 'attachment-name error-summary';
    };
    if (attached.length >= maxFiles()) return fail(word('common:browser.attachments.tooMany', { max: maxFiles(), scope: limitScope }));
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
        const pdf = await renderPdf(file, worker, (done, total) => (name.textContent = word('common:browser.attachments.drawingPage', { name: file.name, done, total })));
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
        describe = (_, edit, result) =>
          `${pictureSummary(result ?? image)}${edit?.crop ? word('common:browser.attachments.cropped') : ''}${edit?.covers.length ? word('common:browser.attachments.blackedOut') : ''}`;
      } else {
        return fail(word('common:browser.attachments.onlyPicturesAndPdfs'));
      }
      const refused = refusalFor(prepared.plaintext.length);
      if (refused) return fail(refused);
      const entry: Attached = { ...prepared, id: nextId++, name: file.name, panels: [] };
      attached.push(entry);
      name.textContent = word('common:browser.attachments.asSent', { name: file.name, description: describe(entry.plaintext) });
      const removedLine = make('p', removedSentence(removed, prepared.kind === 'pdf-pages'), 'attachment-removed');
      const figure = make('div', undefined, 'attachment-previews');
      const current = [...originals];
      for (const [at, original] of originals.entries()) {
        const img = make('img');
        img.src = await pictureUrl(original, pictureType);
        const pictureName = prepared.kind === 'pdf-pages' ? word('common:browser.attachments.pageName', { number: at + 1 }) : word('common:browser.attachments.thisPicture');
        img.alt = prepared.kind === 'pdf-pages' ? word('common:browser.attachments.pageAlt', { number: at + 1 }) : word('common:browser.attachments.pictureAlt');
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
              name.textContent = word('common:browser.attachments.asSent', { name: file.name, description: describe(plaintext, edit, result) });
              return undefined;
            } catch (error) {
              return error instanceof StripRefused ? error.message : word('common:browser.attachments.cannotChange');
            }
          });
        const picture = new Blob([original as Uint8Array<ArrayBuffer>], { type: pictureType });
        const panel = cropPanel({ picture, name: pictureName, apply });
        entry.panels.push(panel);
        figure.append(img, panel.element);
      }
      item.append(removedLine, figure, removeButton(entry, item));
    } catch (error) {
      fail(error instanceof StripRefused ? error.message : word('common:browser.attachments.cannotPrepare'));
    }
  }

  input.addEventListener('change', () => {
    const files = [...(input.files ?? [])];
    input.value = '';
    for (const file of files) pending = pending.then(() => prepare(file));
    void pending.then(() => (status.textContent = word('common:browser.attachments.ready', { count: attached.length })));
  });

  return {
    async prepared() {
      await pending;
      const undecided = attached.filter((f) => f.panels.some((panel) => panel.undecided())).map((f) => f.name);
      if (undecided.length > 0) {
        throw new UndecidedEdit(word('common:browser.attachments.undecided', { names: undecided.join(', ') }));
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
