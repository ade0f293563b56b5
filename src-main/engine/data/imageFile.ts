/**
 * PNG and JPEG files: their size from the header (cheap, read at open time to validate a folder),
 * and full decoding to 8-bit RGB (per batch).
 */
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { BitbenchError } from '../../api/errors.js';

export type ImageFormat = 'png' | 'jpeg';

/** Format and size read from the header, or null when the bytes are neither PNG nor JPEG. */
export function readImageHeader(bytes: Uint8Array): { format: ImageFormat; width: number; height: number } | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length >= 24 && view.getUint32(0) === 0x89504e47 && view.getUint32(12) === 0x49484452) {
    return { format: 'png', width: view.getUint32(16), height: view.getUint32(20) };
  }
  if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8) {
    // Walk the marker segments to the first start-of-frame (SOF0..SOF15 except DHT, JPG, DAC).
    let p = 2;
    while (p + 9 < bytes.length) {
      if (bytes[p] !== 0xff) return null;
      const marker = bytes[p + 1];
      if (marker === 0xff) {
        p++;
        continue;
      }
      const len = view.getUint16(p + 2);
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { format: 'jpeg', height: view.getUint16(p + 5), width: view.getUint16(p + 7) };
      }
      p += 2 + len;
    }
  }
  return null;
}

/** Decodes a PNG or JPEG to height x width x 3 RGB bytes (alpha dropped, gray replicated). */
export function decodeImageRgb(bytes: Buffer, file: string): { width: number; height: number; rgb: Uint8Array } {
  const header = readImageHeader(bytes);
  try {
    if (header?.format === 'png') {
      const png = PNG.sync.read(bytes);
      return { width: png.width, height: png.height, rgb: dropAlpha(png.data, png.width * png.height) };
    }
    if (header?.format === 'jpeg') {
      const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 1024 });
      return { width: img.width, height: img.height, rgb: dropAlpha(img.data, img.width * img.height) };
    }
  } catch (error) {
    throw new BitbenchError('INVALID_DATASET', `Cannot decode image ${file}: ${(error as Error).message}.`, 'Replace or remove the damaged file.', { cause: error });
  }
  throw new BitbenchError('INVALID_DATASET', `${file} is neither a PNG nor a JPEG image.`, 'Convert it to PNG or JPEG, or remove it from the folder.');
}

function dropAlpha(rgba: Uint8Array, pixels: number): Uint8Array {
  const rgb = new Uint8Array(pixels * 3);
  for (let i = 0; i < pixels; i++) {
    rgb[i * 3] = rgba[i * 4];
    rgb[i * 3 + 1] = rgba[i * 4 + 1];
    rgb[i * 3 + 2] = rgba[i * 4 + 2];
  }
  return rgb;
}
