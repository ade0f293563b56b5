/**
 * IDX files (the MNIST / Fashion-MNIST container): a big-endian header with a magic number giving
 * the element type and rank, the dimensions, then the raw values. Gzip is detected by its magic.
 */
import { gunzipSync } from 'node:zlib';
import { BitbenchError } from '../../api/errors.js';

/** A decoded unsigned-byte IDX array. */
export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/** Inflates gzip bytes when they start with the gzip magic; returns raw bytes unchanged. */
export function maybeGunzip(bytes: Uint8Array, file: string): Uint8Array {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      return gunzipSync(bytes);
    } catch (error) {
      throw new BitbenchError('INVALID_DATASET', `${file} is a damaged gzip file (${(error as Error).message}).`, 'Download or copy the file again.', { cause: error });
    }
  }
  return bytes;
}

/** Parses an unsigned-byte IDX file of the expected rank (3 for images, 1 for labels). */
export function parseIdx(bytes: Uint8Array, file: string, expectedRank: number): IdxArray {
  const hint = 'Fashion-MNIST needs the original IDX files (e.g. t10k-images-idx3-ubyte.gz); download or copy them again.';
  if (bytes.length < 4) throw new BitbenchError('INVALID_DATASET', `${file} is too short to be an IDX file (${bytes.length} bytes).`, hint);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  const type = (magic >> 8) & 0xff;
  const rank = magic & 0xff;
  if (magic >>> 16 !== 0 || type !== 0x08 || rank !== expectedRank) {
    throw new BitbenchError('INVALID_DATASET', `${file} is not an unsigned-byte IDX file of rank ${expectedRank} (magic 0x${magic.toString(16).padStart(8, '0')}, expected 0x0000080${expectedRank}).`, hint);
  }
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) throw new BitbenchError('INVALID_DATASET', `${file} is truncated inside its header.`, hint);
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(view.getUint32(4 + 4 * i));
  const count = dims.reduce((a, b) => a * b, 1);
  if (bytes.length < headerBytes + count) {
    throw new BitbenchError('INVALID_DATASET', `${file} is truncated: its header promises ${count} values but only ${bytes.length - headerBytes} are there.`, hint);
  }
  return { dims, data: bytes.subarray(headerBytes, headerBytes + count) };
}
