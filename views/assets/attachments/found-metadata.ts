// What a file carried that stripping removes, named in the words the page uses: found with
// exifr (images) and pdf.js's own metadata reader (PDFs), loaded only once a file is attached.
export const METADATA_CATEGORIES = ['location', 'camera model', 'date taken', 'author', 'software', 'hidden text or comments'] as const;
export type MetadataCategory = (typeof METADATA_CATEGORIES)[number];

const EXIF_FIELDS: Record<MetadataCategory, readonly string[]> = {
  location: ['latitude', 'longitude', 'GPSLatitude', 'GPSLongitude', 'GPSPosition'],
  'camera model': ['Make', 'Model', 'SerialNumber', 'BodySerialNumber', 'LensModel', 'LensSerialNumber', 'CameraSerialNumber'],
  'date taken': ['DateTimeOriginal', 'CreateDate', 'DateCreated', 'ModifyDate'],
  author: ['Artist', 'Copyright', 'XPAuthor', 'creator', 'Creator', 'By-line', 'OwnerName', 'Author'],
  software: ['Software', 'CreatorTool', 'ProcessingSoftware', 'HostComputer'],
  'hidden text or comments': ['UserComment', 'ImageDescription', 'XPComment', 'Comment', 'description', 'Description', 'Caption-Abstract', 'Keywords', 'Title', 'title', 'subject'],
};

/** What a PNG header says of the picture itself (exifr's ihdr segment): nothing about anyone. */
const PICTURE_FORMAT_FIELDS = ['ImageWidth', 'ImageHeight', 'BitDepth', 'ColorType', 'Compression', 'Filter', 'Interlace'];

/** The categories exifr finds in an image; any other field found counts as hidden text. */
export async function imageMetadata(file: Blob): Promise<MetadataCategory[]> {
  const exifr = (await import('exifr')).default;
  let found: Record<string, unknown> | undefined;
  try {
    found = (await exifr.parse(file, { tiff: true, xmp: true, iptc: true, icc: false, jfif: false, ihdr: true, gps: true, exif: true, mergeOutput: true })) as
      Record<string, unknown> | undefined;
  } catch {
    return [];
  }
  if (!found) return [];
  const names = new Set(Object.keys(found));
  const categories = METADATA_CATEGORIES.filter((category) => EXIF_FIELDS[category].some((field) => names.has(field)));
  // PNG text chunks and other free fields that exifr returns under their own names.
  const known = new Set([...Object.values(EXIF_FIELDS).flat(), ...PICTURE_FORMAT_FIELDS]);
  const other = [...names].some((name) => !known.has(name) && typeof found[name] === 'string');
  if (other && !categories.includes('hidden text or comments')) categories.push('hidden text or comments');
  return categories;
}

export interface PdfInfo {
  info?: Record<string, unknown>;
  hasMetadataStream: boolean;
}

/** The categories a PDF's document information and XMP name; page text is dropped in any case. */
export function pdfMetadata({ info, hasMetadataStream }: PdfInfo): MetadataCategory[] {
  const has = (key: string) => typeof info?.[key] === 'string' && (info[key] as string).trim() !== '';
  const categories: MetadataCategory[] = [];
  if (has('Author')) categories.push('author');
  if (has('Creator') || has('Producer')) categories.push('software');
  if (has('CreationDate') || has('ModDate')) categories.push('date taken');
  if (has('Title') || has('Subject') || has('Keywords') || hasMetadataStream) categories.push('hidden text or comments');
  return categories;
}
