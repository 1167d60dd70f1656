// The encoder's marks (issue 23): a JPEG keeps its JFIF header and picture, loses APP1–APP15 and
// comments (Chromium's ICC profile is APP2); a PNG keeps critical chunks and tRNS only.
import { describe, expect, it } from 'vitest';
import { jpegWithoutMarks, pngWithoutMarks } from '../../common/attachments/image-marks.js';

const segment = (marker: number, payload: string) => [0xff, marker, 0, payload.length + 2, ...Buffer.from(payload)];
const chunk = (type: string, payload: string) => [0, 0, 0, payload.length, ...Buffer.from(type), ...Buffer.from(payload), 1, 2, 3, 4];

describe('re-encoded pictures carry no encoder marks', () => {
  it('drops APP1–APP15 and COM from a JPEG, keeps APP0, the tables and the scan', () => {
    const scan = [0xff, 0xda, 0, 4, 9, 9, 0x12, 0x34, 0xff, 0xd9];
    const jpeg = Uint8Array.from([0xff, 0xd8, ...segment(0xe0, 'JFIF\0'), ...segment(0xe2, 'ICC_PROFILE\0chromium'), ...segment(0xfe, 'made by'), ...segment(0xdb, 'qt'), ...scan]);
    expect([...jpegWithoutMarks(jpeg)]).toEqual([0xff, 0xd8, ...segment(0xe0, 'JFIF\0'), ...segment(0xdb, 'qt'), ...scan]);
    // Not a JPEG, or a damaged header: unchanged.
    expect(jpegWithoutMarks(Uint8Array.from([1, 2, 3]))).toEqual(Uint8Array.from([1, 2, 3]));
  });

  it("keeps a PNG's critical chunks and tRNS, drops iCCP, sRGB, gAMA and text", () => {
    const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
    const png = Uint8Array.from([
      ...signature,
      ...chunk('IHDR', 'h'),
      ...chunk('iCCP', 'skia'),
      ...chunk('sRGB', 's'),
      ...chunk('gAMA', 'g'),
      ...chunk('tRNS', 't'),
      ...chunk('tEXt', 'x'),
      ...chunk('IDAT', 'd'),
      ...chunk('IEND', ''),
    ]);
    expect([...pngWithoutMarks(png)]).toEqual([...signature, ...chunk('IHDR', 'h'), ...chunk('tRNS', 't'), ...chunk('IDAT', 'd'), ...chunk('IEND', '')]);
  });
});
