// Images are redrawn from their pixels on a canvas and re-encoded: the new file carries no
// EXIF, XMP, IPTC, comments, text chunks or colour profile, only what the picture shows.
import type { AttachmentKind } from '../../../common/protocol/attachment.js';
import { withoutEncoderMarks } from '../../../common/attachments/image-marks.js';
import { word } from '../page-words.js';

export class StripRefused extends Error {}

/** A rectangle of a picture, in its pixels (the picture upright, as shown). */
export interface PictureArea {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** What the source changed before sending: the part kept, and areas filled with solid black (a blur could be undone). */
export interface PictureEdit {
  crop?: PictureArea;
  covers: readonly PictureArea[];
}

export const isUnedited = (edit: PictureEdit) => edit.crop === undefined && edit.covers.length === 0;

export interface StrippedImage {
  kind: AttachmentKind;
  bytes: Uint8Array;
  width: number;
  height: number;
}

const OUTPUT_TYPE: Record<string, 'image/jpeg' | 'image/png' | 'image/webp'> = {
  'image/jpeg': 'image/jpeg',
  'image/png': 'image/png',
  'image/webp': 'image/webp',
  // HEIC photos become JPEG: browsers that decode HEIC do not all encode it.
  'image/heic': 'image/jpeg',
  'image/heif': 'image/jpeg',
};

export const IMAGE_TYPES = Object.keys(OUTPUT_TYPE);

/** JPEG quality for photos: visually lossless at the sizes sources send. */
const JPEG_QUALITY = 0.92;

export async function canvasToBytes(canvas: HTMLCanvasElement, type: string, quality?: number): Promise<Uint8Array> {
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, type, quality));
  if (!blob || blob.type !== type) throw new StripRefused(word('common:browser.attachments.cannotReencode'));
  // Not even the encoder's own colour profile, which would name the browser family.
  return withoutEncoderMarks(new Uint8Array(await blob.arrayBuffer()), type);
}

/** Draws the picture (only its cropped part, with its black-outs filled in, when edited) and re-encodes it. */
export async function stripImage(file: Blob, edit?: PictureEdit): Promise<StrippedImage> {
  const kind = OUTPUT_TYPE[file.type];
  if (!kind) throw new StripRefused(word('common:browser.attachments.notPictureType'));
  let bitmap: ImageBitmap;
  try {
    // The camera's rotation is applied to the pixels, so nothing needs the dropped EXIF to show upright.
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    throw new StripRefused(word('common:browser.attachments.cannotOpen'));
  }
  const area = edit?.crop ?? { x: 0, y: 0, width: bitmap.width, height: bitmap.height };
  const canvas = document.createElement('canvas');
  canvas.width = area.width;
  canvas.height = area.height;
  const context = canvas.getContext('2d');
  if (!context) throw new StripRefused(word('common:browser.attachments.cannotDraw'));
  context.drawImage(bitmap, area.x, area.y, area.width, area.height, 0, 0, area.width, area.height);
  context.fillStyle = '#000000';
  for (const cover of edit?.covers ?? []) context.fillRect(cover.x - area.x, cover.y - area.y, cover.width, cover.height);
  bitmap.close();
  const bytes = await canvasToBytes(canvas, kind, kind === 'image/png' ? undefined : JPEG_QUALITY);
  return { kind, bytes, width: area.width, height: area.height };
}
