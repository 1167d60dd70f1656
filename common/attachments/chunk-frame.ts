// One uploaded chunk on the wire (docs/attachments.md): which upload, file and chunk it is travel
// in the body, ahead of the sealed bytes, never in the URL, so that no proxy's or CDN's access
// log links a client address and a time to an upload (issue #23). Big-endian:
//   16 bytes upload id (the UUID's bytes) | 2 bytes file index | 4 bytes chunk index | sealed chunk
import { CodedError } from '../errors.js';
import { SEALED_CHUNK_BYTES } from '../protocol/attachment.js';

export const CHUNK_FRAME_HEADER_BYTES = 16 + 2 + 4;

/** Which chunk of which file of which upload. */
export interface ChunkAddress {
  uploadId: string;
  file: number;
  chunk: number;
}

const UUID = /^([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})$/;

export function encodeChunkFrame({ uploadId, file, chunk }: ChunkAddress, sealed: Uint8Array): Uint8Array<ArrayBuffer> {
  const match = UUID.exec(uploadId);
  if (!match) throw new Error(`not an upload id: ${uploadId}`);
  const frame = new Uint8Array(CHUNK_FRAME_HEADER_BYTES + sealed.length);
  const hex = match.slice(1).join('');
  for (let i = 0; i < 16; i++) frame[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  const view = new DataView(frame.buffer);
  view.setUint16(16, file);
  view.setUint32(18, chunk);
  frame.set(sealed, CHUNK_FRAME_HEADER_BYTES);
  return frame;
}

/** The address and the sealed bytes of a frame; a frame of the wrong length is refused, naming it. */
export function decodeChunkFrame(frame: Uint8Array): { address: ChunkAddress; sealed: Uint8Array } {
  if (frame.length !== CHUNK_FRAME_HEADER_BYTES + SEALED_CHUNK_BYTES) {
    throw new CodedError('bad_chunk_length', { expected: SEALED_CHUNK_BYTES, actual: Math.max(0, frame.length - CHUNK_FRAME_HEADER_BYTES) });
  }
  const hex = Array.from(frame.subarray(0, 16), (b) => b.toString(16).padStart(2, '0')).join('');
  const uploadId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  return { address: { uploadId, file: view.getUint16(16), chunk: view.getUint32(18) }, sealed: frame.subarray(CHUNK_FRAME_HEADER_BYTES) };
}
